// Attempt counters shared by all processes (src/platform/limits.ts): the login limits per account,
// per account and address, and per address, and the password-reset form's. They replace the
// per-account login_throttle table (a lockout in progress starts again: a few minutes at most).
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE rate_limits (
      key text PRIMARY KEY CHECK (length(key) <= 600),
      hits integer NOT NULL,
      window_start timestamptz NOT NULL,
      blocked_until timestamptz
    );
    CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);
    DROP TABLE login_throttle;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE IF EXISTS rate_limits;
    CREATE TABLE login_throttle (
      email_key text PRIMARY KEY,
      failures integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}
