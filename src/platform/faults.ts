// What "the database is unreachable" looks like, in every shape the drivers give it: refused,
// terminated, starting up or shutting down, a client that lost its connection and is no longer
// queryable, a connection or pool acquire that timed out. One list, used by the 503 page and by the
// process handlers (a lost connection is a known, transient state; the app recovers by itself).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
]);
const CONNECTION_NAMES = new Set([
  'SequelizeConnectionError', 'SequelizeConnectionRefusedError', 'SequelizeConnectionTimedOutError', 'SequelizeHostNotReachableError',
  'SequelizeHostNotFoundError', 'SequelizeConnectionAcquireTimeoutError',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|terminating connection|connect ECONNREFUSED|not queryable|Client was closed|Connection ended|database system is (starting up|shutting down|in recovery mode)|timeout exceeded when trying to connect|Operation timeout|Cannot use a pool after calling end|read ECONNRESET|write EPIPE|socket hang up/i;

export function isDatabaseDown(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { name?: string; code?: unknown; message?: unknown; parent?: unknown; original?: unknown; cause?: unknown; errors?: unknown };
  if (e.name && CONNECTION_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  for (const inner of [e.parent, e.original, e.cause]) if (inner && inner !== err && isDatabaseDown(inner, depth + 1)) return true;
  if (Array.isArray(e.errors)) return e.errors.some((inner) => isDatabaseDown(inner, depth + 1));
  return false;
}
