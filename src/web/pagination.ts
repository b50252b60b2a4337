// The one pagination helper: page numbers from the query string, clamped, and the links to render.
export type Page = { page: number; perPage: number; offset: number };

export function parsePage(query: Record<string, unknown>, perPage = 20): Page {
  const raw = Number(typeof query.page === 'string' ? query.page : 1);
  const page = Number.isInteger(raw) && raw >= 1 ? Math.min(raw, 100_000) : 1;
  return { page, perPage, offset: (page - 1) * perPage };
}

export type PageLink = { page: number; href: string; current: boolean };
export type Pagination = {
  page: number;
  pages: number;
  total: number;
  /** `total` is a lower bound: the list was counted only so far (see countUpTo callers). */
  more: boolean;
  from: number;
  to: number;
  prev: string | null;
  next: string | null;
  links: Array<PageLink | null>;
};

/** Builds links that keep every other query parameter, so a result page can be bookmarked. */
export function paginate(
  total: number,
  { page, perPage }: Page,
  basePath: string,
  query: Record<string, unknown>,
  { more = false }: { more?: boolean } = {},
): Pagination {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const href = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (k === 'page') continue;
      for (const value of Array.isArray(v) ? v : [v]) if (typeof value === 'string' && value !== '') params.append(k, value);
    }
    if (p > 1) params.set('page', String(p));
    const qs = params.toString();
    return qs ? `${basePath}?${qs}` : basePath;
  };
  // Past a partial count the last page is unknown: no link pretends to be it.
  const wanted = new Set([1, more ? 1 : pages, page - 1, page, page + 1].filter((p) => p >= 1 && p <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const links: Array<PageLink | null> = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1] > 1) links.push(null);
    links.push({ page: p, href: href(p), current: p === page });
  });
  if (more && sorted[sorted.length - 1] < pages) links.push(null);
  return {
    page,
    pages,
    total,
    more,
    from: total === 0 ? 0 : Math.min(total, (page - 1) * perPage + 1),
    to: Math.min(total, page * perPage),
    prev: page > 1 ? href(Math.min(page - 1, pages)) : null,
    next: page < pages ? href(page + 1) : null,
    links,
  };
}
