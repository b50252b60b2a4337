// Funding: impact indicators. A call defines what its projects report and how often; a project
// reports one value per indicator and period, with its evidence; the centre validates it or sends
// it back with a note.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE funding_indicators (
      id serial PRIMARY KEY,
      call_id integer NOT NULL REFERENCES funding_calls(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      unit text CHECK (unit IS NULL OR length(unit) <= 40),
      period text NOT NULL CHECK (period IN ('month','quarter','semester','year')),
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX funding_indicators_name_key ON funding_indicators (call_id, lower(name));

    CREATE TABLE funding_indicator_values (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES funding_projects(id) ON DELETE CASCADE,
      indicator_id integer NOT NULL REFERENCES funding_indicators(id) ON DELETE CASCADE,
      -- 2026-03, 2026-Q1, 2026-S1 or 2026 (src/modules/funding/periods.ts)
      period text NOT NULL CHECK (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$'),
      value numeric(16,2) NOT NULL CHECK (value >= 0 AND value <= 1000000000000),
      evidence text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 2000),
      state text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted','validated','returned')),
      review_note text,
      reported_by integer REFERENCES users(id) ON DELETE SET NULL,
      reported_at timestamptz NOT NULL DEFAULT now(),
      reviewed_by integer REFERENCES users(id) ON DELETE SET NULL,
      reviewed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (project_id, indicator_id, period)
    );
    CREATE INDEX funding_indicator_values_indicator_idx ON funding_indicator_values (indicator_id, period);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS funding_indicator_values; DROP TABLE IF EXISTS funding_indicators;');
}
