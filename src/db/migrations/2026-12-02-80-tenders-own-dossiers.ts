// Tenders: a comune's own procedures. A dossier whose contracting body is a comune (the comune is
// stazione appaltante, its RUP signs, the centre supports), and the centre's comments on each
// document and phase of such a dossier.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    -- NULL: an aggregated dossier run by the centre; otherwise the body that runs its own procedure.
    ALTER TABLE tender_dossiers ADD COLUMN contracting_entity_id integer REFERENCES entities(id) ON DELETE RESTRICT;
    CREATE INDEX tender_dossiers_contracting_idx ON tender_dossiers (contracting_entity_id, updated_at DESC) WHERE contracting_entity_id IS NOT NULL;

    CREATE TABLE tender_comments (
      id serial PRIMARY KEY,
      dossier_id integer NOT NULL REFERENCES tender_dossiers(id) ON DELETE CASCADE,
      -- A comment is about one document, or about one phase of the dossier.
      document_id integer REFERENCES tender_documents(id) ON DELETE CASCADE,
      phase text,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
      author_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((document_id IS NULL) <> (phase IS NULL))
    );
    CREATE INDEX tender_comments_dossier_idx ON tender_comments (dossier_id, created_at);
    CREATE INDEX tender_comments_document_idx ON tender_comments (document_id) WHERE document_id IS NOT NULL;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE tender_comments;
    ALTER TABLE tender_dossiers DROP COLUMN contracting_entity_id;
  `);
}
