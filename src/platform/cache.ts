// In-process caches of data read from PostgreSQL, with one rule (DESIGN.md §6): every entry is
// keyed on the state of the database it was computed from, so any number of processes serve
// the same answer and no writer has to remember to clear anything.
//
// The state is a version read from the database on every use, in one statement:
// - `tables`: the sum of the versions of those tables in `cache_versions`, which a statement-level
//   trigger bumps in the writing transaction itself (migration 2026-12-01-40-cache-versions), so
//   the new version becomes visible exactly when the change commits, to every process at once;
//   A cache over a table not yet listed there needs a migration adding its row and trigger (the
//   version read refuses a table without a row, so a forgotten one fails its first test);
// - `state`: a query of the cache's own that identifies the data (the tenders' OCDS export).
// Entries of an older version are never served again; the LRU evicts them. A TTL only bounds how
// long an entry lives (values that depend on the clock); lru-cache shares concurrent misses of a
// key and, with `staleWhileRevalidate`, serves a value past its TTL (same version, hence the same
// data) while one refresh runs.
import { LRUCache } from 'lru-cache';
import { QueryTypes, type Sequelize } from 'sequelize';
import { hot } from './prepared.js';

export type DataCacheOptions = {
  /** For logs and the benchmark. */
  name: string;
  /** Most entries kept. */
  max: number;
  ttlMs: number;
  staleWhileRevalidate?: boolean;
} & (
  | { /** Tables the values are computed from; each carries the cache_versions trigger. */ tables: readonly string[] }
  | { /** A key of the data the values are computed from, read from the database. */ state: (sequelize: Sequelize) => Promise<string> }
);

type Compute<V> = () => Promise<V>;

export class DataCache<V extends object> {
  readonly name: string;
  private readonly lru: LRUCache<string, V, Compute<V>>;
  private readonly readState: (sequelize: Sequelize) => Promise<string>;
  private enabled = true;

  constructor(options: DataCacheOptions) {
    this.name = options.name;
    this.lru = new LRUCache<string, V, Compute<V>>({
      max: options.max,
      ttl: options.ttlMs,
      allowStale: options.staleWhileRevalidate ?? false,
      // A value computed for an older version may still land after a newer one was seen: it is
      // stored under its own version, where nobody looks for it any more.
      ignoreFetchAbort: true,
      fetchMethod: (_key, _stale, { context }) => context(),
    });
    this.readState = 'tables' in options ? versionOf(options.tables) : options.state;
  }

  /** The current version of the data, one statement. */
  version(sequelize: Sequelize): Promise<string> {
    return this.readState(sequelize);
  }

  /** The value computed for `key` at `version`, if any (see `version`). */
  get(version: string, key: string): V | undefined {
    return this.enabled ? this.lru.get(entryKey(version, key)) : undefined;
  }

  /** Stores a value computed after reading `version`. */
  set(version: string, key: string, value: V): void {
    if (this.enabled) this.lru.set(entryKey(version, key), value);
  }

  /** The value for `key` at the database's current version, computed once however many ask at once. */
  async fetch(sequelize: Sequelize, key: string, compute: Compute<V>): Promise<V> {
    if (!this.enabled) return compute();
    const version = await this.version(sequelize);
    const value = await this.lru.fetch(entryKey(version, key), { context: compute });
    return value ?? compute();
  }

  /** For the benchmark: measure the pages without this cache. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    this.lru.clear();
  }

  isEnabled(): boolean {
    return this.enabled;
  }
}

function entryKey(version: string, key: string): string {
  return `${version}\u0000${key}`;
}

/**
 * Versions only grow, so their sum changes with every committed write to any of the tables.
 *
 * Reads asked for in the same turn of the event loop share one statement, sent after that turn,
 * which reads the versions of every table (cache_versions has a row per cached table, a handful):
 * every request that shares it asked before it was sent, so it sees every change committed before
 * that request arrived (a user's own write, then the page that shows it, included). Under load a
 * page's caches (the facet index, the page cache, the desk's settings and bodies) and the requests
 * parsed in one turn cost one round trip instead of one each.
 */
export function versionOf(tables: readonly string[]): (sequelize: Sequelize) => Promise<string> {
  const list = [...tables];
  return async (sequelize) => {
    const versions = await allVersions(sequelize);
    let sum = 0n;
    for (const table of list) {
      const v = versions.get(table);
      if (v === undefined) throw new Error(`cache_versions lacks a row for ${table}`);
      sum += v;
    }
    return String(sum);
  };
}

const READ_VERSIONS = hot('SELECT table_name, version::text AS v FROM cache_versions');

function allVersions(sequelize: Sequelize): Promise<Map<string, bigint>> {
  let read = pending.get(sequelize);
  if (!read) {
    read = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      pending.delete(sequelize);
      const rows = await sequelize.query<{ table_name: string; v: string }>(READ_VERSIONS, { type: QueryTypes.SELECT });
      return new Map(rows.map((r) => [r.table_name, BigInt(r.v)]));
    });
    pending.set(sequelize, read);
  }
  return read;
}

/** The version read not yet sent, per database. */
const pending = new WeakMap<Sequelize, Promise<Map<string, bigint>>>();
