// What every process entry (web, worker, commands) needs to fail loudly or survive: handlers for
// rejections and exceptions nobody caught, a bounded wait for the database at start, one clear
// Italian line when the start fails.
import pg from 'pg';
import { isDatabaseDown } from './faults.js';
import { messageTranslator } from './i18n.js';
import { compactError, type Logger } from './logger.js';
import { msg, type Message } from './messages.js';

/** A start that cannot go on: its message (a Message) is the reason in the one line the operator reads. */
export class StartError extends Error {
  constructor(message: Message) {
    super(message);
  }
}

/** Console lines for the operator, in Italian. */
export const consoleText = (message: Message): string => messageTranslator('it')(message);

/**
 * A lost database connection that escaped its caller is a known, transient state: log it and go on
 * (the pools reconnect, pages answer 503 meanwhile). Anything else is a state nobody planned for:
 * log it with its context and exit non-zero, so that the supervisor starts a clean process instead
 * of leaving one half alive.
 */
export function installProcessHandlers(log: Logger, processName: string): void {
  const handle = (kind: 'unhandledRejection' | 'uncaughtException') => (err: unknown) => {
    if (isDatabaseDown(err)) {
      log.warn({ err: compactError(err), kind, process: processName }, 'database connection lost outside a request: the process goes on');
      return;
    }
    log.fatal({ err: compactError(err), kind, process: processName }, 'unexpected error: the process stops');
    console.error(consoleText(msg('common:faults.unexpected', { process: processName, error: err instanceof Error ? err.message : String(err) })));
    // Let the log line reach its destination before leaving.
    setTimeout(() => process.exit(1), 100).unref();
    process.exitCode = 1;
  };
  process.on('unhandledRejection', handle('unhandledRejection'));
  process.on('uncaughtException', handle('uncaughtException'));
}

function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** Waits until the database answers, for at most `seconds`; then a StartError. */
export async function waitForDatabase(url: string, seconds: number, log: Logger): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let lastError: unknown = null;
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: Math.max(500, Math.min(5000, left)) });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      if (attempt > 0) log.info({ attempts: attempt + 1 }, 'database reachable');
      return;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
      if (!isDatabaseDown(err)) break; // a wrong password or database name will not fix itself
      if (attempt === 0) log.warn({ err: compactError(err), seconds }, 'database not reachable yet: waiting');
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
    }
  }
  const error = lastError instanceof Error ? lastError.message : '—';
  throw new StartError(
    isDatabaseDown(lastError) || !lastError
      ? msg('common:faults.databaseTimeout', { where: where(url), seconds, error })
      : msg('common:faults.databaseRefused', { where: where(url), error }),
  );
}

/** `work` (starting the embedded database) within the start deadline, else a StartError. */
export async function withStartDeadline<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StartError(msg('common:faults.embeddedTimeout', { seconds }))), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why listening failed (port in use, no permission), as a Message. */
export function listenError(err: NodeJS.ErrnoException, port: number): Message {
  if (err.code === 'EADDRINUSE') return msg('common:faults.portInUse', { port });
  if (err.code === 'EACCES') return msg('common:faults.portDenied', { port });
  return msg('common:faults.listenFailed', { port, error: err.message });
}
