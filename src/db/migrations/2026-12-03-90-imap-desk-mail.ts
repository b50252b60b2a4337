// Requests by e-mail: every message fetched from the desk's mailbox leaves one row in
// desk_inbound_mail, keyed by its Message-ID (or a hash of the message when it has none) and written
// in the transaction that creates the request, the reply or the quarantine item, so a message is
// processed exactly once whatever the job does (two runs at once, a crash before the IMAP move).
// Messages the desk cannot take on its own wait in desk_mail_quarantine for staff to assign or discard.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE desk_mail_quarantine (
      id serial PRIMARY KEY,
      reason text NOT NULL CHECK (reason IN ('unknown_sender','auto_reply','too_large','unknown_request','not_allowed','no_text','malformed','not_body','refused')),
      sender text NOT NULL DEFAULT '' CHECK (length(sender) <= 320),
      sender_name text NOT NULL DEFAULT '' CHECK (length(sender_name) <= 200),
      subject text NOT NULL DEFAULT '' CHECK (length(subject) <= 500),
      sent_at timestamptz,
      size integer NOT NULL DEFAULT 0,
      -- The text and the original message, for staff to read and assign; emptied once handled.
      text text NOT NULL DEFAULT '',
      raw bytea,
      request_id integer REFERENCES desk_requests(id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','assigned','discarded')),
      handled_by integer REFERENCES users(id) ON DELETE SET NULL,
      handled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'pending') = (handled_at IS NULL)),
      CHECK (status <> 'assigned' OR request_id IS NOT NULL)
    );
    CREATE INDEX desk_mail_quarantine_pending_idx ON desk_mail_quarantine (created_at DESC, id DESC) WHERE status = 'pending';

    CREATE TABLE desk_inbound_mail (
      message_key text PRIMARY KEY CHECK (length(message_key) BETWEEN 1 AND 1000),
      outcome text NOT NULL CHECK (outcome IN ('request','reply','quarantine')),
      request_id integer REFERENCES desk_requests(id) ON DELETE SET NULL,
      desk_message_id integer REFERENCES desk_messages(id) ON DELETE SET NULL,
      quarantine_id integer REFERENCES desk_mail_quarantine(id) ON DELETE SET NULL,
      sender text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}
