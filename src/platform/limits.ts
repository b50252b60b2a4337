// Attempt counters shared by every process: one row per key in PostgreSQL (`rate_limits`), so a
// login limit or a reset-form limit holds the same whether the requests reach one web process or
// several behind a load balancer. A counter counts hits in a fixed window that starts with its first
// hit; reaching the limit can block the key for a while (its hits start again after the block).
// One statement per hit (an upsert), so two processes never lose a count between them.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export type LimitRule = {
  /** Hits allowed in a window; the hit that reaches it sets the block, when there is one. */
  limit: number;
  windowSeconds: number;
  /** How long the key stays blocked once the limit is reached (none: only counted). */
  blockSeconds?: number;
};

export type LimitState = {
  /** Hits in the current window (0 when the window has passed). */
  hits: number;
  /** Blocked until then, or null. */
  blockedUntil: Date | null;
  /** Whole seconds until the key may try again (0 when it may now). */
  retryAfterSeconds: number;
};

type Row = { hits: number; window_start: Date; blocked_until: Date | null; now: Date };

const stateOf = (row: Row | undefined, rule: LimitRule): LimitState => {
  if (!row) return { hits: 0, blockedUntil: null, retryAfterSeconds: 0 };
  const now = row.now.getTime();
  const blockedUntil = row.blocked_until && row.blocked_until.getTime() > now ? row.blocked_until : null;
  const windowEnds = row.window_start.getTime() + rule.windowSeconds * 1000;
  const hits = windowEnds > now ? row.hits : 0;
  const until = blockedUntil ? blockedUntil.getTime() : hits >= rule.limit ? windowEnds : now;
  return { hits, blockedUntil, retryAfterSeconds: Math.max(0, Math.ceil((until - now) / 1000)) };
};

export class RateLimits {
  constructor(private readonly sequelize: Sequelize) {}

  /** The key's state without counting. */
  async peek(key: string, rule: LimitRule): Promise<LimitState> {
    const [row] = await this.sequelize.query<Row>('SELECT hits, window_start, blocked_until, now() AS now FROM rate_limits WHERE key = :key', {
      replacements: { key },
      type: QueryTypes.SELECT,
    });
    return stateOf(row, rule);
  }

  /** Counts one hit; the hit that reaches the limit blocks the key for `blockSeconds` (when set). */
  async hit(key: string, rule: LimitRule): Promise<LimitState> {
    const [row] = await this.sequelize.query<Row>(
      `INSERT INTO rate_limits AS r (key, hits, window_start) VALUES (:key, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_start <= now() - make_interval(secs => :window) THEN 1 ELSE r.hits + 1 END,
         window_start = CASE WHEN r.window_start <= now() - make_interval(secs => :window) THEN now() ELSE r.window_start END
       RETURNING hits, window_start, blocked_until, now() AS now`,
      { replacements: { key, window: rule.windowSeconds }, type: QueryTypes.SELECT },
    );
    if (rule.blockSeconds && row.hits >= rule.limit) return this.block(key, rule, rule.blockSeconds);
    return stateOf(row, rule);
  }

  /** Blocks the key for `seconds` from now; its count starts again. */
  async block(key: string, rule: LimitRule, seconds: number): Promise<LimitState> {
    const [row] = await this.sequelize.query<Row>(
      `INSERT INTO rate_limits AS r (key, hits, window_start, blocked_until) VALUES (:key, 0, now(), now() + make_interval(secs => :seconds))
       ON CONFLICT (key) DO UPDATE SET hits = 0, window_start = now(), blocked_until = now() + make_interval(secs => :seconds)
       RETURNING hits, window_start, blocked_until, now() AS now`,
      { replacements: { key, seconds }, type: QueryTypes.SELECT },
    );
    return stateOf(row, rule);
  }

  /** Forgets the key (a successful login clears its failures). */
  async clear(key: string, transaction?: Transaction): Promise<void> {
    await this.sequelize.query('DELETE FROM rate_limits WHERE key = :key', { replacements: { key }, transaction });
  }

  /** Forgets every key that starts with `prefix` (a password reset lifts the account's locks). */
  async clearPrefix(prefix: string, transaction?: Transaction): Promise<void> {
    await this.sequelize.query('DELETE FROM rate_limits WHERE left(key, length(:prefix)) = :prefix', { replacements: { prefix }, transaction });
  }

  /** Removes the counters that no longer say anything: window and block both a day in the past. */
  async prune(): Promise<number> {
    const [, result] = await this.sequelize.query(
      `DELETE FROM rate_limits WHERE window_start < now() - interval '1 day' AND (blocked_until IS NULL OR blocked_until < now())`,
    );
    return (result as { rowCount?: number } | undefined)?.rowCount ?? 0;
  }
}
