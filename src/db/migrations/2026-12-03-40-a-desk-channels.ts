// Desk channels: a request arrives through the portal, or staff record it for a body after a phone
// call, an e-mail, a visit to the counter or a meeting. A request taken for a person of the body who has
// no account yet keeps that person's name (and how to reach them) instead of a requester.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    ALTER TABLE desk_requests
      ADD COLUMN channel text NOT NULL DEFAULT 'portale' CHECK (channel IN ('portale','telefono','email','sportello','riunione')),
      ADD COLUMN recorded_by integer REFERENCES users(id) ON DELETE SET NULL,
      ADD COLUMN contact_name text CHECK (contact_name IS NULL OR length(contact_name) BETWEEN 1 AND 200),
      ADD COLUMN contact_email text CHECK (contact_email IS NULL OR length(contact_email) BETWEEN 3 AND 254),
      ADD COLUMN contact_phone text CHECK (contact_phone IS NULL OR length(contact_phone) BETWEEN 3 AND 40);
    CREATE INDEX desk_requests_channel_idx ON desk_requests (channel, created_at);
  `);
}
