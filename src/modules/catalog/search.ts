// The public catalogue search: the filter from the query string, one statement for the page of
// results, and every facet's counts from the in-process index of facet-index.ts.
import type { TFunction } from 'i18next';
import { QueryTypes, type Sequelize } from 'sequelize';
import { hot } from '../../platform/prepared.js';
import { msg, type Message } from '../../platform/messages.js';
import { FacetIndex } from './facet-index.js';
import { ASSET_KINDS, type AssetKind } from './models.js';
import { SORT_KEYS, type SortKey } from './schemas.js';
import { DEVELOPMENT_STATUSES, ITALIAN_PLATFORMS, PLATFORMS, PNRR_MEASURES, PUBLICCODE_CATEGORIES, PUBLICCODE_SCOPES } from './vocabulary.js';

export const MAX_QUERY_LENGTH = 200;
export const PER_PAGE = 20;

type FacetDef = {
  /** Query-string parameter. */
  param: string;
  /** Locale key of the facet's name (`catalog:facet.<param>`). */
  label: string;
  /** Closed vocabulary (the codes); null for values taken from the data. */
  values: readonly string[] | null;
  /** Locale section of the values' labels (`catalog:<section>.<value>`); null when values are shown as they are. */
  section: string | null;
  /** SQL condition on the asset row `a` for the selected values (:p_<param>). */
  condition: string;
  /** SQL expression giving the facet value(s) of a base row `b`: 'array' columns are unnested. */
  column: string;
  array: boolean;
  /** How many values are shown before "show all". */
  top: number;
  /** The order of a facet whose values read as a sequence (kinds, maturity, measure codes); the others go by count. */
  order?: (a: FacetValue, b: FacetValue) => number;
};

/** Values in the order of their vocabulary; a value outside it keeps its place by count, ahead. */
const inVocabularyOrder =
  (vocabulary: readonly string[]) =>
  (a: FacetValue, b: FacetValue): number =>
    vocabulary.indexOf(a.value) - vocabulary.indexOf(b.value);

/** The locale key of a PNRR measure's label (codes have dots, which i18next reads as nesting). */
export const pnrrKey = (code: string): string => `common:pnrr.${code.replace(/\./g, '_')}`;

const PNRR_CODES = PNRR_MEASURES.map((m) => m.code);

export const FACETS: FacetDef[] = [
  { param: 'tipo', label: 'catalog:facet.tipo', values: ASSET_KINDS, section: 'kind', condition: 'a.kind IN (:p_tipo)', column: 'kind', array: false, top: 10, order: inVocabularyOrder(ASSET_KINDS) },
  { param: 'categoria', label: 'catalog:facet.categoria', values: PUBLICCODE_CATEGORIES, section: 'category', condition: 'a.categories && ARRAY[:p_categoria]::text[]', column: 'categories', array: true, top: 8 },
  { param: 'ambito', label: 'catalog:facet.ambito', values: PUBLICCODE_SCOPES, section: 'scope', condition: 'a.scopes && ARRAY[:p_ambito]::text[]', column: 'scopes', array: true, top: 8 },
  { param: 'integra', label: 'catalog:facet.integra', values: ITALIAN_PLATFORMS, section: 'italianPlatform', condition: 'a.italian_platforms && ARRAY[:p_integra]::text[]', column: 'italian_platforms', array: true, top: 10 },
  { param: 'pnrr', label: 'catalog:facet.pnrr', values: PNRR_CODES, section: null, condition: 'a.pnrr_measures && ARRAY[:p_pnrr]::text[]', column: 'pnrr_measures', array: true, top: 10, order: (a, b) => a.value.localeCompare(b.value, 'it', { numeric: true }) },
  { param: 'stato', label: 'catalog:facet.stato', values: DEVELOPMENT_STATUSES, section: 'devStatus', condition: 'a.development_status IN (:p_stato)', column: 'development_status', array: false, top: 10, order: inVocabularyOrder(DEVELOPMENT_STATUSES) },
  { param: 'licenza', label: 'catalog:facet.licenza', values: null, section: null, condition: 'a.license IN (:p_licenza)', column: 'license', array: false, top: 6 },
  { param: 'piattaforma', label: 'catalog:facet.piattaforma', values: null, section: 'platform', condition: 'a.platforms && ARRAY[:p_piattaforma]::text[]', column: 'platforms', array: true, top: 6 },
  {
    param: 'ente',
    label: 'catalog:facet.ente',
    values: null,
    section: null,
    condition: 'a.entity_id IN (SELECT id FROM entities WHERE lower(ipa_code) IN (:p_ente))',
    column: 'entity_id',
    array: false,
    top: 8,
  },
];

export type CatalogFilter = {
  q: string | null;
  selected: Record<string, string[]>;
  inUse: boolean;
  sort: SortKey;
  /** A facet whose values are all shown (the others show their most frequent ones). */
  expand: string | null;
  /** Messages about input that was ignored or changed (unknown values, a long query…). */
  notices: Message[];
};

const str = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Reads the filter from the query string: unknown values are dropped with a notice, never a 500. */
export function parseFilter(query: Record<string, unknown>): CatalogFilter {
  const notices: Message[] = [];
  let q = str(query.q)[0]?.replace(/\s+/g, ' ').trim() ?? '';
  if (q.length > MAX_QUERY_LENGTH) {
    q = q.slice(0, MAX_QUERY_LENGTH).trim();
    notices.push(msg('catalog:notice.queryTooLong', { max: MAX_QUERY_LENGTH }));
  }
  const selected: Record<string, string[]> = {};
  for (const f of FACETS) {
    const raw = [...new Set(str(query[f.param]).map((v) => v.trim()).filter(Boolean))].slice(0, 30);
    const kept: string[] = [];
    for (const value of raw) {
      const ok = f.values
        ? f.values.includes(value)
        : f.param === 'ente'
          ? /^[a-z0-9_.-]{1,40}$/i.test(value)
          : value.length <= 100;
      if (ok) kept.push(f.param === 'ente' ? value.toLowerCase() : value);
      else notices.push(msg('catalog:notice.unknownFilter', { facet: f.label, value: value.slice(0, 60) }));
    }
    if (kept.length) selected[f.param] = kept;
  }
  const inUse = str(query.in_uso)[0] === '1';
  const rawSort = str(query.ordina)[0];
  let sort: SortKey = q ? 'rilevanza' : 'recenti';
  if (rawSort && (SORT_KEYS as readonly string[]).includes(rawSort)) sort = rawSort as SortKey;
  else if (rawSort) notices.push(msg('catalog:notice.unknownSort', { value: rawSort.slice(0, 40), used: `catalog:sort.${sort}` }));
  if (sort === 'rilevanza' && !q) sort = 'recenti';
  const rawExpand = str(query.tutti)[0];
  const expand = rawExpand && FACETS.some((x) => x.param === rawExpand) ? rawExpand : null;
  return { q: q || null, selected, inUse, sort, expand, notices };
}

export function hasFilters(f: CatalogFilter): boolean {
  return !!f.q || f.inUse || Object.keys(f.selected).length > 0;
}

/** The query string of a filter, for links that keep it (page and sort excluded unless given). */
export function filterQuery(f: CatalogFilter, extra: Record<string, string | null> = {}): string {
  const params = new URLSearchParams();
  if (f.q) params.append('q', f.q);
  for (const facet of FACETS) for (const v of f.selected[facet.param] ?? []) params.append(facet.param, v);
  if (f.inUse) params.append('in_uso', '1');
  for (const [k, v] of Object.entries(extra)) if (v !== null) params.set(k, v);
  return params.toString();
}

type Where = { sql: string[]; replacements: Record<string, unknown> };

/** Conditions of the filter; `except` leaves one facet out (for that facet's own counts). */
export function conditions(f: CatalogFilter, except?: string): Where {
  const sql: string[] = [];
  const replacements: Record<string, unknown> = {};
  for (const facet of FACETS) {
    const values = f.selected[facet.param];
    if (!values || facet.param === except) continue;
    sql.push(facet.condition);
    replacements[`p_${facet.param}`] = values;
  }
  if (f.inUse && except !== 'in_uso') sql.push('a.in_use_count > 0');
  return { sql, replacements };
}

export type ResultItem = {
  id: number;
  slug: string;
  kind: AssetKind;
  name: string;
  short_description: string | null;
  license: string | null;
  development_status: string | null;
  categories: string[];
  italian_platforms: string[];
  in_use_count: number;
  adoption_count: number;
  published_at: Date | null;
  release_date: string | null;
  entity_name: string | null;
  entity_ipa: string | null;
  publisher: string | null;
  rank?: number;
};

export type FacetValue = { value: string; label: string; count: number; selected: boolean };
export type FacetView = { param: string; label: string; values: FacetValue[]; hidden: number; expanded: boolean; selectedCount: number; toggleHref: string | null };
export type FacetCounts = { total: number; textMatches: number; inUse: number; values: Record<string, Array<{ value: string; label: string | null; count: number }>> };

const ORDER: Record<SortKey, string> = {
  rilevanza: 'rank DESC, a.in_use_count DESC, lower(a.name), a.id',
  // Published assets always have published_at: the order matches catalog_assets_newest_idx.
  recenti: 'a.published_at DESC, a.id DESC',
  adottati: 'a.in_use_count DESC, a.adoption_count DESC, lower(a.name), a.id',
  nome: 'lower(a.name), a.id',
};

export const TSQUERY = `websearch_to_tsquery('italian_unaccent', :q)`;

const RESULT_COLUMNS = `a.id, a.slug, a.kind, a.name, a.short_description, a.license, a.development_status, a.categories, a.italian_platforms,
            a.in_use_count, a.adoption_count, a.published_at, a.release_date, a.publisher,
            e.name AS entity_name, e.ipa_code AS entity_ipa`;

/**
 * The same columns for a few rows read by id: the body's name and code looked up by its key for
 * each row, where a join hashed all 2,000 bodies to keep 20.
 */
const BY_ID_COLUMNS = RESULT_COLUMNS.replace(
  'e.name AS entity_name, e.ipa_code AS entity_ipa',
  '(SELECT e.name FROM entities e WHERE e.id = a.entity_id) AS entity_name, (SELECT e.ipa_code FROM entities e WHERE e.id = a.entity_id) AS entity_ipa',
);

/**
 * One page of published assets matching the filter, the SQL way (every condition in one
 * statement): the reference the index's pages are tested against, and the export's order.
 */
export async function searchPage(sequelize: Sequelize, f: CatalogFilter, offset: number, limit = PER_PAGE): Promise<ResultItem[]> {
  const where = conditions(f);
  const clauses = [`a.status = 'published'`, ...where.sql];
  if (f.q) clauses.push(`a.search @@ ${TSQUERY}`);
  const rank = f.q ? `ts_rank_cd(a.search, ${TSQUERY}, 32)` : '0';
  return sequelize.query<ResultItem>(
    `SELECT ${RESULT_COLUMNS}, ${rank} AS rank
       FROM catalog_assets a LEFT JOIN entities e ON e.id = a.entity_id
      WHERE ${clauses.join(' AND ')}
      ORDER BY ${ORDER[f.sort]}
      LIMIT :limit OFFSET :offset`,
    { replacements: { ...where.replacements, q: f.q ?? '', limit, offset }, type: QueryTypes.SELECT },
  );
}

/** Facet counts in the process (facet-index.ts): each facet counted with the other filters applied. */
const facetIndex = new FacetIndex(
  FACETS.map((f) => ({ param: f.param, column: f.column, array: f.array })),
  `a.search @@ ${TSQUERY}`,
  `${TSQUERY}::text`,
);

/** Resolves once the index has been rebuilt (after a change notified by PostgreSQL or seen by a request). */
export function nextIndexBuild(): Promise<void> {
  return facetIndex.nextBuild();
}

export async function facetCounts(sequelize: Sequelize, f: CatalogFilter): Promise<FacetCounts> {
  return facetIndex.counts(sequelize, { ...f, queryKey: f.q ? normalised.get(f.q) : null });
}

/**
 * How many assets matching a search are ranked by relevance: the first of the «most adopted»
 * order among the matches (ten pages). Ranking reads every candidate's text vector, so a word
 * found in nearly every asset would otherwise rank the whole catalogue for each page.
 */
export const RANKED_CANDIDATES = 200;

/**
 * The facet counts and one page of results: which assets, from the in-process index (the matches
 * of the text from PostgreSQL's GIN index, once per query and catalogue version); their rows by id,
 * and for relevance the ranking of the bounded candidates, in one statement each.
 */
export async function searchCatalog(
  sequelize: Sequelize,
  f: CatalogFilter,
  offset: number,
  opts: { limit?: number; candidates?: number } = {},
): Promise<{ counts: FacetCounts; items: ResultItem[]; onlyStopWords: boolean }> {
  const page = { sort: f.sort, offset, limit: opts.limit ?? PER_PAGE, candidates: opts.candidates ?? RANKED_CANDIDATES };
  const { counts, plan, queryKey } = await facetIndex.search(sequelize, { ...f, queryKey: f.q ? normalised.get(f.q) : null }, page);
  if (f.q && queryKey !== null) remember(f.q, queryKey);
  // Every word too common to search for (e.g. «il della»): nothing to rank or read.
  if (f.q && queryKey === '') return { counts, items: [], onlyStopWords: true };
  const { ranked, ids } = plan!;
  const [top, rest] = await Promise.all([
    ranked
      ? sequelize.query<ResultItem>(
          `SELECT ${BY_ID_COLUMNS}, ts_rank_cd(a.search, websearch_to_tsquery('italian_unaccent', $1), 32) AS rank
             FROM catalog_assets a
            WHERE a.id = ANY($2::int[]) AND a.status = 'published'
            ORDER BY ${ORDER.rilevanza} LIMIT $3 OFFSET $4`,
          { bind: [f.q, `{${ranked.candidates.join(',')}}`, ranked.limit, ranked.offset], type: QueryTypes.SELECT },
        )
      : [],
    ids.length
      ? sequelize.query<ResultItem>(
          `SELECT ${BY_ID_COLUMNS}, 0 AS rank FROM catalog_assets a WHERE a.id = ANY($1::int[]) AND a.status = 'published'`,
          { bind: [`{${ids.join(',')}}`], type: QueryTypes.SELECT },
        )
      : [],
  ]);
  const byId = new Map(rest.map((r) => [r.id, r]));
  return { counts, items: [...top, ...ids.map((id) => byId.get(id)).filter((r): r is ResultItem => !!r)], onlyStopWords: false };
}

/** The label of a facet value in the reader's language; values outside a vocabulary are shown as they are. */
function valueLabel(t: TFunction, facet: FacetDef, value: string): string {
  if (facet.param === 'pnrr') return `${value} · ${t(pnrrKey(value), { defaultValue: value })}`;
  if (facet.section === 'platform') return (PLATFORMS as readonly string[]).includes(value) ? t(`catalog:platform.${value}`) : value;
  if (facet.section && facet.values?.includes(value)) return t(`catalog:${facet.section}.${value}`);
  return value;
}

/** The `n`-th largest count (n ≥ 1, at most the number of values), in one pass keeping the `n` largest. */
function nthLargestCount(values: ReadonlyArray<{ count: number }>, n: number): number {
  const top: number[] = [];
  for (const { count } of values) {
    if (top.length === n && count <= top[n - 1]) continue;
    let i = top.length < n ? top.length : n - 1;
    while (i > 0 && top[i - 1] < count) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = count;
  }
  return top[n - 1];
}

/** Facets ready for the view: values by count, selected ones always shown, labels in the reader's language (`t`). */
// One collator per language: building one costs more than sorting a facet's values with it.
const collators = new Map<string, Intl.Collator>();
const collatorOf = (lang: string): Intl.Collator => {
  let c = collators.get(lang);
  if (!c) collators.set(lang, (c = new Intl.Collator(lang)));
  return c;
};

export function facetViews(f: CatalogFilter, counts: FacetCounts, t: TFunction, lang: string): FacetView[] {
  const collator = collatorOf(lang);
  return FACETS.map((facet) => {
    const selected = new Set(f.selected[facet.param] ?? []);
    const given = counts.values[facet.param] ?? [];
    // A selected value no asset has any more is shown with 0.
    const missing = [...selected].filter((s) => !given.some((v) => v.value === s)).map((value) => ({ value, label: null, count: 0 }));
    const all = missing.length ? [...given, ...missing] : given;
    const expanded = f.expand === facet.param;
    // Folded, a facet shows its `top` values by count and the selected ones: only those can be shown,
    // so only those (and the ones tied with the last of the top) are labelled and sorted by label.
    // The bodies' facet has a value per cedent body (2,000 in the benchmark).
    const folded = !expanded && !facet.order && all.length > facet.top;
    const cut = folded ? nthLargestCount(all, facet.top) : 0;
    const values: FacetValue[] = (folded ? all.filter((v) => v.count >= cut || selected.has(v.value)) : all)
      .map((v) => ({
        value: v.value,
        label: v.label ?? valueLabel(t, facet, v.value),
        count: v.count,
        selected: selected.has(v.value),
      }))
      .sort((a, b) => facet.order?.(a, b) || b.count - a.count || collator.compare(a.label, b.label));
    const shown = expanded ? values : values.filter((v, i) => i < facet.top || v.selected);
    const hidden = all.length - shown.length;
    const sort = f.sort === (f.q ? 'rilevanza' : 'recenti') ? null : f.sort;
    const toggleHref = expanded
      ? `/catalogo?${filterQuery(f, { ordina: sort })}#facet-${facet.param}`
      : hidden > 0 ? `/catalogo?${filterQuery(f, { ordina: sort, tutti: facet.param })}#facet-${facet.param}` : null;
    return { param: facet.param, label: t(facet.label), values: shown, hidden, expanded, selectedCount: selected.size, toggleHref };
  });
}

/** Names close to a query that found nothing ("forse cercavi"), by trigram similarity. */
export async function similarNames(sequelize: Sequelize, q: string): Promise<Array<{ slug: string; name: string }>> {
  return sequelize.query<{ slug: string; name: string }>(
    // Distance order is similarity order (1 - similarity), walked on the GiST index (migration
    // 2026-12-04-20); ties by slug, so the three are the same on every run.
    hot(`SELECT slug, name FROM catalog_assets
          WHERE status = 'published' AND lower(name) % lower($1)
          ORDER BY lower(name) <-> lower($1), slug LIMIT 3`),
    { bind: [q.slice(0, 100)], type: QueryTypes.SELECT },
  );
}

/**
 * The search as PostgreSQL understands it, per query text: the text of its tsquery, empty when
 * every word is too common to search for (e.g. «il della»). It depends only on the text search
 * configuration, so it is never stale; the index reads it with a query's matches, and it keys them,
 * so that texts written differently but searching the same share their matches.
 */
const normalised = new Map<string, string>();

function remember(q: string, key: string): void {
  if (normalised.has(q)) return;
  if (normalised.size >= 5000) normalised.delete(normalised.keys().next().value as string);
  normalised.set(q, key);
}

/** Removable chips for the active filters, each a link to the same search without it; `views` carry translated labels. */
export function activeFilterChips(f: CatalogFilter, views: FacetView[], t: TFunction): Array<{ label: string; href: string }> {
  const chips: Array<{ label: string; href: string }> = [];
  const without = (mutate: (copy: CatalogFilter) => void) => {
    const copy: CatalogFilter = { ...f, selected: Object.fromEntries(Object.entries(f.selected).map(([k, v]) => [k, [...v]])) };
    mutate(copy);
    const qs = filterQuery(copy, { ordina: f.sort === (copy.q ? 'rilevanza' : 'recenti') ? null : f.sort });
    return qs ? `/catalogo?${qs}` : '/catalogo';
  };
  if (f.q) chips.push({ label: t('catalog:list.chipSearch', { q: f.q }), href: without((c) => (c.q = null)) });
  for (const view of views) {
    for (const value of f.selected[view.param] ?? []) {
      const label = view.values.find((v) => v.value === value)?.label ?? value;
      chips.push({ label: `${view.label}: ${label}`, href: without((c) => (c.selected[view.param] = c.selected[view.param].filter((v) => v !== value))) });
    }
  }
  if (f.inUse) chips.push({ label: t('catalog:list.inUseFilter'), href: without((c) => (c.inUse = false)) });
  return chips;
}
