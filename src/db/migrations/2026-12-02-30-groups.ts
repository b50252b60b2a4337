// Working groups (tavoli e gruppi di lavoro): groups of members with institutional roles, meetings
// with convocation, agenda, participants (members and invited guests) with their answer and
// attendance, minutes with versions and remarks, decisions and actions.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE groups_groups (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('technical','strategic','project','thematic')),
      purpose text,
      visibility text NOT NULL DEFAULT 'reserved' CHECK (visibility IN ('public','reserved')),
      archived boolean NOT NULL DEFAULT false,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX groups_groups_name_idx ON groups_groups (archived, lower(name), id);

    -- The bodies involved in a group (its members' bodies are added as they join).
    CREATE TABLE groups_bodies (
      group_id integer NOT NULL REFERENCES groups_groups(id) ON DELETE CASCADE,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      PRIMARY KEY (group_id, entity_id)
    );
    CREATE INDEX groups_bodies_entity_idx ON groups_bodies (entity_id, group_id);

    CREATE TABLE groups_members (
      id serial PRIMARY KEY,
      group_id integer NOT NULL REFERENCES groups_groups(id) ON DELETE CASCADE,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      role text NOT NULL CHECK (role IN ('coordinator','sponsor','facilitator','referent','secretary','member')),
      -- The body the person sat for when they joined (their user may move later).
      entity_id integer REFERENCES entities(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (group_id, user_id)
    );
    CREATE INDEX groups_members_user_idx ON groups_members (user_id, group_id);

    CREATE TABLE groups_meetings (
      id serial PRIMARY KEY,
      group_id integer NOT NULL REFERENCES groups_groups(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      place text,
      link text,
      state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','convened','in_progress','closed','cancelled')),
      convened_at timestamptz,
      started_at timestamptz,
      closed_at timestamptz,
      -- Bumped at every change sent to the invitees (ICS SEQUENCE).
      sequence integer NOT NULL DEFAULT 0,
      -- The minutes: none yet, draft (written), circulated (sent for remarks), approved (frozen).
      minutes_state text NOT NULL DEFAULT 'none' CHECK (minutes_state IN ('none','draft','circulated','approved')),
      minutes_version integer NOT NULL DEFAULT 1,
      minutes_notes text,
      -- Why the current version corrects an approved one (null for the first version).
      correction_note text,
      absent_reminded_at timestamptz,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX groups_meetings_group_idx ON groups_meetings (group_id, starts_at DESC, id DESC);
    CREATE INDEX groups_meetings_starts_idx ON groups_meetings (starts_at, id) WHERE state IN ('convened','in_progress');

    CREATE TABLE groups_agenda_items (
      id serial PRIMARY KEY,
      meeting_id integer NOT NULL REFERENCES groups_meetings(id) ON DELETE CASCADE,
      position integer NOT NULL DEFAULT 0,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      description text,
      presenter text,
      duration_minutes integer CHECK (duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 600),
      -- 'approval' approves the minutes of approves_meeting_id (the previous sitting).
      kind text NOT NULL DEFAULT 'topic' CHECK (kind IN ('topic','approval')),
      approves_meeting_id integer REFERENCES groups_meetings(id) ON DELETE SET NULL,
      -- A member's proposal waits for the coordinator before it joins the agenda.
      status text NOT NULL DEFAULT 'accepted' CHECK (status IN ('proposed','accepted','rejected')),
      proposed_by integer REFERENCES users(id) ON DELETE SET NULL,
      summary text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX groups_agenda_items_meeting_idx ON groups_agenda_items (meeting_id, position, id);

    -- Everyone invited to a meeting: the group's members (user_id) and external guests (email only).
    CREATE TABLE groups_participants (
      id serial PRIMARY KEY,
      meeting_id integer NOT NULL REFERENCES groups_meetings(id) ON DELETE CASCADE,
      user_id integer REFERENCES users(id) ON DELETE SET NULL,
      entity_id integer REFERENCES entities(id) ON DELETE SET NULL,
      role text,
      name text NOT NULL,
      email text NOT NULL,
      organisation text,
      guest boolean NOT NULL DEFAULT false,
      answer text CHECK (answer IN ('yes','no')),
      answered_at timestamptz,
      attendance text CHECK (attendance IN ('present','absent','excused')),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX groups_participants_email_key ON groups_participants (meeting_id, lower(email));
    CREATE INDEX groups_participants_user_idx ON groups_participants (user_id, meeting_id);
    CREATE INDEX groups_participants_entity_idx ON groups_participants (entity_id, meeting_id);

    CREATE TABLE groups_decisions (
      id serial PRIMARY KEY,
      item_id integer NOT NULL REFERENCES groups_agenda_items(id) ON DELETE CASCADE,
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX groups_decisions_item_idx ON groups_decisions (item_id, id);

    CREATE TABLE groups_actions (
      id serial PRIMARY KEY,
      group_id integer NOT NULL REFERENCES groups_groups(id) ON DELETE CASCADE,
      meeting_id integer NOT NULL REFERENCES groups_meetings(id) ON DELETE CASCADE,
      item_id integer REFERENCES groups_agenda_items(id) ON DELETE SET NULL,
      owner_user_id integer NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      owner_entity_id integer REFERENCES entities(id) ON DELETE SET NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
      due_on date,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','done','cancelled')),
      -- Work elsewhere: what it became (desk request, coaching action, tender needs…), its id and page.
      link_kind text,
      link_id integer,
      link_href text,
      reminded_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX groups_actions_group_idx ON groups_actions (group_id, status, due_on);
    CREATE INDEX groups_actions_owner_idx ON groups_actions (owner_user_id, status);
    CREATE INDEX groups_actions_due_idx ON groups_actions (due_on) WHERE status IN ('open','in_progress');

    -- Members' remarks on a version of the minutes: a comment or a confirmation.
    CREATE TABLE groups_minutes_remarks (
      id serial PRIMARY KEY,
      meeting_id integer NOT NULL REFERENCES groups_meetings(id) ON DELETE CASCADE,
      version integer NOT NULL,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      kind text NOT NULL CHECK (kind IN ('confirm','comment')),
      text text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX groups_minutes_remarks_meeting_idx ON groups_minutes_remarks (meeting_id, version, id);

    -- Every approved version of a meeting's minutes, frozen as it was approved.
    CREATE TABLE groups_minutes_versions (
      id serial PRIMARY KEY,
      meeting_id integer NOT NULL REFERENCES groups_meetings(id) ON DELETE CASCADE,
      version integer NOT NULL,
      content jsonb NOT NULL,
      approved_at timestamptz NOT NULL DEFAULT now(),
      approved_in_meeting_id integer REFERENCES groups_meetings(id) ON DELETE SET NULL,
      approved_by integer REFERENCES users(id) ON DELETE SET NULL,
      correction_note text,
      UNIQUE (meeting_id, version)
    );

    CREATE TABLE groups_documents (
      id serial PRIMARY KEY,
      meeting_id integer NOT NULL REFERENCES groups_meetings(id) ON DELETE CASCADE,
      item_id integer REFERENCES groups_agenda_items(id) ON DELETE SET NULL,
      file_id uuid NOT NULL REFERENCES stored_files(id) ON DELETE RESTRICT,
      uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX groups_documents_meeting_idx ON groups_documents (meeting_id, id);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE IF EXISTS groups_documents, groups_minutes_versions, groups_minutes_remarks, groups_actions, groups_decisions,
      groups_participants, groups_agenda_items, groups_meetings, groups_members, groups_bodies, groups_groups;
  `);
}
