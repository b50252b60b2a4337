// Training needs of a body: a need recorded for a comune (e.g. by a working group's action), which
// the training staff see and answer with a cycle; it keeps the page it came from.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE training_needs (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
      -- Where it came from: the kind and id of the source (one need per source), its label and page.
      source_kind text NOT NULL,
      source_id integer NOT NULL,
      source_label text NOT NULL,
      source_href text NOT NULL,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (source_kind, source_id)
    );
    CREATE INDEX training_needs_entity_idx ON training_needs (entity_id, created_at DESC, id DESC);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS training_needs');
}
