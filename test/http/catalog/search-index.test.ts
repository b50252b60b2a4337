// The pages of the public catalogue are chosen in the in-process index (facet-index.ts) and their
// rows read by id: they must be the pages PostgreSQL gives for the same filter and order, relevance
// must rank a bounded set of candidates, and a write must reach the remembered matches of a search.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { nextIndexBuild, searchCatalog, searchPage, TSQUERY, type CatalogFilter } from '../../../src/modules/catalog/search.js';
import type { SortKey } from '../../../src/modules/catalog/schemas.js';
import { testContext } from '../../helpers/app.js';
import { loginAs } from '../../helpers/http.js';
import { importAndConfirm, uniqueFixture } from './helpers.js';

const filterOf = (f: Partial<CatalogFilter> & { sort: SortKey }): CatalogFilter => ({ q: null, selected: {}, inUse: false, expand: null, notices: [], ...f });
const ids = (rows: Array<{ id: number }>) => rows.map((r) => r.id);

describe('catalogue search pages (in-process index)', () => {
  it('gives the pages PostgreSQL gives, for every order, with and without text and facets', async () => {
    const { platform } = await testContext();
    const { sequelize } = platform;
    const filters = [
      filterOf({ sort: 'recenti' }),
      filterOf({ sort: 'nome', selected: { tipo: ['software'] } }),
      filterOf({ sort: 'adottati', inUse: true }),
      filterOf({ sort: 'recenti', q: 'servizi' }),
      filterOf({ sort: 'rilevanza', q: 'comune' }),
      filterOf({ sort: 'rilevanza', q: 'gestione', selected: { tipo: ['software', 'template'] } }),
    ];
    let compared = 0;
    for (const f of filters) {
      for (const offset of [0, 3]) {
        const expected = ids(await searchPage(sequelize, f, offset, 5));
        const got = ids((await searchCatalog(sequelize, f, offset, { limit: 5 })).items);
        expect(got, `${JSON.stringify(f)} from ${offset}`).to.deep.equal(expected);
        compared += expected.length;
      }
    }
    expect(compared).to.be.above(20);
  });

  it('a word found in most assets ranks only the most adopted candidates, then follows their order', async () => {
    const { platform } = await testContext();
    const { sequelize } = platform;
    const q = 'comune';
    // The matches in the «most adopted» order; with 3 candidates only the first 3 are ranked.
    const adopted = await sequelize.query<{ id: number }>(
      `SELECT a.id FROM catalog_assets a WHERE a.status = 'published' AND a.search @@ ${TSQUERY}
        ORDER BY a.in_use_count DESC, a.adoption_count DESC, lower(a.name), a.id`,
      { replacements: { q }, type: QueryTypes.SELECT },
    );
    expect(adopted.length, 'the demo data has enough matches').to.be.above(5);
    const candidates = ids(adopted.slice(0, 3));
    const ranked = await sequelize.query<{ id: number }>(
      `SELECT a.id FROM catalog_assets a WHERE a.id IN (:candidates)
        ORDER BY ts_rank_cd(a.search, ${TSQUERY}, 32) DESC, a.in_use_count DESC, lower(a.name), a.id`,
      { replacements: { q, candidates }, type: QueryTypes.SELECT },
    );
    const expected = [...ids(ranked), ...ids(adopted.slice(3))];
    const f = filterOf({ sort: 'rilevanza', q });
    const first = await searchCatalog(sequelize, f, 0, { limit: 5, candidates: 3 });
    expect(ids(first.items)).to.deep.equal(expected.slice(0, 5));
    expect(first.counts.total).to.equal(adopted.length);
    const second = await searchCatalog(sequelize, f, 5, { limit: 5, candidates: 3 });
    expect(ids(second.items)).to.deep.equal(expected.slice(5, 10));
  });

  it('a search remembered before a publication finds the new asset right after it', async () => {
    const { platform } = await testContext();
    const { sequelize } = platform;
    const fixture = uniqueFixture('complete.yml');
    const word = fixture.name.split(' ').pop()!;
    const f = filterOf({ sort: 'rilevanza', q: word });
    const before = await searchCatalog(sequelize, f, 0);
    expect(before.counts.total).to.equal(0);
    const staff = await loginAs('staff@cithub.example');
    const asset = await importAndConfirm(staff, fixture.text, 'publish');
    const after = await searchCatalog(sequelize, f, 0);
    expect(after.counts.total).to.equal(1);
    expect(ids(after.items)).to.deep.equal([asset.id]);
  });

  it('a committed change is notified by PostgreSQL and the index rebuilt before any request asks', async function () {
    this.timeout(20_000);
    const { platform } = await testContext();
    const { sequelize } = platform;
    const staff = await loginAs('staff@cithub.example');
    const asset = await importAndConfirm(staff, uniqueFixture('complete.yml').text, 'publish');
    await searchCatalog(sequelize, filterOf({ sort: 'recenti' }), 0);
    const rebuilt = nextIndexBuild();
    // A write from outside the catalogue's code (another process would do the same): only the
    // trigger's NOTIFY can tell the index, and the test waits for the rebuild it starts (a lost
    // notification fails the test by its timeout).
    await sequelize.query(`UPDATE catalog_assets SET in_use_count = in_use_count WHERE id = :id`, { replacements: { id: asset.id } });
    await rebuilt;
  });
});
