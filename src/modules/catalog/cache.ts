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

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last, so the oldest entry is the first one evicted.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
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
export const pageCache = new TtlCache<string>(PAGES_TTL_MS, 300);

/** Called after every committed catalogue change (assets, adoptions, files, bodies' names as cedents). */
export function invalidateCatalogCaches(): void {
  generation++;
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
