// Funding: imports of the open data started from the upload page. The files wait in the shared file
// store while the job queue runs the importer (a 50,000-row file takes longer than a request may);
// the report stays with the row for the page that shows it.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE funding_imports (
      id serial PRIMARY KEY,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
      files jsonb NOT NULL,
      report jsonb,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    );
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS funding_imports;');
}
