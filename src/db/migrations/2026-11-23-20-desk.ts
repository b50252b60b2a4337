// Consultancy desk: requests, their thread (public replies and internal notes), attachments, state
// history, SLA reminders already sent, satisfaction surveys, and the knowledge base.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE desk_requests (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      requester_id integer REFERENCES users(id) ON DELETE SET NULL,
      category text NOT NULL CHECK (category IN ('legal','strategic','procurement','technical','reuse','other')),
      priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),
      state text NOT NULL DEFAULT 'new' CHECK (state IN ('new','assigned','in_progress','waiting','resolved','closed')),
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 20000),
      assignee_id integer REFERENCES users(id) ON DELETE SET NULL,
      -- The catalogue asset a reuse request is about (a snapshot: the catalogue may rename or archive it).
      asset_id integer,
      asset_slug text,
      asset_name text,
      first_response_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      last_activity_at timestamptz NOT NULL DEFAULT now(),
      -- SLA figures derived from the history (src/modules/desk/sla.ts), kept for queues, filters and reports;
      -- every change of the request recomputes them, and the SLA job refreshes them.
      first_response_due_at timestamptz,
      resolution_due_at timestamptz,
      first_response_minutes numeric,
      resolution_minutes numeric,
      first_response_met boolean,
      resolution_met boolean,
      message_count integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX desk_requests_entity_idx ON desk_requests (entity_id, last_activity_at DESC, id DESC);
    CREATE INDEX desk_requests_state_due_idx ON desk_requests (state, resolution_due_at, id);
    CREATE INDEX desk_requests_category_idx ON desk_requests (category, state, resolution_due_at, id);
    CREATE INDEX desk_requests_priority_idx ON desk_requests (priority, state, resolution_due_at, id);
    CREATE INDEX desk_requests_assignee_idx ON desk_requests (assignee_id, state, resolution_due_at, id);
    CREATE INDEX desk_requests_activity_idx ON desk_requests (last_activity_at DESC, id DESC);
    CREATE INDEX desk_requests_created_idx ON desk_requests (created_at);
    CREATE INDEX desk_requests_running_due_idx ON desk_requests (resolution_due_at) WHERE state IN ('new','assigned','in_progress');
    CREATE INDEX desk_requests_running_first_idx ON desk_requests (first_response_due_at)
      WHERE state IN ('new','assigned','in_progress') AND first_response_at IS NULL;
    CREATE INDEX desk_requests_resolved_idx ON desk_requests (resolved_at) WHERE state = 'resolved';
    CREATE INDEX desk_requests_subject_trgm_idx ON desk_requests USING gin (lower(subject) gin_trgm_ops);

    CREATE TABLE desk_messages (
      id serial PRIMARY KEY,
      request_id integer NOT NULL REFERENCES desk_requests(id) ON DELETE CASCADE,
      author_id integer REFERENCES users(id) ON DELETE SET NULL,
      author_name text NOT NULL DEFAULT '',
      side text NOT NULL CHECK (side IN ('body','staff')),
      -- Internal notes are written by staff and never shown to the body.
      internal boolean NOT NULL DEFAULT false,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (NOT internal OR side = 'staff')
    );
    CREATE INDEX desk_messages_request_idx ON desk_messages (request_id, created_at, id);

    CREATE TABLE desk_attachments (
      id serial PRIMARY KEY,
      request_id integer NOT NULL REFERENCES desk_requests(id) ON DELETE CASCADE,
      message_id integer REFERENCES desk_messages(id) ON DELETE CASCADE,
      file_id uuid NOT NULL REFERENCES stored_files(id) ON DELETE RESTRICT,
      internal boolean NOT NULL DEFAULT false,
      uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX desk_attachments_request_idx ON desk_attachments (request_id, id);

    CREATE TABLE desk_events (
      id bigserial PRIMARY KEY,
      request_id integer NOT NULL REFERENCES desk_requests(id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id integer REFERENCES users(id) ON DELETE SET NULL,
      actor_name text NOT NULL DEFAULT '',
      kind text NOT NULL CHECK (kind IN ('created','state','assignee','priority','category')),
      from_value text,
      to_value text,
      action text
    );
    CREATE INDEX desk_events_request_idx ON desk_events (request_id, at, id);

    -- One row per SLA reminder sent, so the job warns once per clock and due time.
    CREATE TABLE desk_sla_alerts (
      request_id integer NOT NULL REFERENCES desk_requests(id) ON DELETE CASCADE,
      clock text NOT NULL CHECK (clock IN ('first_response','resolution')),
      due_at timestamptz NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (request_id, clock, due_at)
    );

    CREATE TABLE desk_surveys (
      id serial PRIMARY KEY,
      request_id integer NOT NULL REFERENCES desk_requests(id) ON DELETE CASCADE,
      recipient_id integer REFERENCES users(id) ON DELETE SET NULL,
      token_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      answered_at timestamptz,
      withdrawn_at timestamptz,
      rating smallint CHECK (rating BETWEEN 1 AND 5),
      comment text CHECK (comment IS NULL OR length(comment) <= 2000),
      CHECK ((answered_at IS NULL) = (rating IS NULL))
    );
    CREATE UNIQUE INDEX desk_surveys_token_key ON desk_surveys (token_hash);
    CREATE INDEX desk_surveys_request_idx ON desk_surveys (request_id);
    CREATE INDEX desk_surveys_answered_idx ON desk_surveys (answered_at) WHERE answered_at IS NOT NULL;

    CREATE TABLE kb_articles (
      id serial PRIMARY KEY,
      slug text NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      summary text NOT NULL DEFAULT '',
      body text NOT NULL,
      category text NOT NULL CHECK (category IN ('legal','strategic','procurement','technical','reuse','other')),
      tags text[] NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','archived')),
      -- Articles are anonymised: the requesting body is named only when staff choose so.
      show_body boolean NOT NULL DEFAULT false,
      source_request_id integer REFERENCES desk_requests(id) ON DELETE SET NULL,
      author_id integer REFERENCES users(id) ON DELETE SET NULL,
      published_at timestamptz,
      search tsvector NOT NULL DEFAULT ''::tsvector,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX kb_articles_slug_key ON kb_articles (slug);
    CREATE INDEX kb_articles_search_idx ON kb_articles USING gin (search);
    CREATE INDEX kb_articles_tags_idx ON kb_articles USING gin (tags);
    CREATE INDEX kb_articles_status_idx ON kb_articles (status, published_at DESC);
    CREATE INDEX kb_articles_source_idx ON kb_articles (source_request_id);

    CREATE FUNCTION kb_articles_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search :=
          setweight(to_tsvector('italian_unaccent', coalesce(NEW.title, '')), 'A') ||
          setweight(to_tsvector('italian_unaccent', array_to_string(NEW.tags, ' ')), 'A') ||
          setweight(to_tsvector('italian_unaccent', coalesce(NEW.summary, '')), 'B') ||
          setweight(to_tsvector('italian_unaccent', coalesce(NEW.body, '')), 'C');
        RETURN NEW;
      END $$;
    CREATE TRIGGER kb_articles_search BEFORE INSERT OR UPDATE OF title, tags, summary, body ON kb_articles
      FOR EACH ROW EXECUTE FUNCTION kb_articles_search_update();
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE IF EXISTS kb_articles, desk_surveys, desk_sla_alerts, desk_events, desk_attachments, desk_messages, desk_requests CASCADE;
    DROP FUNCTION IF EXISTS kb_articles_search_update();
  `);
}
