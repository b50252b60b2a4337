// Funding: the centre's coach of each body for its funding (who is told of its deadlines beside the
// body's RTD), and the deadline reminders sent: one per project, stage and threshold, ever.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE funding_coaches (
      entity_id integer PRIMARY KEY REFERENCES entities(id) ON DELETE CASCADE,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE funding_reminders (
      project_id integer NOT NULL REFERENCES funding_projects(id) ON DELETE CASCADE,
      stage text NOT NULL,
      threshold text NOT NULL CHECK (threshold IN ('warning','danger')),
      due_on date NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project_id, stage, threshold)
    );
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS funding_reminders; DROP TABLE IF EXISTS funding_coaches;');
}
