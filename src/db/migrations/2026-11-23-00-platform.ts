import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    -- Italian full-text search with accents folded, shared by every area (catalogue, knowledge base).
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'italian_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION italian_unaccent (COPY = italian);
        ALTER TEXT SEARCH CONFIGURATION italian_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
      END IF;
    END $$;

    CREATE TABLE entities (
      id serial PRIMARY KEY,
      ipa_code text NOT NULL,
      name text NOT NULL,
      fiscal_code text,
      istat_code text,
      kind text NOT NULL CHECK (kind IN ('comune','unione','provincia','citta_metropolitana','comunita_montana','regione','altro')),
      province_code text,
      region text,
      population integer CHECK (population IS NULL OR population >= 0),
      membership_status text NOT NULL DEFAULT 'prospect' CHECK (membership_status IN ('prospect','active','suspended','withdrawn')),
      joined_on date,
      convention_expires_on date,
      is_lead boolean NOT NULL DEFAULT false,
      is_cedent boolean NOT NULL DEFAULT false,
      rtd_user_id integer,
      email text,
      website text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX entities_ipa_code_key ON entities (lower(ipa_code));
    CREATE INDEX entities_name_idx ON entities (name);
    CREATE INDEX entities_province_idx ON entities (province_code, name);
    CREATE INDEX entities_name_trgm_idx ON entities USING gin (lower(name) gin_trgm_ops);

    CREATE TABLE users (
      id serial PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL DEFAULT '',
      password_hash text,
      role text NOT NULL CHECK (role IN ('member','rtd','referent','staff','admin')),
      entity_id integer REFERENCES entities(id) ON DELETE RESTRICT,
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited','active','disabled')),
      notify_optional boolean NOT NULL DEFAULT true,
      locale text NOT NULL DEFAULT 'it',
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (role IN ('staff','admin') OR entity_id IS NOT NULL)
    );
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));
    CREATE INDEX users_entity_idx ON users (entity_id);
    ALTER TABLE entities ADD CONSTRAINT entities_rtd_user_fk FOREIGN KEY (rtd_user_id) REFERENCES users(id) ON DELETE SET NULL;

    -- Failed logins are counted per email whether or not the account exists, so lockout reveals nothing.
    CREATE TABLE login_throttle (
      email_key text PRIMARY KEY,
      failures integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE account_tokens (
      id serial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('invitation','password_reset')),
      token_hash text NOT NULL UNIQUE,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, kind);

    -- Sessions (connect-pg-simple's table).
    CREATE TABLE session (
      sid varchar NOT NULL PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    );
    CREATE INDEX session_expire_idx ON session (expire);

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_user_id integer,
      actor_email text,
      entity_id integer,
      action text NOT NULL,
      subject_type text,
      subject_id text,
      ip text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
    CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
    CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at DESC);
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

    -- Uploaded files live in the database with their record, so web processes keep no state.
    CREATE TABLE stored_files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      sha256 text NOT NULL,
      size integer NOT NULL,
      mime text NOT NULL,
      original_name text NOT NULL,
      content bytea NOT NULL,
      uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX stored_files_sha_idx ON stored_files (sha256);

    CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE IF EXISTS settings, stored_files, session, account_tokens, login_throttle CASCADE;
    DROP TABLE IF EXISTS audit_log CASCADE;
    DROP FUNCTION IF EXISTS audit_log_append_only();
    ALTER TABLE entities DROP CONSTRAINT IF EXISTS entities_rtd_user_fk;
    DROP TABLE IF EXISTS users, entities CASCADE;
  `);
}
