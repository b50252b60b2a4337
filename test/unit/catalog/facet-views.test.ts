// The facet panel: a folded facet shows its most frequent values (ties by name) and every selected
// one, and says how many it hides; unfolded, all of them in the same order.
import { expect } from 'chai';
import { facetViews, parseFilter, type FacetCounts } from '../../../src/modules/catalog/search.js';
import { initI18n, translator } from '../../../src/platform/i18n.js';

// Ten licences, given in no order; the licence facet shows six when folded.
const LICENCES: Array<[string, number]> = [
  ['ISC', 3], ['GPL-3.0', 7], ['MPL-2.0', 5], ['CC0-1.0', 1], ['MIT', 9],
  ['AGPL-3.0', 6], ['EUPL-1.2', 7], ['LGPL-3.0', 5], ['Apache-2.0', 7], ['BSD-3-Clause', 5],
];
const counts: FacetCounts = { total: 55, textMatches: 55, inUse: 0, values: { licenza: LICENCES.map(([value, count]) => ({ value, label: null, count })) } };

async function licences(query: Record<string, string>) {
  await initI18n();
  const view = facetViews(parseFilter(query), counts, translator('it'), 'it').find((f) => f.param === 'licenza')!;
  return { shown: view.values.map((v) => `${v.value} ${v.count}${v.selected ? ' ✓' : ''}`), hidden: view.hidden, toggle: view.toggleHref };
}

describe('catalogue facet panel', () => {
  it('folded: the six most frequent licences, ties by name, the selected one after them, and the count of the rest', async () => {
    const { shown, hidden, toggle } = await licences({ licenza: 'CC0-1.0' });
    // Three share the count of the sixth place (5): the first of them by name takes it.
    expect(shown).to.deep.equal(['MIT 9', 'Apache-2.0 7', 'EUPL-1.2 7', 'GPL-3.0 7', 'AGPL-3.0 6', 'BSD-3-Clause 5', 'CC0-1.0 1 ✓']);
    expect(hidden).to.equal(3);
    expect(toggle).to.contain('tutti=licenza');
  });

  it('unfolded: every licence in the same order', async () => {
    const { shown, hidden, toggle } = await licences({ licenza: 'CC0-1.0', tutti: 'licenza' });
    expect(shown).to.deep.equal(['MIT 9', 'Apache-2.0 7', 'EUPL-1.2 7', 'GPL-3.0 7', 'AGPL-3.0 6', 'BSD-3-Clause 5', 'LGPL-3.0 5', 'MPL-2.0 5', 'ISC 3', 'CC0-1.0 1 ✓']);
    expect(hidden).to.equal(0);
    expect(toggle).to.not.contain('tutti=');
  });

  it('folded, a facet of 2,000 bodies is the head of its unfolded list, plus the selected bodies in that order', async () => {
    await initI18n();
    // Counts with ties (about five bodies per count), from a fixed sequence (the same on every run).
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const bodies = Array.from({ length: 2000 }, (_, i) => ({ value: `ipa${i}`, label: `Comune ${next() % 500}`, count: 1 + (next() % 400) }));
    const many: FacetCounts = { total: 2000, textMatches: 2000, inUse: 0, values: { ente: bodies } };
    const chosen = ['ipa1999', 'ipa3', 'ipa1000'];
    const view = (query: Record<string, unknown>) => facetViews(parseFilter(query), many, translator('it'), 'it').find((x) => x.param === 'ente')!;
    const folded = view({ ente: chosen });
    const unfolded = view({ ente: chosen, tutti: 'ente' });
    expect(unfolded.values).to.have.length(2000);
    const top = folded.values.length - folded.values.filter((v, i) => i >= 8 && v.selected).length;
    expect(top).to.equal(8);
    const head = unfolded.values.slice(0, 8);
    const selectedAfter = unfolded.values.slice(8).filter((v) => v.selected);
    expect(selectedAfter.length, 'selected bodies below the top').to.be.greaterThan(0);
    expect(folded.values).to.deep.equal([...head, ...selectedAfter]);
    expect(folded.hidden).to.equal(2000 - folded.values.length);
  });

  it('a selected value that no asset has any more is still shown, with 0', async () => {
    const { shown, hidden } = await licences({ licenza: 'WTFPL' });
    expect(shown.slice(0, 6)).to.deep.equal(['MIT 9', 'Apache-2.0 7', 'EUPL-1.2 7', 'GPL-3.0 7', 'AGPL-3.0 6', 'BSD-3-Clause 5']);
    expect(shown[6]).to.equal('WTFPL 0 ✓');
    expect(hidden).to.equal(4);
  });

  it('kinds, maturity and PNRR measures keep their own order whatever the counts', async () => {
    await initI18n();
    const given = (pairs: Array<[string, number]>) => pairs.map(([value, count]) => ({ value, label: null, count }));
    const ordered: FacetCounts = {
      total: 20,
      textMatches: 20,
      inUse: 0,
      values: {
        tipo: given([['service', 9], ['software', 1], ['toolkit', 5], ['template', 2]]),
        stato: given([['stable', 9], ['beta', 3], ['concept', 1], ['obsolete', 5], ['development', 2]]),
        pnrr: given([['1.4.4', 1], ['1.2', 8], ['1.4.1', 3], ['1.3.1', 2]]),
      },
    };
    const views = facetViews(parseFilter({}), ordered, translator('it'), 'it');
    const order = (param: string) => views.find((v) => v.param === param)!.values.map((v) => v.value);
    expect(order('tipo')).to.deep.equal(['software', 'template', 'toolkit', 'service']);
    expect(order('stato')).to.deep.equal(['concept', 'development', 'beta', 'stable', 'obsolete']);
    expect(order('pnrr')).to.deep.equal(['1.2', '1.3.1', '1.4.1', '1.4.4']);
  });
});
