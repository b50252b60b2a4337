// Training (formazione): cycles of sessions, registrations with seats and a waiting list, attendance,
// certificates with a public verification code, external hours toward the 40-hour objective,
// satisfaction answers, anonymous counts of citizens' courses, personal calendar feeds.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE training_cycles (
      id serial PRIMARY KEY,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '',
      audience text NOT NULL CHECK (audience IN ('staff','administrators','rtd','citizens')),
      competences text[] NOT NULL DEFAULT '{}',
      level text NOT NULL DEFAULT 'base' CHECK (level IN ('base','intermediate','advanced')),
      -- Hours that count toward the yearly objective for the whole cycle (a certificate counts its share).
      hours numeric(6,2) NOT NULL CHECK (hours > 0 AND hours <= 1000),
      organiser text NOT NULL DEFAULT '',
      speakers text NOT NULL DEFAULT '',
      -- Minimum share of a session's duration to count as present.
      attendance_percent integer NOT NULL DEFAULT 80 CHECK (attendance_percent BETWEEN 1 AND 100),
      -- How long a waiting-list offer stays valid.
      offer_hours integer NOT NULL DEFAULT 24 CHECK (offer_hours BETWEEN 1 AND 720),
      -- Seats per body: until reserved_until no body takes more than this many seats of a session.
      seats_per_body integer CHECK (seats_per_body IS NULL OR seats_per_body BETWEEN 1 AND 1000),
      reserved_until date,
      -- Citizens' courses: personal data kept this many days after the last session.
      retention_days integer NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 1 AND 3650),
      state text NOT NULL DEFAULT 'published' CHECK (state IN ('draft','published','cancelled')),
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX training_cycles_state_idx ON training_cycles (state, id DESC);

    CREATE TABLE training_sessions (
      id serial PRIMARY KEY,
      cycle_id integer NOT NULL REFERENCES training_cycles(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      starts_at timestamptz NOT NULL,
      duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
      mode text NOT NULL CHECK (mode IN ('online','presence','hybrid')),
      link text,
      place text,
      capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
      speaker_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      state text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled','cancelled')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (mode = 'presence' OR link IS NOT NULL),
      CHECK (mode = 'online' OR place IS NOT NULL)
    );
    CREATE INDEX training_sessions_cycle_idx ON training_sessions (cycle_id, starts_at);
    CREATE INDEX training_sessions_start_idx ON training_sessions (starts_at);

    CREATE TABLE training_materials (
      id serial PRIMARY KEY,
      session_id integer NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('slides','recording','link','file')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      url text,
      file_id uuid REFERENCES stored_files(id) ON DELETE SET NULL,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (url IS NOT NULL OR file_id IS NOT NULL)
    );
    CREATE INDEX training_materials_session_idx ON training_materials (session_id, id);

    CREATE TABLE training_registrations (
      id serial PRIMARY KEY,
      session_id integer NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
      user_id integer REFERENCES users(id) ON DELETE CASCADE,
      entity_id integer REFERENCES entities(id) ON DELETE SET NULL,
      -- Citizens without an account (deleted by the retention job; the row stays as an anonymous count).
      citizen_name text,
      citizen_email text,
      citizen_phone text,
      anonymised boolean NOT NULL DEFAULT false,
      state text NOT NULL CHECK (state IN ('pending','confirmed','waiting','offered','cancelled')),
      waiting_since timestamptz,
      offer_expires_at timestamptz,
      cancel_reason text CHECK (cancel_reason IS NULL OR cancel_reason IN ('person','staff','offer_expired','session_cancelled','unconfirmed')),
      registered_by integer REFERENCES users(id) ON DELETE SET NULL,
      confirmed_at timestamptz,
      cancelled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (user_id IS NOT NULL OR citizen_name IS NOT NULL OR anonymised),
      CHECK (state <> 'offered' OR offer_expires_at IS NOT NULL)
    );
    -- One live registration per person and session (a cancelled one may be followed by a new one).
    CREATE UNIQUE INDEX training_registrations_live_key ON training_registrations (session_id, user_id) WHERE user_id IS NOT NULL AND state <> 'cancelled';
    CREATE UNIQUE INDEX training_registrations_citizen_key ON training_registrations (session_id, lower(citizen_email)) WHERE citizen_email IS NOT NULL AND state <> 'cancelled';
    CREATE INDEX training_registrations_session_idx ON training_registrations (session_id, state, waiting_since, id);
    CREATE INDEX training_registrations_user_idx ON training_registrations (user_id, session_id);
    CREATE INDEX training_registrations_offer_idx ON training_registrations (offer_expires_at) WHERE state = 'offered';

    CREATE TABLE training_attendance (
      registration_id integer PRIMARY KEY REFERENCES training_registrations(id) ON DELETE CASCADE,
      session_id integer NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('present','absent','late','excused')),
      minutes integer CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 1440),
      note text,
      source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','import')),
      recorded_by integer REFERENCES users(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX training_attendance_session_idx ON training_attendance (session_id);

    CREATE TABLE training_certificates (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$'),
      cycle_id integer NOT NULL REFERENCES training_cycles(id) ON DELETE RESTRICT,
      user_id integer REFERENCES users(id) ON DELETE SET NULL,
      entity_id integer REFERENCES entities(id) ON DELETE SET NULL,
      holder_name text NOT NULL,
      body_name text,
      title text NOT NULL,
      first_day date NOT NULL,
      last_day date NOT NULL,
      hours numeric(6,2) NOT NULL CHECK (hours > 0),
      competences text[] NOT NULL DEFAULT '{}',
      sessions_attended integer NOT NULL,
      sessions_total integer NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_reason text,
      revoked_by integer REFERENCES users(id) ON DELETE SET NULL,
      CHECK (revoked_at IS NULL OR revoked_reason IS NOT NULL)
    );
    -- One valid certificate per person and cycle.
    CREATE UNIQUE INDEX training_certificates_live_key ON training_certificates (cycle_id, user_id) WHERE revoked_at IS NULL;
    CREATE INDEX training_certificates_user_idx ON training_certificates (user_id, last_day);
    CREATE INDEX training_certificates_entity_idx ON training_certificates (entity_id, last_day);

    CREATE TABLE training_external_hours (
      id serial PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      provider text NOT NULL DEFAULT '',
      completed_on date NOT NULL,
      hours numeric(6,2) NOT NULL CHECK (hours > 0 AND hours <= 1000),
      file_id uuid REFERENCES stored_files(id) ON DELETE SET NULL,
      recorded_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX training_external_hours_user_idx ON training_external_hours (user_id, completed_on);
    CREATE INDEX training_external_hours_entity_idx ON training_external_hours (entity_id, completed_on);

    CREATE TABLE training_feedback (
      registration_id integer PRIMARY KEY REFERENCES training_registrations(id) ON DELETE CASCADE,
      session_id integer NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
      rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
      comment text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX training_feedback_session_idx ON training_feedback (session_id);

    -- Citizens' courses: who came, counted without names (age band and gender, as the national
    -- digital-facilitation monitoring asks).
    CREATE TABLE training_citizen_counts (
      session_id integer NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
      age_band text NOT NULL CHECK (age_band IN ('14-17','18-29','30-54','55-74','75+')),
      gender text NOT NULL CHECK (gender IN ('f','m','x')),
      people integer NOT NULL CHECK (people BETWEEN 0 AND 100000),
      PRIMARY KEY (session_id, age_band, gender)
    );

    -- Reminders sent, so each goes once per registration and kind.
    CREATE TABLE training_reminders (
      registration_id integer NOT NULL REFERENCES training_registrations(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('day','hour','survey')),
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (registration_id, kind)
    );

    -- A personal calendar feed: a long-lived secret per user (its SHA-256 stored), replaced on demand.
    CREATE TABLE training_feeds (
      user_id integer PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE training_feeds, training_reminders, training_citizen_counts, training_feedback, training_external_hours,
      training_certificates, training_attendance, training_registrations, training_materials, training_sessions, training_cycles;
  `);
}
