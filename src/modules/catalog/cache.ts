// The public catalogue's caches: facet counts (per filter set) and whole pages rendered for visitors
// who are not signed in. Both are keyed on the version of the tables they are computed from
// (src/platform/cache.ts): a change committed by any process, a body's rename included, is seen by
// every process on its next request. Nothing here is cleared by hand.
import { DataCache } from '../../platform/cache.js';

/** What the public catalogue pages and counts are made of (bodies for the cedents' and adopters' names). */
export const CATALOG_TABLES = ['catalog_assets', 'catalog_asset_files', 'catalog_asset_events', 'catalog_adoptions', 'entities'] as const;

export const FACETS_TTL_MS = 60_000;
export const PAGES_TTL_MS = 20_000;

/** Facet counts: past their TTL (same data, only older) they are served while one query refreshes them. */
export const facetCache = new DataCache<object>({ name: 'catalog-facets', tables: CATALOG_TABLES, max: 500, ttlMs: FACETS_TTL_MS, staleWhileRevalidate: true });

/** A rendered page: the bytes and their ETag, computed once. */
export type CachedPage = { body: Buffer; etag: string };
export const pageCache = new DataCache<CachedPage>({ name: 'catalog-pages', tables: CATALOG_TABLES, max: 300, ttlMs: PAGES_TTL_MS });

/** For the benchmark: measure the queries and the rendering without the caches. */
export function setCatalogCaching(on: boolean): void {
  facetCache.setEnabled(on);
  pageCache.setEnabled(on);
}

export function catalogCachingEnabled(): boolean {
  return pageCache.isEnabled();
}
