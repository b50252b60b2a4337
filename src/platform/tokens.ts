// The one single-use token scheme of CIT Hub, for every link sent by email (invitations, password
// resets, satisfaction surveys). A token is 32 random bytes (base64url, 43 characters); only its
// SHA-256 is stored, with a purpose (a link for one thing never opens another), the id of what it
// stands for, an expiry and its use. Consuming is one conditional UPDATE in the caller's transaction,
// so two clicks cannot both count and a rollback gives the link back.
//
// Refusals: a token that never existed (or of another purpose) is a NotFoundError; one that existed
// but expired, was used or was revoked is a GoneError (410) whose `reason` says which.
import { createHash, randomBytes } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { GoneError, NotFoundError } from './errors.js';

export type TokenRecord = {
  id: number;
  purpose: string;
  subjectId: number;
  createdBy: number | null;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

/** What the refusals say (Messages); each defaults to the common one. */
export type LinkMessages = { invalid: string; expired: string; used: string; revoked: string };

const DEFAULTS: LinkMessages = { invalid: 'common:gone.invalid', expired: 'common:gone.expired', used: 'common:gone.used', revoked: 'common:gone.revoked' };

/** A new secret for a link: 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a secret: its SHA-256, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

type Row = { id: number; purpose: string; subject_id: number; created_by: number | null; expires_at: Date; used_at: Date | null; revoked_at: Date | null; created_at: Date };
const recordOf = (r: Row): TokenRecord => ({
  id: r.id,
  purpose: r.purpose,
  subjectId: r.subject_id,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});
const COLUMNS = 'id, purpose, subject_id, created_by, expires_at, used_at, revoked_at, created_at';

export class TokenStore {
  constructor(private readonly sequelize: Sequelize) {}

  /**
   * A new token for `purpose` and `subjectId`, valid for `ttlMs`; with `replace`, the earlier unused
   * tokens of the same purpose and subject stop working. Returns the secret to put in the link.
   */
  async issue(
    input: { purpose: string; subjectId: number; ttlMs: number; createdBy?: number | null; replace?: boolean },
    transaction?: Transaction,
  ): Promise<{ token: string; record: TokenRecord }> {
    if (input.replace) await this.revokeAll(input.purpose, input.subjectId, transaction);
    const token = newSecret();
    const [row] = await this.sequelize.query<Row>(
      `INSERT INTO single_use_tokens (purpose, token_hash, subject_id, created_by, expires_at)
       VALUES (:purpose, :hash, :subjectId, :createdBy, now() + make_interval(secs => :seconds)) RETURNING ${COLUMNS}`,
      {
        replacements: { purpose: input.purpose, hash: hashSecret(token), subjectId: input.subjectId, createdBy: input.createdBy ?? null, seconds: input.ttlMs / 1000 },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return { token, record: recordOf(row) };
  }

  /** Many tokens of one purpose at once (one per subject, in order), e.g. the links of a newsletter's batch. */
  async issueMany(input: { purpose: string; subjectIds: number[]; ttlMs: number; createdBy?: number | null }, transaction?: Transaction): Promise<string[]> {
    if (!input.subjectIds.length) return [];
    const tokens = input.subjectIds.map(() => newSecret());
    await this.sequelize.query(
      `INSERT INTO single_use_tokens (purpose, token_hash, subject_id, created_by, expires_at)
       SELECT :purpose, h, s, :createdBy, now() + make_interval(secs => :seconds) FROM unnest(ARRAY[:hashes]::text[], ARRAY[:subjects]::int[]) AS t(h, s)`,
      {
        replacements: { purpose: input.purpose, hashes: tokens.map(hashSecret), subjects: input.subjectIds, createdBy: input.createdBy ?? null, seconds: input.ttlMs / 1000 },
        transaction,
      },
    );
    return tokens;
  }

  /** The record of a token still usable, without using it (to show the form behind a link). */
  async check(purpose: string, token: unknown, messages: Partial<LinkMessages> = {}, transaction?: Transaction): Promise<TokenRecord> {
    const record = await this.find(purpose, token, messages, transaction);
    this.assertUsable(record, messages);
    return record;
  }

  /** Uses the token, once: in the caller's transaction, so its rollback gives the link back. */
  async consume(purpose: string, token: unknown, messages: Partial<LinkMessages> = {}, transaction?: Transaction): Promise<TokenRecord> {
    if (typeof token !== 'string' || !SHAPE.test(token)) throw new NotFoundError(messages.invalid ?? DEFAULTS.invalid);
    const rows = await this.sequelize.query<Row>(
      `UPDATE single_use_tokens SET used_at = now()
        WHERE token_hash = :hash AND purpose = :purpose AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING ${COLUMNS}`,
      { replacements: { hash: hashSecret(token), purpose }, type: QueryTypes.SELECT, transaction },
    );
    if (rows[0]) return recordOf(rows[0]);
    // Not usable: say why (never existed, or expired / used / revoked).
    this.assertUsable(await this.find(purpose, token, messages, transaction), messages);
    throw new GoneError(messages.used ?? DEFAULTS.used, 'used');
  }

  /** The unused tokens of a purpose and subject stop working (a request reopened, a newer link sent). */
  async revokeAll(purpose: string, subjectId: number | number[], transaction?: Transaction): Promise<void> {
    const ids = Array.isArray(subjectId) ? subjectId : [subjectId];
    if (!ids.length) return;
    await this.sequelize.query(
      `UPDATE single_use_tokens SET revoked_at = now() WHERE purpose = :purpose AND subject_id IN (:ids) AND used_at IS NULL AND revoked_at IS NULL`,
      { replacements: { purpose, ids }, transaction },
    );
  }

  private async find(purpose: string, token: unknown, messages: Partial<LinkMessages>, transaction?: Transaction): Promise<TokenRecord> {
    const invalid = messages.invalid ?? DEFAULTS.invalid;
    if (typeof token !== 'string' || !SHAPE.test(token)) throw new NotFoundError(invalid);
    const [row] = await this.sequelize.query<Row>(`SELECT ${COLUMNS} FROM single_use_tokens WHERE token_hash = :hash AND purpose = :purpose`, {
      replacements: { hash: hashSecret(token), purpose },
      type: QueryTypes.SELECT,
      transaction,
    });
    if (!row) throw new NotFoundError(invalid);
    return recordOf(row);
  }

  private assertUsable(record: TokenRecord, messages: Partial<LinkMessages>): void {
    const m = { ...DEFAULTS, ...messages };
    if (record.usedAt) throw new GoneError(m.used, 'used');
    if (record.revokedAt) throw new GoneError(m.revoked, 'revoked');
    if (record.expiresAt.getTime() <= Date.now()) throw new GoneError(m.expired, 'expired');
  }
}
