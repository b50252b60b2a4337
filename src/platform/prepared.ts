// Hot statements as prepared statements: PostgreSQL parses and plans a statement sent by text on
// every call, which for the job queue's insert (a 3 KB INSERT … SELECT over a partitioned table)
// was two thirds of its cost (`npm run bench -- profile open`). A text marked with `hot()` is sent
// under a fixed name instead; pg prepares it once per connection and then only binds and executes.
//
// Opt-in per text, so the statements a connection keeps prepared are bounded by the code: texts
// built with a varying number of parameters, or once, stay as they are. A statement prepared
// before a migration is re-planned by PostgreSQL itself when a table it uses changes. Named
// statements need a session of their own on the server: behind a transaction-pooling proxy
// (pgbouncer in transaction mode) set it to session mode.
import { createHash } from 'node:crypto';
import type pg from 'pg';

const names = new Map<string, string>();

/** Marks `text` as a hot statement and returns it unchanged. */
export function hot(text: string): string {
  if (!names.has(text)) {
    const name = `cit_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
    // Sequelize trims a statement before it sends it.
    names.set(text.trim(), name);
  }
  return text;
}

type Callback = (err: Error, result: pg.QueryResult) => void;
const wrapped = new WeakSet<object>();

/**
 * Makes `client` send hot statements by name. With `all`, every statement with parameters is
 * prepared: for a pool that runs only a handful of fixed texts (the session store's).
 */
export function prepareHotStatements(client: pg.ClientBase, opts: { all?: boolean } = {}): void {
  if (wrapped.has(client)) return;
  wrapped.add(client);
  // The class's own query, looked up at each call (a profiler may wrap it meanwhile).
  const proto = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
  const query = (...args: unknown[]) => proto.query.apply(client, args);
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string') {
      const params = typeof values === 'function' ? undefined : (values as unknown[] | undefined);
      const done = (typeof values === 'function' ? values : callback) as Callback | undefined;
      const name = names.get(config) ?? (opts.all && params?.length ? hot(config) && names.get(config) : undefined);
      if (name) return done ? query({ name, text: config, values: params }, done) : query({ name, text: config, values: params });
    }
    return query(config, values, callback);
  };
}
