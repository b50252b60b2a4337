import { expect } from 'chai';
import { formattersFor, partOfDay } from '../../../src/platform/format.js';

describe('formatting', () => {
  it('greets by the time of day in Europe/Rome, whatever the server clock zone', () => {
    // 06:30 UTC in December is 07:30 in Rome; 12:30 UTC in July is 14:30 (summer time); 17:30 UTC in December is 18:30.
    expect(partOfDay(new Date('2026-12-01T06:30:00Z'))).to.equal('morning');
    expect(partOfDay(new Date('2026-07-01T12:30:00Z'))).to.equal('afternoon');
    expect(partOfDay(new Date('2026-12-01T17:30:00Z'))).to.equal('evening');
    expect(partOfDay(new Date('2026-12-01T02:00:00Z'))).to.equal('evening');
    expect(partOfDay(new Date('2026-12-01T11:59:00Z'))).to.equal('morning');
  });

  it('groups thousands the Italian way, also below 10,000', () => {
    expect(formattersFor('it').number(6103)).to.equal('6.103');
    expect(formattersFor('it').number(52518)).to.equal('52.518');
    expect(formattersFor('en').number(6103)).to.equal('6,103');
  });
});
