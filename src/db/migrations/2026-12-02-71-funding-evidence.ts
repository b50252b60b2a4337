// Funding: a project's evidence (typed documents, each upload a new version in the shared file
// store) and the sample checks (controlli a campione): 20 working days to answer, with a checklist
// of the kinds of document to upload.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE funding_documents (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES funding_projects(id) ON DELETE CASCADE,
      type text NOT NULL CHECK (type IN ('determina','contratto','cre','screenshot','validator_report','pec_receipt','asseverazione','other')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX funding_documents_project_idx ON funding_documents (project_id, type, id);

    CREATE TABLE funding_document_versions (
      id serial PRIMARY KEY,
      document_id integer NOT NULL REFERENCES funding_documents(id) ON DELETE CASCADE,
      version integer NOT NULL CHECK (version >= 1),
      file_id uuid NOT NULL REFERENCES stored_files(id) ON DELETE RESTRICT,
      sha256 text NOT NULL,
      size integer NOT NULL CHECK (size > 0),
      mime text NOT NULL,
      original_name text NOT NULL,
      note text,
      uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (document_id, version)
    );

    CREATE TABLE funding_sample_checks (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES funding_projects(id) ON DELETE CASCADE,
      requested_on date NOT NULL,
      -- requested_on + 20 working days on the business calendar, computed when the check is opened.
      due_on date NOT NULL CHECK (due_on >= requested_on),
      -- The kinds of document the body must upload (types of funding_documents).
      checklist text[] NOT NULL DEFAULT '{}',
      note text,
      closed_on date,
      requested_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    -- One open check per project at a time.
    CREATE UNIQUE INDEX funding_sample_checks_open_key ON funding_sample_checks (project_id) WHERE closed_on IS NULL;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS funding_sample_checks; DROP TABLE IF EXISTS funding_document_versions; DROP TABLE IF EXISTS funding_documents;');
}
