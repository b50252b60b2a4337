// What the database layer knows of the web request it works for, without seeing `req`: its deadline
// and the idempotency key of the form being submitted, carried by AsyncLocalStorage.
//
// Deadline: a request past its deadline has already been answered 503 (src/web/deadline.ts), so it
// must not go on writing. Before every statement the guard below refuses to start a new one (the
// transaction callback throws and Sequelize rolls the transaction back); and the first statement of
// each transaction sets `SET LOCAL statement_timeout` to the time left, so a statement already
// running is cancelled by PostgreSQL itself when the deadline passes, and its transaction rolled
// back. SET LOCAL rather than a pool-wide statement_timeout: migrations, imports and jobs share the
// pool and may legitimately run longer; SET LOCAL ends with its transaction and costs one round trip.
// A COMMIT already sent is left to finish: the idempotency key then sends a retry to that result.
//
// Idempotency: the key is claimed (a row in idempotency_keys) by the first statement of the request's
// first transaction, so the claim commits or rolls back with the creation. A second submission of the
// same key waits on the first one's row lock, then finds the key taken and gets a
// DuplicateSubmissionError, which the web layer turns into a redirect to the first result.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Sequelize, Transaction } from 'sequelize';
import { hot } from './prepared.js';
import { AppError } from './errors.js';
import { msg } from './messages.js';

export type RequestScope = {
  /** Epoch ms after which no statement may start. */
  deadline: number;
  /** The idempotency key submitted with the form, read when first needed (a multipart body is parsed late). */
  idempotencyKey?: () => string | null;
  /** Who submits (user id, or a session), stored with the key. */
  idempotencyScope?: () => string;
  /** The key this request claimed, once claimed. */
  claimed?: string;
  /** Set once the claim was tried (it is tried once per request). */
  claimTried?: boolean;
};

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** The request's deadline passed: it was answered 503 and must stop. */
export class RequestTimeoutError extends AppError {
  override readonly status = 503;
  constructor(message = msg('common:faults.timeoutText')) {
    super(message);
  }
}

/** The form was already submitted with this key: the web layer redirects to the first result. */
export class DuplicateSubmissionError extends AppError {
  override readonly status = 409;
  constructor(readonly key: string) {
    super(msg('common:faults.alreadySubmitted'));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validIdempotencyKey(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;
}

type PgConnection = { query: (text: string, values?: unknown[]) => Promise<{ rowCount: number | null }> };
type QueryOptions = { transaction?: Transaction | null; completesTransaction?: boolean; type?: string };

// The transaction that claims the request's key sets its timeout in the same round trip, one
// prepared statement (set_config, local to the transaction; it holds from the next statement on).
// Any other transaction keeps to SET LOCAL: a utility statement, after which Sequelize may still
// set the transaction's isolation level, which a SELECT would forbid.
const CLAIM = hot('INSERT INTO idempotency_keys (key, scope) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING');
const SET_TIMEOUT_AND_CLAIM = hot(
  "WITH timeout AS (SELECT set_config('statement_timeout', $3, true)) INSERT INTO idempotency_keys (key, scope) SELECT $1, $2 FROM timeout ON CONFLICT (key) DO NOTHING",
);

/** Installs the deadline and idempotency guards on a Sequelize instance (a no-op outside requests). */
export function installRequestGuards(sequelize: Sequelize): void {
  const begun = new WeakSet<object>();
  const prepared = new WeakSet<object>();

  /** The key to claim now, if this request has one not yet tried (it is tried once). */
  const keyToClaim = (scope: RequestScope): string | null => {
    if (scope.claimTried || !scope.idempotencyKey) return null;
    const key = validIdempotencyKey(scope.idempotencyKey());
    if (key) scope.claimTried = true;
    return key;
  };
  const claimed = (scope: RequestScope, key: string, rowCount: number | null) => {
    if (!rowCount) throw new DuplicateSubmissionError(key);
    scope.claimed = key;
  };
  const scopeOf = (scope: RequestScope) => scope.idempotencyScope?.() ?? 'anonymous';

  sequelize.addHook('afterQuery', (options: QueryOptions, rawQuery: object) => {
    const query = rawQuery as { sql?: string };
    if (options.transaction && typeof query.sql === 'string' && /^START TRANSACTION/i.test(query.sql)) begun.add(options.transaction);
  });

  sequelize.addHook('beforeQuery', async (options: QueryOptions, rawQuery: object) => {
    const query = rawQuery as { connection?: PgConnection };
    const scope = storage.getStore();
    if (!scope || options.completesTransaction) return;
    const left = scope.deadline - Date.now();
    if (left <= 0) throw new RequestTimeoutError();
    const transaction = options.transaction;
    if (transaction && begun.has(transaction) && !prepared.has(transaction) && query.connection) {
      prepared.add(transaction);
      const timeout = String(Math.max(1, Math.ceil(left)));
      const key = keyToClaim(scope);
      if (!key) await query.connection.query(`SET LOCAL statement_timeout = ${timeout}`);
      else claimed(scope, key, (await query.connection.query(SET_TIMEOUT_AND_CLAIM, [key, scopeOf(scope), timeout])).rowCount);
    } else if (!transaction && options.type && ['INSERT', 'UPDATE', 'BULKUPDATE', 'UPSERT'].includes(options.type)) {
      // A creation outside any transaction: claim just before it (not atomic with it, but a
      // repeated submission is still stopped before it writes).
      const key = keyToClaim(scope);
      if (key) {
        const [, meta] = await sequelize.query(CLAIM, { bind: [key, scopeOf(scope)], type: 'RAW' });
        claimed(scope, key, (meta as { rowCount?: number } | undefined)?.rowCount ?? 0);
      }
    }
  });
}
