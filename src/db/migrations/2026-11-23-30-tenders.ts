// Aggregated ICT tenders (gare ICT aggregate): dossiers, lots, participants, milestones, versioned
// documents, needs collection and the dossier history.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE tender_dossiers (
      id serial PRIMARY KEY,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      object text NOT NULL,
      category text NOT NULL CHECK (category IN ('goods','services','works')),
      cpv text CHECK (cpv IS NULL OR cpv ~ '^[0-9]{8}-[0-9]$'),
      procedure text NOT NULL CHECK (procedure IN ('affidamento_diretto','procedura_negoziata','procedura_aperta','adesione_convenzione','mepa')),
      estimated_value_cents bigint NOT NULL CHECK (estimated_value_cents >= 0 AND estimated_value_cents <= 1000000000000),
      rup_user_id integer NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      funding text NOT NULL DEFAULT 'none' CHECK (funding IN ('none','pnrr','other')),
      pnrr_measure text,
      funding_note text,
      cup text CHECK (cup IS NULL OR cup ~ '^[A-Z0-9]{15}$'),
      phase text NOT NULL DEFAULT 'needs_collection'
        CHECK (phase IN ('needs_collection','preparation','published','evaluation','awarded','contract','execution','closed','cancelled')),
      phase_changed_at timestamptz NOT NULL DEFAULT now(),
      is_public boolean NOT NULL DEFAULT false,
      cancelled_reason text,
      award_supplier_name text,
      award_supplier_fiscal_code text,
      award_value_cents bigint CHECK (award_value_cents IS NULL OR (award_value_cents >= 0 AND award_value_cents <= 1000000000000)),
      award_date date,
      contract_value_cents bigint CHECK (contract_value_cents IS NULL OR (contract_value_cents >= 0 AND contract_value_cents <= 1000000000000)),
      contract_signed_on date,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (funding = 'none' OR cup IS NOT NULL),
      CHECK (funding <> 'pnrr' OR pnrr_measure IS NOT NULL),
      CHECK (phase <> 'cancelled' OR cancelled_reason IS NOT NULL)
    );
    CREATE INDEX tender_dossiers_updated_idx ON tender_dossiers (updated_at DESC, id DESC);
    CREATE INDEX tender_dossiers_public_idx ON tender_dossiers (updated_at DESC, id DESC) WHERE is_public;
    CREATE INDEX tender_dossiers_phase_idx ON tender_dossiers (phase);
    CREATE INDEX tender_dossiers_title_trgm_idx ON tender_dossiers USING gin (lower(title) gin_trgm_ops);

    CREATE TABLE tender_lots (
      id serial PRIMARY KEY,
      dossier_id integer NOT NULL REFERENCES tender_dossiers(id) ON DELETE CASCADE,
      number integer NOT NULL CHECK (number BETWEEN 1 AND 999),
      title text NOT NULL,
      description text,
      cig text CHECK (cig IS NULL OR cig ~ '^[A-Z0-9]{10}$'),
      value_cents bigint NOT NULL CHECK (value_cents >= 0 AND value_cents <= 1000000000000),
      status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','open','awarded','deserted','cancelled')),
      cancelled_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (dossier_id, number),
      CHECK (status <> 'cancelled' OR cancelled_reason IS NOT NULL)
    );
    -- A CIG identifies one procedure or lot nationally (ANAC).
    CREATE UNIQUE INDEX tender_lots_cig_key ON tender_lots (cig) WHERE cig IS NOT NULL;

    CREATE TABLE tender_participants (
      id serial PRIMARY KEY,
      dossier_id integer NOT NULL REFERENCES tender_dossiers(id) ON DELETE CASCADE,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited','interested','joined','withdrawn')),
      share_cents bigint CHECK (share_cents IS NULL OR (share_cents >= 0 AND share_cents <= 1000000000000)),
      adhesion_file_id uuid REFERENCES stored_files(id) ON DELETE RESTRICT,
      adhesion_uploaded_at timestamptz,
      adhesion_uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (dossier_id, entity_id)
    );
    CREATE INDEX tender_participants_entity_idx ON tender_participants (entity_id, dossier_id);

    CREATE TABLE tender_milestones (
      id serial PRIMARY KEY,
      dossier_id integer NOT NULL REFERENCES tender_dossiers(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('needs_deadline','publication','offers_deadline','award','contract_signature','other')),
      title text NOT NULL,
      due_on date NOT NULL,
      due_time text CHECK (due_time IS NULL OR due_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      owner_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      note text,
      done_at timestamptz,
      reminder_sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tender_milestones_dossier_idx ON tender_milestones (dossier_id, due_on, id);
    CREATE INDEX tender_milestones_open_idx ON tender_milestones (due_on, id) WHERE done_at IS NULL;
    CREATE INDEX tender_milestones_owner_idx ON tender_milestones (owner_user_id, due_on);

    CREATE TABLE tender_documents (
      id serial PRIMARY KEY,
      dossier_id integer NOT NULL REFERENCES tender_dossiers(id) ON DELETE CASCADE,
      lot_id integer REFERENCES tender_lots(id) ON DELETE SET NULL,
      type text NOT NULL CHECK (type IN ('determina_a_contrarre','capitolato','disciplinare','bando_lettera_invito','chiarimenti','verbale','proposta_aggiudicazione','provvedimento_aggiudicazione','contratto','altro')),
      title text NOT NULL,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tender_documents_dossier_idx ON tender_documents (dossier_id, type);

    -- Each version carries its own visibility: a draft stays with staff after a later version is published.
    CREATE TABLE tender_document_versions (
      id serial PRIMARY KEY,
      document_id integer NOT NULL REFERENCES tender_documents(id) ON DELETE CASCADE,
      version integer NOT NULL CHECK (version >= 1),
      visibility text NOT NULL CHECK (visibility IN ('staff','participants','public')),
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

    CREATE TABLE tender_needs_calls (
      id serial PRIMARY KEY,
      dossier_id integer NOT NULL UNIQUE REFERENCES tender_dossiers(id) ON DELETE CASCADE,
      deadline_on date NOT NULL,
      instructions text,
      opened_by integer REFERENCES users(id) ON DELETE SET NULL,
      opened_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tender_needs_calls_deadline_idx ON tender_needs_calls (deadline_on) WHERE closed_at IS NULL;

    CREATE TABLE tender_needs_items (
      id serial PRIMARY KEY,
      call_id integer NOT NULL REFERENCES tender_needs_calls(id) ON DELETE CASCADE,
      position integer NOT NULL,
      label text NOT NULL,
      unit text,
      measure text NOT NULL CHECK (measure IN ('quantity','amount')),
      description text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tender_needs_items_call_idx ON tender_needs_items (call_id, position);

    CREATE TABLE tender_needs_invitations (
      id serial PRIMARY KEY,
      call_id integer NOT NULL REFERENCES tender_needs_calls(id) ON DELETE CASCADE,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      invited_at timestamptz NOT NULL DEFAULT now(),
      reminder_sent_at timestamptz,
      UNIQUE (call_id, entity_id)
    );
    CREATE INDEX tender_needs_invitations_entity_idx ON tender_needs_invitations (entity_id);

    CREATE TABLE tender_needs_answers (
      id serial PRIMARY KEY,
      call_id integer NOT NULL REFERENCES tender_needs_calls(id) ON DELETE CASCADE,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      notes text,
      answered_by integer REFERENCES users(id) ON DELETE SET NULL,
      answered_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (call_id, entity_id)
    );

    CREATE TABLE tender_needs_answer_lines (
      answer_id integer NOT NULL REFERENCES tender_needs_answers(id) ON DELETE CASCADE,
      item_id integer NOT NULL REFERENCES tender_needs_items(id) ON DELETE CASCADE,
      quantity bigint CHECK (quantity IS NULL OR (quantity >= 0 AND quantity <= 10000000)),
      amount_cents bigint CHECK (amount_cents IS NULL OR (amount_cents >= 0 AND amount_cents <= 1000000000000)),
      PRIMARY KEY (answer_id, item_id)
    );
    CREATE INDEX tender_needs_answer_lines_item_idx ON tender_needs_answer_lines (item_id);

    CREATE TABLE tender_events (
      id bigserial PRIMARY KEY,
      dossier_id integer NOT NULL REFERENCES tender_dossiers(id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      actor_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      actor_name text,
      kind text NOT NULL,
      summary text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX tender_events_dossier_idx ON tender_events (dossier_id, at DESC, id DESC);

    -- Personal calendar feeds of staff: only the SHA-256 of the secret token is kept.
    CREATE TABLE tender_feed_tokens (
      user_id integer PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE IF EXISTS tender_feed_tokens, tender_events, tender_needs_answer_lines, tender_needs_answers,
      tender_needs_invitations, tender_needs_items, tender_needs_calls, tender_document_versions, tender_documents,
      tender_milestones, tender_participants, tender_lots, tender_dossiers CASCADE;
  `);
}
