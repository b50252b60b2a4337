// Coaching: the files a body uploads as the evidence of a dated obligation for a year (beside the
// date done, the link and the note already kept in coaching_obligations).
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE coaching_obligation_files (
      id serial PRIMARY KEY,
      obligation_id integer NOT NULL REFERENCES coaching_obligations(id) ON DELETE CASCADE,
      file_id uuid NOT NULL REFERENCES stored_files(id) ON DELETE RESTRICT,
      uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX coaching_obligation_files_obligation_idx ON coaching_obligation_files (obligation_id, id);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS coaching_obligation_files;');
}
