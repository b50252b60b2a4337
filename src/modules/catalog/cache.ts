// Short-lived in-process caches of the public catalogue: facet counts (per filter set) and whole
// pages rendered for visitors who are not signed in. Every catalogue write in this process bumps
// the generation and empties them at once; other processes behind the same load balancer see the
// change within the TTL (FACETS_TTL_MS / PAGES_TTL_MS), which is what a visitor can tell apart.

export const FACETS_TTL_MS = 60_000;
export const PAGES_TTL_MS = 20_000;

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The value and whether it is past its TTL (stale values are kept a while for stale-while-revalidate). */
  peek(key: string): { value: V; stale: boolean } | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const now = Date.now();
    if (hit.expires + this.ttlMs * 10 < now) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last, so the oldest entry is the first one evicted.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return { value: hit.value, stale: hit.expires < now };
  }

  get(key: string): V | undefined {
    const hit = this.peek(key);
    return hit && !hit.stale ? hit.value : undefined;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

let enabled = true;
let generation = 0;
export const facetCache = new TtlCache<unknown>(FACETS_TTL_MS, 500);
/** A rendered page: the bytes and their ETag, computed once. */
export type CachedPage = { body: Buffer; etag: string };
export const pageCache = new TtlCache<CachedPage>(PAGES_TTL_MS, 300);
const inflight = new Map<string, Promise<unknown>>();

/**
 * Facet counts through the cache: a fresh value is returned at once; a value past its TTL is
 * returned too while one background query refreshes it (stale-while-revalidate); concurrent
 * misses of the same key share one query. Writes clear everything (invalidateCatalogCaches).
 */
export async function cachedFacets<V>(key: string, compute: () => Promise<V>): Promise<V> {
  if (!enabled) return compute();
  const hit = facetCache.peek(key);
  const refresh = () => {
    let running = inflight.get(key) as Promise<V> | undefined;
    if (!running) {
      const startedAt = generation;
      running = compute()
        .then((value) => {
          if (startedAt === generation) facetCache.set(key, value);
          return value;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, running);
    }
    return running;
  };
  if (hit && !hit.stale) return hit.value as V;
  if (hit) {
    refresh().catch(() => undefined);
    return hit.value as V;
  }
  return refresh();
}

/** Called after every committed catalogue change (assets, adoptions, files, bodies' names as cedents). */
export function invalidateCatalogCaches(): void {
  generation++;
  inflight.clear();
  facetCache.clear();
  pageCache.clear();
}

export function catalogCacheGeneration(): number {
  return generation;
}

/** For the benchmark: measure the queries and the rendering without the caches. */
export function setCatalogCaching(on: boolean): void {
  enabled = on;
  invalidateCatalogCaches();
}

export function catalogCachingEnabled(): boolean {
  return enabled;
}
