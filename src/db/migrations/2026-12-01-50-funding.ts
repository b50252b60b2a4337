// Funding (finanziamenti): calls (avvisi), the applications and projects of adhering bodies, and the
// national open data of bodies that do not adhere, kept as reference (benchmarks, similar comuni).
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE funding_calls (
      id serial PRIMARY KEY,
      source text NOT NULL CHECK (source IN ('pnrr','regional','national','eu','other')),
      measure text,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      -- Kinds of bodies (IPA kinds of src/platform/vocabulary.ts) that may apply; the publisher's own words beside.
      eligible_kinds text[] NOT NULL DEFAULT '{}',
      eligible_text text,
      -- Unknown for a call named only by the open data of its applications.
      opens_on date,
      closes_on date,
      budget_cents bigint CHECK (budget_cents IS NULL OR (budget_cents >= 0 AND budget_cents <= 100000000000000)),
      amount_rule text NOT NULL DEFAULT 'none' CHECK (amount_rule IN ('none','fixed','population_band','percent')),
      amount_fixed_cents bigint CHECK (amount_fixed_cents IS NULL OR amount_fixed_cents >= 0),
      amount_percent numeric(5,2) CHECK (amount_percent IS NULL OR (amount_percent > 0 AND amount_percent <= 100)),
      amount_cap_cents bigint CHECK (amount_cap_cents IS NULL OR amount_cap_cents >= 0),
      -- [{ "upTo": population or null for the last band, "cents": amount }]
      amount_bands jsonb NOT NULL DEFAULT '[]',
      first_come boolean NOT NULL DEFAULT false,
      url text,
      -- Days between stages (see src/modules/funding/stages.ts); missing keys take the defaults.
      rules jsonb NOT NULL DEFAULT '{}',
      origin text NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual','opendata')),
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (closes_on >= opens_on),
      CHECK (amount_rule <> 'fixed' OR amount_fixed_cents IS NOT NULL),
      CHECK (amount_rule <> 'percent' OR amount_percent IS NOT NULL)
    );
    -- The open data names a call by its title: one row per title.
    CREATE UNIQUE INDEX funding_calls_opendata_title_key ON funding_calls (title) WHERE origin = 'opendata';
    CREATE INDEX funding_calls_dates_idx ON funding_calls (closes_on DESC, id DESC);
    CREATE INDEX funding_calls_measure_idx ON funding_calls (measure);

    CREATE TABLE funding_projects (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      call_id integer NOT NULL REFERENCES funding_calls(id) ON DELETE RESTRICT,
      title text,
      amount_cents bigint NOT NULL CHECK (amount_cents >= 0 AND amount_cents <= 100000000000000),
      state text NOT NULL DEFAULT 'preparing'
        CHECK (state IN ('preparing','submitted','admitted','funded','renounced','paid','revoked')),
      state_on date,
      cup text CHECK (cup IS NULL OR cup ~ '^[A-Z0-9]{15}$'),
      decree text,
      window_number integer CHECK (window_number IS NULL OR window_number BETWEEN 0 AND 1000),
      protocol text,
      submitted_on date,
      admitted_on date,
      funded_on date,
      cup_on date,
      contract_on date,
      completed_on date,
      asseverated_on date,
      cre_on date,
      payment_requested_on date,
      paid_on date,
      -- Rows of the national open data: (codice_ipa, avviso, CUP or protocol), so a re-import updates.
      import_key text UNIQUE,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    -- One application of a body to a call (entered by hand; the open data may hold several windows).
    CREATE UNIQUE INDEX funding_projects_manual_key ON funding_projects (entity_id, call_id) WHERE import_key IS NULL;
    CREATE INDEX funding_projects_entity_idx ON funding_projects (entity_id, updated_at DESC, id DESC);
    CREATE INDEX funding_projects_call_idx ON funding_projects (call_id, entity_id);
    CREATE INDEX funding_projects_updated_idx ON funding_projects (updated_at DESC, id DESC);
    CREATE INDEX funding_projects_state_idx ON funding_projects (state);

    -- Open-data rows of bodies that do not adhere (or are not in the bodies list): reference only.
    CREATE TABLE funding_reference_rows (
      id serial PRIMARY KEY,
      import_key text NOT NULL UNIQUE,
      ipa_code text NOT NULL,
      body_name text NOT NULL,
      body_kind text,
      istat_code text,
      province_code text,
      region text,
      call_id integer REFERENCES funding_calls(id) ON DELETE SET NULL,
      call_title text NOT NULL,
      measure text,
      amount_cents bigint NOT NULL,
      state text NOT NULL,
      state_on date,
      funded_on date,
      cup text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX funding_reference_rows_ipa_idx ON funding_reference_rows (ipa_code);
    CREATE INDEX funding_reference_rows_call_idx ON funding_reference_rows (call_id);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS funding_reference_rows; DROP TABLE IF EXISTS funding_projects; DROP TABLE IF EXISTS funding_calls;');
}
