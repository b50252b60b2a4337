// Surviving faults: the SMTP server's acceptance of each mail job (so a job run again after a worker
// died does not send its message twice) and the idempotency keys of the forms that create things
// (so a resubmitted form lands on the first result instead of creating a duplicate).
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE mail_deliveries (
      job_id uuid PRIMARY KEY,
      message_id text NOT NULL,
      recipient text NOT NULL,
      response text,
      accepted_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX mail_deliveries_accepted_at_idx ON mail_deliveries (accepted_at);

    CREATE TABLE idempotency_keys (
      key uuid PRIMARY KEY,
      scope text NOT NULL,
      location text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS idempotency_keys; DROP TABLE IF EXISTS mail_deliveries;');
}
