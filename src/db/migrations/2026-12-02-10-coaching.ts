// Coaching (affiancamento RTD): versioned assessment templates (areas → questions), a body's
// assessments with answers, evidence and staff comments, the improvement plan (goals → actions with
// their history), coaching sessions, each body's coach and the yearly evidence of dated obligations.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE coaching_templates (
      id serial PRIMARY KEY,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- A version is a draft (editable) or published (frozen: no area, question or weight changes).
    CREATE TABLE coaching_template_versions (
      id serial PRIMARY KEY,
      template_id integer NOT NULL REFERENCES coaching_templates(id) ON DELETE CASCADE,
      version integer NOT NULL CHECK (version >= 1),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
      description text,
      published_at timestamptz,
      published_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (template_id, version),
      CHECK ((status = 'published') = (published_at IS NOT NULL))
    );
    -- At most one draft per template.
    CREATE UNIQUE INDEX coaching_template_versions_one_draft ON coaching_template_versions (template_id) WHERE status = 'draft';

    CREATE TABLE coaching_areas (
      id serial PRIMARY KEY,
      version_id integer NOT NULL REFERENCES coaching_template_versions(id) ON DELETE CASCADE,
      position integer NOT NULL,
      code text NOT NULL CHECK (code ~ '^[A-Z0-9-]{1,20}$'),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      UNIQUE (version_id, code)
    );
    CREATE INDEX coaching_areas_version_idx ON coaching_areas (version_id, position);

    CREATE TABLE coaching_questions (
      id serial PRIMARY KEY,
      version_id integer NOT NULL REFERENCES coaching_template_versions(id) ON DELETE CASCADE,
      area_id integer NOT NULL REFERENCES coaching_areas(id) ON DELETE CASCADE,
      position integer NOT NULL,
      -- Stable across versions: a repeat assessment on a newer version matches answers by code.
      code text NOT NULL CHECK (code ~ '^[A-Z0-9-]{1,20}$'),
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
      guidance text,
      ref_kind text CHECK (ref_kind IN ('cad','piano','pnrr')),
      ref_code text,
      weight numeric(5,2) NOT NULL DEFAULT 1 CHECK (weight > 0 AND weight <= 100),
      UNIQUE (version_id, code),
      CHECK ((ref_kind IS NULL) = (ref_code IS NULL))
    );
    CREATE INDEX coaching_questions_area_idx ON coaching_questions (area_id, position);
    CREATE INDEX coaching_questions_version_idx ON coaching_questions (version_id, position);

    CREATE TABLE coaching_assessments (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      version_id integer NOT NULL REFERENCES coaching_template_versions(id) ON DELETE RESTRICT,
      -- The assessment it repeats: its answers were the starting point.
      previous_id integer REFERENCES coaching_assessments(id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','approved','returned')),
      started_by integer REFERENCES users(id) ON DELETE SET NULL,
      submitted_at timestamptz,
      submitted_by integer REFERENCES users(id) ON DELETE SET NULL,
      reviewed_at timestamptz,
      reviewed_by integer REFERENCES users(id) ON DELETE SET NULL,
      review_note text,
      -- Computed on submission: overall score 0–100, level 1–5, [{ areaId, code, title, score }].
      score numeric(5,1),
      level integer CHECK (level BETWEEN 1 AND 5),
      area_scores jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX coaching_assessments_entity_idx ON coaching_assessments (entity_id, created_at DESC, id DESC);
    -- The staff list reads each body's last submitted assessment.
    CREATE INDEX coaching_assessments_done_idx ON coaching_assessments (entity_id, submitted_at DESC) WHERE status IN ('submitted','approved');
    -- One assessment in progress per body.
    CREATE UNIQUE INDEX coaching_assessments_one_open ON coaching_assessments (entity_id) WHERE status IN ('draft','returned');

    CREATE TABLE coaching_answers (
      id serial PRIMARY KEY,
      assessment_id integer NOT NULL REFERENCES coaching_assessments(id) ON DELETE CASCADE,
      question_id integer NOT NULL REFERENCES coaching_questions(id) ON DELETE RESTRICT,
      answer text CHECK (answer IN ('yes','partly','no','na')),
      maturity integer CHECK (maturity BETWEEN 0 AND 4),
      note text,
      links text[] NOT NULL DEFAULT '{}',
      -- A proposal from the open data, until the RTD confirms or changes it.
      proposed boolean NOT NULL DEFAULT false,
      proposal text,
      staff_comment text,
      updated_by integer REFERENCES users(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (assessment_id, question_id)
    );

    CREATE TABLE coaching_evidence (
      id serial PRIMARY KEY,
      answer_id integer NOT NULL REFERENCES coaching_answers(id) ON DELETE CASCADE,
      file_id uuid NOT NULL REFERENCES stored_files(id) ON DELETE RESTRICT,
      uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX coaching_evidence_answer_idx ON coaching_evidence (answer_id);

    CREATE TABLE coaching_goals (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      description text,
      question_code text,
      ref_kind text CHECK (ref_kind IN ('cad','piano','pnrr')),
      ref_code text,
      assessment_id integer REFERENCES coaching_assessments(id) ON DELETE SET NULL,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX coaching_goals_entity_idx ON coaching_goals (entity_id, id);
    -- "Goals from the gaps" never proposes twice the same question for the same body.
    CREATE UNIQUE INDEX coaching_goals_question_key ON coaching_goals (entity_id, question_code) WHERE question_code IS NOT NULL;

    CREATE TABLE coaching_actions (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      goal_id integer REFERENCES coaching_goals(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      owner_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      due_on date,
      status text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo','doing','done','paused','na')),
      progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
      -- Where the action comes from when another area created it (a working group's decision, …).
      source_kind text,
      source_id text,
      source_label text,
      source_href text,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX coaching_actions_entity_idx ON coaching_actions (entity_id, due_on, id);
    CREATE INDEX coaching_actions_goal_idx ON coaching_actions (goal_id);
    CREATE INDEX coaching_actions_owner_idx ON coaching_actions (owner_user_id, due_on) WHERE status IN ('todo','doing');
    CREATE UNIQUE INDEX coaching_actions_source_key ON coaching_actions (entity_id, source_kind, source_id) WHERE source_kind IS NOT NULL;

    CREATE TABLE coaching_sessions (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE RESTRICT,
      starts_at timestamptz NOT NULL,
      duration_minutes integer NOT NULL DEFAULT 60 CHECK (duration_minutes BETWEEN 15 AND 600),
      mode text NOT NULL CHECK (mode IN ('presence','online')),
      place text,
      link text,
      participants text,
      agenda text,
      minutes text,
      next_steps text,
      coach_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (mode <> 'online' OR link IS NOT NULL)
    );
    CREATE INDEX coaching_sessions_entity_idx ON coaching_sessions (entity_id, starts_at DESC);

    -- The history of an action: every change of status or progress, by whom, from which session.
    CREATE TABLE coaching_action_events (
      id serial PRIMARY KEY,
      action_id integer NOT NULL REFERENCES coaching_actions(id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      user_id integer REFERENCES users(id) ON DELETE SET NULL,
      status text NOT NULL,
      progress integer NOT NULL,
      note text,
      session_id integer REFERENCES coaching_sessions(id) ON DELETE SET NULL
    );
    CREATE INDEX coaching_action_events_action_idx ON coaching_action_events (action_id, at DESC, id DESC);

    -- Each body's coach (a staff user).
    CREATE TABLE coaching_coaches (
      entity_id integer PRIMARY KEY REFERENCES entities(id) ON DELETE CASCADE,
      coach_user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE
    );
    CREATE INDEX coaching_coaches_coach_idx ON coaching_coaches (coach_user_id);

    -- The evidence of a dated obligation for a year, and the reminder sent for it.
    CREATE TABLE coaching_obligations (
      id serial PRIMARY KEY,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
      code text NOT NULL,
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      done_on date,
      evidence_link text,
      note text,
      reminded_at timestamptz,
      updated_by integer REFERENCES users(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (entity_id, code, year)
    );
  `);
}
