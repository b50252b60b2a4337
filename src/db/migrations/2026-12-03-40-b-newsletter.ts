// Newsletter: subscribers with their consent (date and version of the privacy text) and double opt-in,
// the issues staff compose from posts and free text, and one delivery row per issue and recipient,
// written with the recipient's mail job in one transaction, so a send resumed after a crash or an
// SMTP outage sends nobody the issue twice and skips nobody (the job's acceptance is in mail_deliveries).
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE newsletter_subscribers (
      id serial PRIMARY KEY,
      email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
      user_id integer REFERENCES users(id) ON DELETE SET NULL,
      topics text[] NOT NULL DEFAULT '{}',
      -- pending: waiting for the confirmation link (nothing is sent to it); confirmed; unsubscribed.
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','confirmed','unsubscribed')),
      consent_at timestamptz NOT NULL,
      consent_version text NOT NULL,
      confirmed_at timestamptz,
      unsubscribed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (status <> 'confirmed' OR confirmed_at IS NOT NULL)
    );
    CREATE UNIQUE INDEX newsletter_subscribers_email_key ON newsletter_subscribers (email);
    CREATE INDEX newsletter_subscribers_confirmed_idx ON newsletter_subscribers (id) WHERE status = 'confirmed';
    CREATE INDEX newsletter_subscribers_user_idx ON newsletter_subscribers (user_id) WHERE user_id IS NOT NULL;

    CREATE TABLE newsletter_issues (
      id serial PRIMARY KEY,
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
      intro_md text NOT NULL DEFAULT '',
      intro_html text NOT NULL DEFAULT '',
      post_ids integer[] NOT NULL DEFAULT '{}',
      -- The topics it is about: sent to subscribers of any of them (none: to every subscriber).
      topics text[] NOT NULL DEFAULT '{}',
      state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','sending','sent')),
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      sent_by integer REFERENCES users(id) ON DELETE SET NULL,
      send_started_at timestamptz,
      queued_at timestamptz,
      recipients integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX newsletter_issues_created_idx ON newsletter_issues (created_at DESC, id DESC);

    CREATE TABLE newsletter_deliveries (
      issue_id integer NOT NULL REFERENCES newsletter_issues(id) ON DELETE CASCADE,
      subscriber_id integer NOT NULL REFERENCES newsletter_subscribers(id) ON DELETE CASCADE,
      job_id uuid NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (issue_id, subscriber_id)
    );
    CREATE INDEX newsletter_deliveries_subscriber_idx ON newsletter_deliveries (subscriber_id);
  `);
}
