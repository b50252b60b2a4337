// Reporting periods and figures of the impact indicators: pure functions.
import { expect } from 'chai';
import { periodOf, periodsBetween } from '../../../src/modules/funding/periods.js';
import { parseFigure } from '../../../src/modules/funding/schemas.js';

describe('funding: periods and figures', () => {
  it('periods and figures are read as people write them', () => {
    expect(periodOf('quarter', '2026-05-31')).to.equal('2026-Q2');
    expect(periodOf('semester', '2026-07-01')).to.equal('2026-S2');
    expect(periodOf('month', '2026-01-15')).to.equal('2026-01');
    expect(periodsBetween('quarter', '2025-11-03', '2026-04-01')).to.deep.equal(['2026-Q2', '2026-Q1', '2025-Q4']);
    expect(periodsBetween('year', '2024-02-01', '2026-04-01')).to.deep.equal(['2026', '2025', '2024']);
    expect([parseFigure('12'), parseFigure('12,5'), parseFigure('1.234,50'), parseFigure('1,234.50'), parseFigure('1.234')]).to.deep.equal([12, 12.5, 1234.5, 1234.5, 1234]);
    expect([parseFigure('-3'), parseFigure('1,234'), parseFigure('0,123'), parseFigure('abc'), parseFigure('1e9')]).to.deep.equal([null, 1234, null, null, null]);
  });
});
