// One single-use token scheme (src/platform/tokens.ts) for every emailed link: invitations, password
// resets and the desk's satisfaction surveys move into single_use_tokens with their stored hashes,
// so the links already sent keep working (a survey link's hash is that of its random part).
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE single_use_tokens (
      id serial PRIMARY KEY,
      purpose text NOT NULL CHECK (purpose ~ '^[a-z][a-z_]{2,40}$'),
      token_hash text NOT NULL UNIQUE,
      subject_id integer NOT NULL,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX single_use_tokens_subject_idx ON single_use_tokens (purpose, subject_id) WHERE used_at IS NULL AND revoked_at IS NULL;

    INSERT INTO single_use_tokens (purpose, token_hash, subject_id, created_by, expires_at, used_at, created_at)
      SELECT kind, token_hash, user_id, created_by, expires_at, used_at, created_at FROM account_tokens;
    DROP TABLE account_tokens;

    INSERT INTO single_use_tokens (purpose, token_hash, subject_id, expires_at, used_at, revoked_at, created_at)
      SELECT 'desk_survey', token_hash, id, expires_at, answered_at, withdrawn_at, created_at FROM desk_surveys;
    ALTER TABLE desk_surveys DROP COLUMN token_hash;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE account_tokens (
      id serial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('invitation','password_reset')),
      token_hash text NOT NULL UNIQUE,
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, kind);
    INSERT INTO account_tokens (kind, token_hash, user_id, expires_at, used_at, created_by, created_at)
      SELECT t.purpose, t.token_hash, t.subject_id, t.expires_at, coalesce(t.used_at, t.revoked_at), t.created_by, t.created_at
        FROM single_use_tokens t JOIN users u ON u.id = t.subject_id WHERE t.purpose IN ('invitation','password_reset');

    ALTER TABLE desk_surveys ADD COLUMN token_hash text;
    UPDATE desk_surveys s SET token_hash = t.token_hash FROM single_use_tokens t WHERE t.purpose = 'desk_survey' AND t.subject_id = s.id;
    UPDATE desk_surveys SET token_hash = md5(random()::text) || id WHERE token_hash IS NULL;
    ALTER TABLE desk_surveys ALTER COLUMN token_hash SET NOT NULL;
    CREATE UNIQUE INDEX desk_surveys_token_key ON desk_surveys (token_hash);

    DROP TABLE single_use_tokens;
  `);
}
