import { expect } from 'chai';
import { paginate, parsePage } from '../../../src/web/pagination.js';

describe('pagination', () => {
  it('clamps bad page numbers to the first page', () => {
    expect(parsePage({ page: '-1' }).page).to.equal(1);
    expect(parsePage({ page: 'abc' }).page).to.equal(1);
    expect(parsePage({ page: '2.5' }).page).to.equal(1);
    expect(parsePage({}).offset).to.equal(0);
    expect(parsePage({ page: '3' }, 20)).to.deep.equal({ page: 3, perPage: 20, offset: 40 });
  });

  it('keeps the other query parameters in the links', () => {
    const p = paginate(95, parsePage({ page: '2' }, 20), '/enti', { q: 'lecce', province: 'LE', page: '2' });
    expect(p.pages).to.equal(5);
    expect(p.prev).to.equal('/enti?q=lecce&province=LE');
    expect(p.next).to.equal('/enti?q=lecce&province=LE&page=3');
    expect(p.from).to.equal(21);
    expect(p.to).to.equal(40);
    expect(p.links.map((l) => l?.page ?? null)).to.deep.equal([1, 2, 3, null, 5]);
  });

  it('gives an empty page, not an error, past the end', () => {
    const p = paginate(10, parsePage({ page: '99999' }, 20), '/enti', {});
    expect(p.next).to.equal(null);
    expect(p.to).to.equal(10);
  });

  it('after a partial count, links no page as the last one and leaves the way on open', () => {
    const p = paginate(1020, parsePage({ page: '2' }, 20), '/richieste', {}, { more: true });
    expect(p.more).to.equal(true);
    expect(p.pages).to.equal(51);
    expect(p.next).to.equal('/richieste?page=3');
    expect(p.links.map((l) => l?.page ?? null)).to.deep.equal([1, 2, 3, null]);
    expect(paginate(1020, parsePage({ page: '2' }, 20), '/richieste', {}).links.map((l) => l?.page ?? null)).to.deep.equal([1, 2, 3, null, 51]);
  });
});
