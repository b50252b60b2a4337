// Funding: the weekly radar sent (one digest per body and ISO week, ever), and a project's links to
// the tender dossier that buys its supply and to the coaching plan action it fulfils.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE funding_radar_sent (
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
      week text NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-9]{2}$'),
      recipients integer NOT NULL DEFAULT 0,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (entity_id, week)
    );
    ALTER TABLE funding_projects
      ADD COLUMN tender_dossier_id integer REFERENCES tender_dossiers(id) ON DELETE SET NULL,
      ADD COLUMN coaching_action_id integer REFERENCES coaching_actions(id) ON DELETE SET NULL;
    CREATE INDEX funding_projects_cup_idx ON funding_projects (cup) WHERE cup IS NOT NULL;
    CREATE INDEX funding_projects_dossier_idx ON funding_projects (tender_dossier_id) WHERE tender_dossier_id IS NOT NULL;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP INDEX IF EXISTS funding_projects_dossier_idx;
    DROP INDEX IF EXISTS funding_projects_cup_idx;
    ALTER TABLE funding_projects DROP COLUMN IF EXISTS coaching_action_id, DROP COLUMN IF EXISTS tender_dossier_id;
    DROP TABLE IF EXISTS funding_radar_sent;
  `);
}
