import { expect } from 'chai';
import { areaScores, gaps, goalProgress, isOverdue, maturityLevel, median, overallScore, parseReference, populationBand, proposalFor, unanswered } from '../../../src/modules/coaching/core.js';
import { parseMessage } from '../../../src/platform/messages.js';

describe('coaching core', () => {
  const areas = [{ id: 1, code: 'A', title: 'A' }, { id: 2, code: 'B', title: 'B' }];
  const questions = [{ id: 10, areaId: 1, weight: 3 }, { id: 11, areaId: 1, weight: 1 }, { id: 12, areaId: 2, weight: 2 }];

  it('scores an area by weight, leaving non pertinente and unanswered out', () => {
    const s = areaScores(areas, questions, [{ questionId: 10, answer: 'partly', maturity: 2 }, { questionId: 11, answer: 'yes', maturity: 4 }, { questionId: 12, answer: 'na', maturity: null }]);
    expect(s[0].score).to.equal(62.5); // (3×0.5 + 1×1) / 4
    expect(s[1]).to.include({ score: null, answered: 1, questions: 1 });
    expect(overallScore(questions, [{ questionId: 10, answer: 'no', maturity: 0 }, { questionId: 12, answer: 'yes', maturity: 3 }])).to.equal(40);
    expect(overallScore(questions, [])).to.equal(null);
    expect(unanswered(questions, [{ questionId: 10, answer: 'yes', maturity: null }, { questionId: 11, answer: null, maturity: null }])).to.deep.equal([11, 12]);
  });

  it('maps a score to a level 1–5 at 20-point steps', () => {
    expect([0, 19.9, 20, 59.9, 60, 80, 100].map(maturityLevel)).to.deep.equal([1, 1, 2, 3, 4, 5, 5]);
    expect(maturityLevel(null)).to.equal(null);
  });

  it('reads only references that exist: CAD letters, Piano triennale codes, PNRR measures', () => {
    expect(parseReference('cad:j-bis')).to.deep.equal({ kind: 'cad', code: 'j-bis' });
    expect(parseReference('piano: cap3.pa.09')).to.deep.equal({ kind: 'piano', code: 'CAP3.PA.09' });
    expect(parseReference('pnrr:1.4.4')).to.deep.equal({ kind: 'pnrr', code: '1.4.4' });
    for (const bad of ['cad:z', 'piano:CAP9.PA.99', 'pnrr:9.9', 'misura 1.2', '']) expect(parseReference(bad), bad).to.equal(null);
  });

  it('proposes from the funding data: paid → sì, funded → in parte, renounced only → no, nothing → none', () => {
    const day = (d: string) => d.split('-').reverse().join('/');
    const row = (state: string, stateOn: string) => ({ measure: '1.4.5', state, stateOn, fundedOn: '2023-03-21', paidOn: null, callTitle: 'Avviso' });
    const paid = proposalFor('1.4.5', [row('renounced', '2023-01-01'), row('paid', '2024-12-19')], day)!;
    expect([paid.answer, paid.maturity]).to.deep.equal(['yes', 3]);
    expect(parseMessage(paid.text)).to.deep.include({ key: 'coaching:proposal.paid' });
    expect(parseMessage(paid.text).params.date).to.equal('19/12/2024');
    expect(proposalFor('1.4.5', [row('funded', '2023-03-21')], day)!.answer).to.equal('partly');
    expect(proposalFor('1.4.5', [row('renounced', '2023-01-01')], day)!.answer).to.equal('no');
    expect(proposalFor('1.2', [row('paid', '2024-12-19')], day)).to.equal(null);
  });

  it('derives a goal’s progress from its actions and tells overdue actions', () => {
    expect(goalProgress([{ status: 'done', progress: 10 }, { status: 'doing', progress: 50 }, { status: 'na', progress: 0 }])).to.equal(75);
    expect(goalProgress([{ status: 'na', progress: 0 }])).to.equal(null);
    expect(isOverdue({ status: 'doing', dueOn: '2026-01-01' }, '2026-01-02')).to.equal(true);
    expect(isOverdue({ status: 'done', dueOn: '2026-01-01' }, '2026-01-02')).to.equal(false);
    expect(isOverdue({ status: 'todo', dueOn: '2026-01-02' }, '2026-01-02')).to.equal(false);
  });

  it('orders the gaps: no before in parte, heavier first', () => {
    const g = gaps([{ answer: 'partly', weight: 3, position: 1 }, { answer: 'no', weight: 1, position: 2 }, { answer: 'yes', weight: 5, position: 3 }, { answer: 'no', weight: 2, position: 4 }] as const);
    expect(g.map((x) => x.position)).to.deep.equal([4, 2, 1]);
  });

  it('puts a body in its population band and takes medians', () => {
    expect([5000, 5001, 20000, 20001, 100000, 100001].map(populationBand)).to.deep.equal(['upTo5k', 'upTo20k', 'upTo20k', 'upTo100k', 'upTo100k', 'over100k']);
    expect(populationBand(null)).to.equal(null);
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([1, 2, 3, 10])).to.equal(2.5);
    expect(median([])).to.equal(null);
  });
});
