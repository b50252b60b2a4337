// The catalogue's facet counts come from an in-process index: for every filter they must equal what
// PostgreSQL counts row by row, and a published change must be counted at the next request.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { conditions, facetCounts, FACETS, TSQUERY, type CatalogFilter } from '../../../src/modules/catalog/search.js';
import { testContext } from '../../helpers/app.js';
import { importAndConfirm, uniqueFixture } from './helpers.js';
import { loginAs } from '../../helpers/http.js';

type Filter = Pick<CatalogFilter, 'q' | 'selected' | 'inUse'>;

describe('catalogue facet counts (in-process index)', () => {
  const filterOf = (f: Filter): CatalogFilter => ({ ...f, sort: 'recenti', expand: null, notices: [] });

  /** What PostgreSQL counts, row by row: the total, or per value of `facet` with the filter's other conditions applied. */
  async function sqlCounts(f: Filter, facet: (typeof FACETS)[number] | null): Promise<Map<string, number>> {
    const { platform } = await testContext();
    const where = conditions(filterOf(f), facet?.param);
    const clauses = [`a.status = 'published'`, ...where.sql];
    if (f.q) clauses.push(`a.search @@ ${TSQUERY}`);
    const value = !facet
      ? `'total'`
      : facet.param === 'ente'
        ? '(SELECT lower(ipa_code) FROM entities WHERE id = a.entity_id)'
        : facet.array
          ? `unnest(a.${facet.column})`
          : `a.${facet.column}::text`;
    const rows = await platform.sequelize.query<{ v: string | null; n: number }>(
      `SELECT v, count(DISTINCT id)::int AS n FROM (SELECT a.id, ${value} AS v FROM catalog_assets a WHERE ${clauses.join(' AND ')}) x GROUP BY v`,
      { replacements: { ...where.replacements, q: f.q ?? '' }, type: QueryTypes.SELECT },
    );
    return new Map(rows.filter((r) => r.v !== null).map((r) => [r.v!, r.n]));
  }

  async function expectSameAsSql(f: Filter): Promise<number> {
    const { platform } = await testContext();
    const counts = await facetCounts(platform.sequelize, filterOf(f));
    expect(counts.total, `total of ${JSON.stringify(f)}`).to.equal((await sqlCounts(f, null)).get('total') ?? 0);
    let checked = 0;
    for (const facet of FACETS) {
      const expected = await sqlCounts(f, facet);
      const got = new Map((counts.values[facet.param] ?? []).map((x) => [x.value, x.count]));
      expect(Object.fromEntries(got), `${facet.param} with ${JSON.stringify(f)}`).to.deep.equal(Object.fromEntries(expected));
      checked += expected.size;
    }
    return checked;
  }

  it('counts every facet value as PostgreSQL does, for searches, facets across and within, and «in uso»', async function () {
    this.timeout(180_000);
    const { platform } = await testContext();
    const [some] = await platform.sequelize.query<{ kind: string; category: string | null; license: string | null }>(
      `SELECT kind, categories[1] AS category, license FROM catalog_assets WHERE status = 'published' AND cardinality(categories) > 0 AND license IS NOT NULL LIMIT 1`,
      { type: QueryTypes.SELECT },
    );
    const filters: Filter[] = [
      { q: null, selected: {}, inUse: false },
      { q: 'comune', selected: {}, inUse: false },
      { q: null, selected: { tipo: ['software'] }, inUse: false },
      { q: null, selected: { tipo: ['software', 'template'], categoria: [some.category!] }, inUse: true },
      { q: 'servizi', selected: { licenza: [some.license!] }, inUse: false },
      { q: null, selected: { tipo: [some.kind], licenza: ['nessuna-licenza-così'] }, inUse: false },
    ];
    let checked = 0;
    for (const f of filters) checked += await expectSameAsSql(f);
    expect(checked).to.be.above(50);
  });

  it('counts a newly published asset at the next request, in this process and from the database’s version', async () => {
    const { platform } = await testContext();
    const none: Filter = { q: null, selected: {}, inUse: false };
    const before = await facetCounts(platform.sequelize, filterOf(none));
    const staff = await loginAs('staff@cithub.example');
    await importAndConfirm(staff, uniqueFixture('complete.yml').text, 'publish');
    const after = await facetCounts(platform.sequelize, filterOf(none));
    expect(after.total).to.equal(before.total + 1);
    await expectSameAsSql(none);
  });
});
