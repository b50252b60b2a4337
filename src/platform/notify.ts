// Changes to the cached tables, pushed to every process by PostgreSQL's LISTEN/NOTIFY: the trigger
// that bumps a table's version in cache_versions (src/platform/cache.ts) also notifies the channel
// `cache_versions` with the table's name, delivered at commit. In-process indexes use it to rebuild
// as soon as another process (or this one) commits, instead of making the next request wait for it.
// The version read of cache.ts stays the proof of freshness: a notification only comes earlier.
//
// One dedicated connection per process (pg's Client, not the pool: a LISTEN lives as long as its
// connection). When it is lost (the database restarts, a network cut) it is opened again with a
// growing delay, logged, never thrown: the web process keeps serving, and every listener is told
// once it is back, since changes made meanwhile were not notified.
import pg from 'pg';
import { compactError, type Logger } from './logger.js';

export const CHANGE_CHANNEL = 'cache_versions';

type Handler = (table: string) => void;
const handlers = new Set<{ tables: ReadonlySet<string>; fn: Handler }>();

/** Calls `fn` with the table's name after a committed change to one of `tables` (and after a reconnection, with each of them). */
export function onTablesChanged(tables: readonly string[], fn: Handler): () => void {
  const entry = { tables: new Set(tables), fn };
  handlers.add(entry);
  return () => void handlers.delete(entry);
}

function dispatch(table: string, log: Logger): void {
  for (const h of handlers) {
    if (!h.tables.has(table)) continue;
    try {
      h.fn(table);
    } catch (err) {
      log.warn({ err: compactError(err), table }, 'change listener handler failed');
    }
  }
}

export type ChangeListener = { stop: () => Promise<void>; connected: () => boolean };

const MAX_DELAY_MS = 30_000;

/** Listens on its own connection until stopped; reconnects by itself. */
export function startChangeListener(databaseUrl: string, log: Logger): ChangeListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let connected = false;
  let delay = 500;
  let timer: NodeJS.Timeout | null = null;
  let everConnected = false;

  const retry = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: databaseUrl, application_name: 'cit-hub-listen', connectionTimeoutMillis: 5000 });
    client = c;
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = null;
      connected = false;
      if (!stopped) log.warn({ err: err ? compactError(err) : undefined }, 'change listener disconnected: reconnecting');
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      retry();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => {
      if (n.channel === CHANGE_CHANNEL && n.payload) dispatch(n.payload, log);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (stopped) return void (await c.end().catch(() => undefined));
      connected = true;
      delay = 500;
      // Whatever changed while nobody listened was not notified: every listener refreshes.
      if (everConnected) for (const h of handlers) for (const t of h.tables) dispatch(t, log);
      everConnected = true;
    } catch (err) {
      lost(err);
    }
  };

  void connect();
  return {
    connected: () => connected,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      connected = false;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
