// The catalogue as real users reach it (issue 15): distinct URLs generated from the loaded data, so
// the page cache of anonymous pages can only answer what it honestly can (the same URL twice), and
// signed-in load from several sessions. Each row is compared with hello-world of the same run.
import { QueryTypes } from 'sequelize';
import { setCatalogCaching } from '../../src/modules/catalog/cache.js';
import { FACETS } from '../../src/modules/catalog/search.js';
import { fmt, loginCookie, measure, type Measurement } from '../lib.js';
import type { RealContext, RealRow, RealSection } from './types.js';

/** Deterministic pseudo-random numbers: every run requests the same URLs. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export type Sample = { words: string[]; values: Array<[string, string]>; slugs: string[] };

/** Words of the published assets' names and descriptions, the facet values they carry, their slugs. */
export async function sample(ctx: RealContext): Promise<Sample> {
  const { sequelize } = ctx.scratch.platform;
  const rows = await sequelize.query<{ slug: string; name: string; short_description: string | null }>(
    `SELECT slug, name, short_description FROM catalog_assets WHERE status = 'published' ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
  const words = new Set<string>();
  for (const r of rows) {
    for (const w of `${r.name} ${r.short_description ?? ''}`.toLowerCase().split(/[^\p{L}]+/u)) if (w.length >= 4) words.add(w);
  }
  const values: Array<[string, string]> = [];
  for (const f of FACETS) {
    if (f.param === 'ente') {
      const enti = await sequelize.query<{ v: string }>(
        `SELECT DISTINCT lower(e.ipa_code) AS v FROM catalog_assets a JOIN entities e ON e.id = a.entity_id WHERE a.status = 'published' ORDER BY 1`,
        { type: QueryTypes.SELECT },
      );
      values.push(...enti.map((r): [string, string] => ['ente', r.v]));
      continue;
    }
    const expr = f.array ? `unnest(${f.column})` : f.column;
    const found = await sequelize.query<{ v: string }>(
      `SELECT DISTINCT v FROM (SELECT ${expr} AS v FROM catalog_assets WHERE status = 'published') x WHERE v IS NOT NULL ORDER BY 1`,
      { type: QueryTypes.SELECT },
    );
    values.push(...found.map((r): [string, string] => [f.param, String(r.v)]));
  }
  return { words: [...words].sort(), values, slugs: rows.map((r) => r.slug) };
}

function facetParams(s: Sample, rand: () => number, n: number): URLSearchParams {
  const params = new URLSearchParams();
  const used = new Set<string>();
  while (used.size < n) {
    const [param, value] = s.values[Math.floor(rand() * s.values.length)];
    if (used.has(param)) continue;
    used.add(param);
    params.append(param, value);
  }
  return params;
}

/** Full-text searches of one or two words from the data, with 0–2 facets. */
export function searchPaths(s: Sample, count: number, seed: number): string[] {
  const rand = rng(seed);
  const out = new Set<string>();
  while (out.size < count) {
    const params = facetParams(s, rand, Math.floor(rand() * 3));
    const words = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => s.words[Math.floor(rand() * s.words.length)]);
    params.set('q', words.join(' '));
    out.add(`/catalogo?${params}`);
  }
  return [...out];
}

/** 1–3 facets, no text. */
export function facetPaths(s: Sample, count: number, seed: number): string[] {
  const rand = rng(seed);
  const out = new Set<string>();
  for (let tries = 0; out.size < count && tries < count * 50; tries++) out.add(`/catalogo?${facetParams(s, rand, 1 + Math.floor(rand() * 3))}`);
  return [...out];
}

export function assetPaths(s: Sample, count: number, seed: number): string[] {
  const rand = rng(seed);
  const slugs = [...s.slugs];
  for (let i = slugs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [slugs[i], slugs[j]] = [slugs[j], slugs[i]];
  }
  return slugs.slice(0, count).map((slug) => `/catalogo/${slug}`);
}

/** Sessions of RTDs and members: the driver's requesters if they can sign in, else the seeds' demo accounts. */
export async function signedIn(ctx: RealContext): Promise<Array<Record<string, string>>> {
  const { sequelize } = ctx.scratch.platform;
  const requesters = await sequelize.query<{ email: string }>(
    `SELECT email FROM users WHERE id IN (:ids) AND password_hash IS NOT NULL ORDER BY id LIMIT 8`,
    { replacements: { ids: ctx.data.requesterIds.length ? ctx.data.requesterIds.slice(0, 50) : [-1] }, type: QueryTypes.SELECT },
  );
  const demo = await sequelize.query<{ email: string }>(
    `SELECT email FROM users WHERE role IN ('rtd', 'member') AND password_hash IS NOT NULL AND status = 'active' AND email LIKE '%.cithub.example' ORDER BY role DESC, id`,
    { type: QueryTypes.SELECT },
  );
  const emails = [...requesters, ...demo].map((r) => r.email);
  const cookies: Array<Record<string, string>> = [];
  // Two sessions per account at least, eight in all: the load comes from many sessions.
  for (let i = 0; cookies.length < 8 && emails.length; i++) cookies.push({ cookie: await loginCookie(ctx.scratch.baseUrl, emails[i % emails.length]) });
  return cookies;
}

export const section: RealSection = {
  name: 'catalog',
  run: async (ctx) => {
    const rows: RealRow[] = [];
    const s = await sample(ctx);
    const search = searchPaths(s, 6000, 1501);
    const facets = facetPaths(s, 3000, 1502);
    const assets = assetPaths(s, 4000, 1503);
    const identities = await signedIn(ctx);
    const base = ctx.scratch.baseUrl;
    const opts = { durationSeconds: ctx.duration, connections: ctx.connections };
    // Slow requests of one measurement finish before the next starts.
    const drain = () => new Promise((r) => setTimeout(r, 1500));
    const row = (figure: string, m: Measurement, informative: boolean): RealRow => {
      const ratio = m.reqPerSec / ctx.hello.reqPerSec;
      const p99Limit = 5 * ctx.hello.p99;
      const failed = m.errors + m.non2xx;
      return {
        section: 'catalog',
        figure,
        value: `${fmt(m.reqPerSec, 0)} req/s, p50 ${fmt(m.p50, 1)} ms, p99 ${fmt(m.p99, 1)} ms${failed ? `, ${failed} errori/non-2xx` : ''}`,
        ratio: fmt(ratio, 3),
        target: informative ? 'informativo' : `≥ 0.10 e p99 ≤ 5 × hello (${fmt(p99Limit, 1)} ms)`,
        ok: informative ? null : ratio >= 0.1 && m.p99 <= p99Limit && failed === 0,
      };
    };
    const run = async (figure: string, paths: string[] | null, extra: { identities?: Array<Record<string, string>> }, informative = false) => {
      await drain();
      const m = await measure(figure, `${base}${paths?.[0] ?? '/catalogo'}`, { ...opts, ...(paths ? { paths } : {}), ...extra });
      rows.push(row(figure, m, informative));
    };
    const count = await ctx.scratch.platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog_assets WHERE status = 'published'`, { type: QueryTypes.SELECT });
    const at = `${count[0].n} asset pubblicati`;
    await run(`anonimo /catalogo stesso URL (cache) — ${at}`, null, {}, true);
    await run(`anonimo testo + 0–2 facet, ${search.length} URL distinti`, search, {});
    await run(`anonimo solo facet (1–3), ${facets.length} URL distinti`, facets, {});
    await run(`anonimo pagina asset, ${assets.length} distinte`, assets, {});
    if (identities.length) {
      await run(`autenticato /catalogo, URL distinti, ${identities.length} sessioni`, [...search.slice(0, 3000), ...facets.slice(0, 1500)], { identities });
      await run(`autenticato pagina asset, distinte, ${identities.length} sessioni`, assets, { identities });
    }
    setCatalogCaching(false);
    try {
      await run('/catalogo senza cache (stesso URL)', null, {}, true);
    } finally {
      setCatalogCaching(true);
    }
    return rows;
  },
};
