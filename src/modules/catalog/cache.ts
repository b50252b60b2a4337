// The public catalogue's cache of whole pages rendered for visitors who are not signed in (facet
// counts come from the in-process index of facet-index.ts, no cache). It is keyed on the version of the tables they are computed from
// (src/platform/cache.ts): a change committed by any process, a body's rename included, is seen by
// every process on its next request. Nothing here is cleared by hand.
import { DataCache } from '../../platform/cache.js';

/** What the public catalogue pages and counts are made of (bodies for the cedents' and adopters' names). */
export const CATALOG_TABLES = ['catalog_assets', 'catalog_asset_files', 'catalog_asset_events', 'catalog_adoptions', 'entities'] as const;

export const PAGES_TTL_MS = 20_000;

/** A rendered page: the bytes and their ETag, computed once. */
export type CachedPage = { body: Buffer; etag: string };
export const pageCache = new DataCache<CachedPage>({ name: 'catalog-pages', tables: CATALOG_TABLES, max: 300, ttlMs: PAGES_TTL_MS });

/** For the benchmark: measure the queries and the rendering without the page cache. */
export function setCatalogCaching(on: boolean): void {
  pageCache.setEnabled(on);
}

export function catalogCachingEnabled(): boolean {
  return pageCache.isEnabled();
}
