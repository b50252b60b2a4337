// Facet counts of the public catalogue, counted in the process instead of by PostgreSQL: one bitset
// (a bit per published asset) for every facet value, built from one statement and rebuilt when the
// catalogue's tables change (their cache_versions version, read on every use: DESIGN.md §6, so every
// process sees a committed change at its next request). A search's matching assets come from
// PostgreSQL's full-text index as ids, remembered per query for the same version. Counting a facet
// is then a few thousand word-wide ANDs and popcounts (about a millisecond at 50,000 assets, where
// the statement that grouped every matching row by every facet value took half a second), or, for
// a narrow scope, a walk of its assets' values (countValues).
import { LRUCache } from 'lru-cache';
import { QueryTypes, type Sequelize } from 'sequelize';
import { versionOf } from '../../platform/cache.js';
import { onTablesChanged } from '../../platform/notify.js';
import { CATALOG_TABLES } from './cache.js';

/** The facets as the index sees them: their parameter, the column they read, whether it is an array. */
export type IndexedFacet = { param: string; column: string; array: boolean };

/** `textMatches`: the published assets the full-text query alone matches (all of them without one). */
export type IndexCounts = { total: number; textMatches: number; inUse: number; values: Record<string, Array<{ value: string; label: string | null; count: number }>> };

type Bits = Uint32Array;

export type IndexFilter = {
  q: string | null;
  /** The normalised form of q (its tsquery as text): queries written differently but searching the same share their matches. */
  queryKey?: string | null;
  selected: Record<string, string[]>;
  inUse: boolean;
};

type Snapshot = {
  version: string;
  /** Asset ids in ascending order; an asset's bit is its position here. */
  ids: Int32Array;
  words: number;
  all: Bits;
  inUse: Bits;
  /** param → value → bitset. */
  values: Map<string, Map<string, Bits>>;
  /** The same values by position, with each asset's values (for counting a sparse scope) and their totals. */
  byFacet: Map<string, FacetValues>;
  /** Names of the cedent bodies, by lower-case IPA code (the `ente` facet shows names). */
  labels: Map<string, string>;
  /** Positions in the order of each sort but relevance (read from PostgreSQL, its collation included). */
  orders: Record<OrderKey, Int32Array>;
  /** Matching assets per normalised full-text query (its tsquery), for this version only: a write starts a new, empty one. */
  matches: LRUCache<string, Bits>;
};

/**
 * A facet's values by position (the order of `values`), each asset's positions in CSR form (asset
 * `i` has `vals[starts[i]]`…`vals[starts[i + 1] - 1]`), and every value's count over the whole catalogue.
 */
type FacetValues = { names: string[]; bits: Bits[]; starts: Int32Array; vals: Int32Array; totals: Int32Array };

/** The sorts the index knows the order of; relevance is ranked by PostgreSQL among a bounded set (see `page`). */
export type OrderKey = 'recenti' | 'adottati' | 'nome';

/**
 * How one page of results is read: `ranked`, the candidates PostgreSQL orders by relevance (LIMIT
 * and OFFSET given), followed by `ids`, assets in the index's own order (their rows read by id).
 */
export type PagePlan = { ranked: { candidates: number[]; offset: number; limit: number } | null; ids: number[] };

const popcount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

function and(a: Bits, b: Bits): Bits {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & b[i];
  return out;
}

function or(a: Bits, b: Bits): Bits {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] | b[i];
  return out;
}

function countAnd(a: Bits, b: Bits): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += popcount(a[i] & b[i]);
  return n;
}

function count(a: Bits): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += popcount(a[i]);
  return n;
}

/** Calls `fn` with the position of every bit set, in ascending order. */
function forEachBit(bits: Bits, fn: (at: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w];
    while (x !== 0) {
      const low = x & -x;
      fn((w << 5) + (31 - Math.clz32(low)));
      x ^= low;
    }
  }
}

/**
 * How many assets of `scope` have each value of the facet. A scope of few assets is walked asset by
 * asset (their values), a wide one value by value (a word-wide AND and popcount per value); the
 * whole catalogue's counts are kept. A narrowed page (a facet or two chosen) thus costs its matches,
 * not the number of values times the size of the catalogue.
 */
function countValues(scope: Bits, all: Bits, fv: FacetValues): Int32Array {
  if (scope === all) return fv.totals;
  const size = count(scope);
  const counts = new Int32Array(fv.names.length);
  const perAsset = fv.vals.length / Math.max(1, fv.starts.length - 1);
  if (size * perAsset < fv.names.length * scope.length) {
    forEachBit(scope, (i) => {
      for (let k = fv.starts[i]; k < fv.starts[i + 1]; k++) counts[fv.vals[k]]++;
    });
  } else {
    for (let j = 0; j < counts.length; j++) counts[j] = countAnd(scope, fv.bits[j]);
  }
  return counts;
}

/** Position of `id` in the ascending `ids`, or -1. */
function positionOf(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

type Row = Record<string, unknown> & { id: number; in_use: boolean; ente_name: string | null; o_recenti: number; o_adottati: number; o_nome: number };

const has = (bits: Bits, at: number): boolean => (bits[at >>> 5] & (1 << (at & 31))) !== 0;

/** The ids at positions `skip`…`skip + take` of `order` among those set in `bits`. */
function inOrder(s: Snapshot, order: Int32Array, bits: Bits, skip: number, take: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < order.length && out.length < take; i++) {
    if (!has(bits, order[i])) continue;
    if (skip > 0) skip--;
    else out.push(s.ids[order[i]]);
  }
  return out;
}

export class FacetIndex {
  private current: Snapshot | null = null;
  private building: Promise<Snapshot> | null = null;
  private readonly version = versionOf(CATALOG_TABLES);

  /** The database the index was last read from, for the rebuilds a notification starts. */
  private db: Sequelize | null = null;

  constructor(
    private readonly facets: readonly IndexedFacet[],
    /** The condition of a published asset matching the full-text query :q (on the row `a`). */
    private readonly matchCondition: string,
    /** The normalised form of :q (the key its matches are kept under), read with them. */
    private readonly normalisedQuery: string,
  ) {
    // A change committed by any process is notified (platform/notify.ts): the snapshot is rebuilt
    // then, in the background, so the next request finds it ready. Requests still check the
    // version themselves, so a late or lost notification never serves stale counts.
    onTablesChanged(CATALOG_TABLES, () => {
      if (this.db) this.snapshot(this.db).catch(() => undefined);
    });
  }

  private built: Array<() => void> = [];

  /** Resolves when the next snapshot is in place (the tests see a notification's rebuild happen). */
  nextBuild(): Promise<void> {
    return new Promise((resolve) => this.built.push(resolve));
  }

  /** The snapshot of the database's current version, built once however many ask at once. */
  private async snapshot(sequelize: Sequelize): Promise<Snapshot> {
    this.db = sequelize;
    const version = await this.version(sequelize);
    if (this.current?.version === version) return this.current;
    if (!this.building) {
      this.building = this.build(sequelize, version).finally(() => {
        this.building = null;
      });
    }
    const built = await this.building;
    // A build that started before a newer commit serves this request (it read committed data), and
    // the next request, seeing the newer version, builds again.
    if (!this.current || Number(built.version) >= Number(this.current.version)) this.current = built;
    for (const resolve of this.built.splice(0)) resolve();
    return built;
  }

  private async build(sequelize: Sequelize, version: string): Promise<Snapshot> {
    const columns = this.facets.filter((f) => f.param !== 'ente').map((f) => `a.${f.column} AS "${f.param}"`);
    // The orders of the sorts are PostgreSQL's own (they are the ORDER BY of searchPage), names in its collation.
    const rows = await sequelize.query<Row>(
      `SELECT a.id, ${columns.join(', ')}, lower(e.ipa_code) AS ente, e.name AS ente_name, a.in_use_count > 0 AS in_use,
              (row_number() OVER (ORDER BY a.published_at DESC, a.id DESC))::int - 1 AS o_recenti,
              (row_number() OVER (ORDER BY a.in_use_count DESC, a.adoption_count DESC, lower(a.name), a.id))::int - 1 AS o_adottati,
              (row_number() OVER (ORDER BY lower(a.name), a.id))::int - 1 AS o_nome
         FROM catalog_assets a LEFT JOIN entities e ON e.id = a.entity_id
        WHERE a.status = 'published'
        ORDER BY a.id`,
      { type: QueryTypes.SELECT },
    );
    const words = Math.max(1, Math.ceil(rows.length / 32));
    const ids = new Int32Array(rows.length);
    const all = new Uint32Array(words);
    const inUse = new Uint32Array(words);
    const values = new Map<string, Map<string, Bits>>(this.facets.map((f) => [f.param, new Map()]));
    const labels = new Map<string, string>();
    const orders: Record<OrderKey, Int32Array> = { recenti: new Int32Array(rows.length), adottati: new Int32Array(rows.length), nome: new Int32Array(rows.length) };
    rows.forEach((row, i) => {
      ids[i] = row.id;
      orders.recenti[row.o_recenti] = i;
      orders.adottati[row.o_adottati] = i;
      orders.nome[row.o_nome] = i;
      const word = i >>> 5;
      const bit = 1 << (i & 31);
      all[word] |= bit;
      if (row.in_use) inUse[word] |= bit;
      for (const f of this.facets) {
        const raw = row[f.param];
        const list = f.array ? ((raw as string[] | null) ?? []) : raw === null || raw === undefined ? [] : [String(raw)];
        const byValue = values.get(f.param)!;
        for (const v of list) {
          let bits = byValue.get(v);
          if (!bits) byValue.set(v, (bits = new Uint32Array(words)));
          bits[word] |= bit;
        }
      }
      if (row.ente && row.ente_name) labels.set(String(row.ente), row.ente_name);
    });
    const byFacet = new Map<string, FacetValues>();
    for (const [param, byValue] of values) {
      const names = [...byValue.keys()];
      const bits = [...byValue.values()];
      const starts = new Int32Array(rows.length + 1);
      const totals = new Int32Array(names.length);
      bits.forEach((b, j) => {
        forEachBit(b, (i) => starts[i + 1]++);
        totals[j] = count(b);
      });
      for (let i = 0; i < rows.length; i++) starts[i + 1] += starts[i];
      const vals = new Int32Array(starts[rows.length]);
      const next = starts.slice(0, rows.length);
      bits.forEach((b, j) => forEachBit(b, (i) => (vals[next[i]++] = j)));
      byFacet.set(param, { names, bits, starts, vals, totals });
    }
    // Matches per normalised query: 2,000 bitsets are 2.5 MB at 10,000 assets, 12.5 MB at 50,000.
    return { version, ids, words, all, inUse, values, byFacet, labels, orders, matches: new LRUCache<string, Bits>({ max: 2000 }) };
  }

  /**
   * The assets matching a full-text query, as a bitset of the snapshot, and the query's normalised
   * form. A query whose normalised form is known and whose matches are kept costs nothing; any
   * other reads both in one statement.
   */
  private async matching(sequelize: Sequelize, s: Snapshot, q: string, knownKey: string | null | undefined): Promise<{ bits: Bits; key: string }> {
    const kept = knownKey != null ? s.matches.get(knownKey) : undefined;
    if (kept) return { bits: kept, key: knownKey! };
    // No condition on the status: with it PostgreSQL ANDs the bitmap of a partial index on status
    // into the full-text one (10 ms instead of 3 for a word in a seventh of 10,000 assets, the same
    // for the others); assets not published are not in the snapshot, so they are dropped below.
    const [row] = await sequelize.query<{ key: string; ids: number[] }>(
      `SELECT ${this.normalisedQuery} AS key, ARRAY(SELECT a.id FROM catalog_assets a WHERE ${this.matchCondition}) AS ids`,
      { replacements: { q }, type: QueryTypes.SELECT },
    );
    const key = row.key;
    const again = s.matches.get(key);
    if (again) return { bits: again, key };
    const bits = new Uint32Array(s.words);
    for (const id of row.ids) {
      // An asset published after this snapshot was built is counted from the next version on.
      const at = positionOf(s.ids, id);
      if (at >= 0) bits[at >>> 5] |= 1 << (at & 31);
    }
    s.matches.set(key, bits);
    return { bits, key };
  }

  /**
   * Counts for every facet, each with all the other filters applied (so choosing a value never
   * hides its siblings), the total of the results and of those in use.
   */
  async counts(sequelize: Sequelize, filter: IndexFilter): Promise<IndexCounts> {
    return (await this.search(sequelize, filter, null)).counts;
  }

  /**
   * The counts and, when `page` is given, how to read that page of results. Relevance is ranked by
   * PostgreSQL among at most `page.candidates` assets: the first ones of the «most adopted» order
   * among the matches. A word found in most of the catalogue (a corpus stop-word such as «comuni»)
   * then costs the ranking of those few rows, not of every row; the results past them follow in
   * that same order. Below that many matches the ranking is exact.
   */
  async search(
    sequelize: Sequelize,
    filter: IndexFilter,
    page: { sort: OrderKey | 'rilevanza'; offset: number; limit: number; candidates: number } | null,
  ): Promise<{ counts: IndexCounts; plan: PagePlan | null; queryKey: string | null }> {
    const s = await this.snapshot(sequelize);
    const match = filter.q ? await this.matching(sequelize, s, filter.q, filter.queryKey) : null;
    const base = match ? match.bits : s.all;
    const queryKey = match ? match.key : null;
    // One bitset per active filter: OR within a facet, and across facets they are ANDed below.
    const active = new Map<string, Bits>();
    for (const f of this.facets) {
      const chosen = filter.selected[f.param];
      if (!chosen?.length) continue;
      let bits: Bits = new Uint32Array(s.words);
      for (const v of chosen) {
        const b = s.values.get(f.param)!.get(v);
        if (b) bits = or(bits, b);
      }
      active.set(f.param, bits);
    }
    if (filter.inUse) active.set('in_uso', s.inUse);
    const without = (except: string | null): Bits => {
      let bits = base;
      for (const [param, b] of active) if (param !== except) bits = and(bits, b);
      return bits;
    };
    const counts: IndexCounts = { total: count(without(null)), textMatches: count(base), inUse: countAnd(without('in_uso'), s.inUse), values: {} };
    for (const f of this.facets) {
      const scope = without(f.param);
      const fv = s.byFacet.get(f.param)!;
      const n = countValues(scope, s.all, fv);
      const out: IndexCounts['values'][string] = [];
      for (let j = 0; j < n.length; j++) {
        if (n[j] > 0) out.push({ value: fv.names[j], label: f.param === 'ente' ? (s.labels.get(fv.names[j]) ?? null) : null, count: n[j] });
      }
      if (out.length) counts.values[f.param] = out;
    }
    if (!page) return { counts, plan: null, queryKey };
    const results = without(null);
    if (page.sort !== 'rilevanza') return { counts, plan: { ranked: null, ids: inOrder(s, s.orders[page.sort], results, page.offset, page.limit) }, queryKey };
    const candidates = inOrder(s, s.orders.adottati, results, 0, page.candidates);
    const rankedLimit = Math.max(0, Math.min(page.limit, candidates.length - page.offset));
    const rest = page.limit - rankedLimit;
    const ids = rest > 0 ? inOrder(s, s.orders.adottati, results, candidates.length + Math.max(0, page.offset - candidates.length), rest) : [];
    return { counts, plan: { ranked: rankedLimit > 0 ? { candidates, offset: page.offset, limit: rankedLimit } : null, ids }, queryKey };
  }
}
