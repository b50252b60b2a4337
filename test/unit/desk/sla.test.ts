import { expect } from 'chai';
import { createBusinessCalendar } from '../../../src/platform/calendar.js';
import { computeSla, isAboutToBreach, type SlaInput } from '../../../src/modules/desk/sla.js';
import { DEFAULT_SLA_TARGETS, type RequestState } from '../../../src/modules/desk/states.js';

// All instants in UTC; Rome is UTC+1 before 29 March 2026 and after 25 October 2026, UTC+2 in between.
const at = (iso: string) => new Date(iso);
const step = (iso: string, state: RequestState) => ({ at: at(iso), state });
const calendar = createBusinessCalendar();
const legal = DEFAULT_SLA_TARGETS.legal; // 480 / 2400
const technical = DEFAULT_SLA_TARGETS.technical; // 240 / 1440

function sla(input: Partial<SlaInput> & Pick<SlaInput, 'createdAt' | 'now'>) {
  return computeSla({ history: [], firstResponseAt: null, targets: legal, calendar, ...input });
}

describe('desk/sla', () => {
  describe('a request just opened', () => {
    // Friday 27 March 2026 16:00 Rome, half an hour later
    const result = sla({ createdAt: at('2026-03-27T15:00:00Z'), now: at('2026-03-27T15:30:00Z') });

    it('is due Monday 30 March 16:00 Rome (14:00 UTC) for the 8-hour first response, across the DST change', () => {
      expect(result.firstResponse).to.deep.equal({
        targetMinutes: 480,
        dueAt: at('2026-03-30T14:00:00Z'),
        elapsedMinutes: 30,
        remainingMinutes: 450,
        met: null,
        status: 'ok',
      });
    });

    it('is due Friday 3 April 16:00 Rome for the 40-hour resolution', () => {
      expect(result.resolution.dueAt).to.deep.equal(at('2026-04-03T14:00:00Z'));
      expect(result.resolution.elapsedMinutes).to.equal(30);
      expect(result.resolution.status).to.equal('ok');
    });

    it('has the same due time when evaluated at creation or before it', () => {
      const atCreation = sla({ createdAt: at('2026-03-27T15:00:00Z'), now: at('2026-03-27T15:00:00Z') });
      expect(atCreation.firstResponse.dueAt).to.deep.equal(at('2026-03-30T14:00:00Z'));
      expect(atCreation.firstResponse.elapsedMinutes).to.equal(0);
      const before = sla({ createdAt: at('2026-03-27T15:00:00Z'), now: at('2026-03-27T14:00:00Z') });
      expect(before.firstResponse.dueAt).to.deep.equal(at('2026-03-30T14:00:00Z'));
    });
  });

  it('computes the due time across the autumn DST change', () => {
    // Friday 23 October 2026 16:00 Rome (UTC+2) → Monday 26 October 16:00 Rome (UTC+1)
    const r = sla({ createdAt: at('2026-10-23T14:00:00Z'), now: at('2026-10-23T14:00:00Z') });
    expect(r.firstResponse.dueAt).to.deep.equal(at('2026-10-26T15:00:00Z'));
  });

  describe('requests opened outside business hours', () => {
    const due = (createdAt: string, targets = legal) =>
      sla({ createdAt: at(createdAt), now: at(createdAt), targets }).firstResponse.dueAt;

    it('starts the clock the next morning for an evening request', () => {
      // Thursday 2 April 2026 20:00 Rome → Friday 3 April 17:00
      expect(due('2026-04-02T18:00:00Z')).to.deep.equal(at('2026-04-03T15:00:00Z'));
    });

    it('starts the clock on Monday for a Saturday request', () => {
      // Saturday 28 March 2026 11:00 Rome → Monday 30 March 17:00 (summer time)
      expect(due('2026-03-28T10:00:00Z')).to.deep.equal(at('2026-03-30T15:00:00Z'));
    });

    it('starts the clock after a holiday', () => {
      // Easter Monday 6 April 2026 10:00 → Tuesday 7 April 17:00
      expect(due('2026-04-06T08:00:00Z')).to.deep.equal(at('2026-04-07T15:00:00Z'));
      // Friday 26 March 2027 17:30 (winter) → Easter Monday 29 March closed → Tuesday 30 March 17:00 (summer)
      expect(due('2027-03-26T16:30:00Z')).to.deep.equal(at('2027-03-30T15:00:00Z'));
    });

    it('starts the clock at 9:00 for an early-morning request', () => {
      // Tuesday 7 April 2026 07:00 Rome, 4-hour technical target → 13:00
      expect(due('2026-04-07T05:00:00Z', technical)).to.deep.equal(at('2026-04-07T11:00:00Z'));
    });

    it('skips a local holiday', () => {
      const lecce = createBusinessCalendar({ localHolidays: [{ date: '08-26', name: "Sant'Oronzo" }] });
      // Tuesday 25 August 2026 16:00 Rome → Wednesday closed → Thursday 27 August 16:00
      const r = computeSla({
        createdAt: at('2026-08-25T14:00:00Z'),
        history: [],
        firstResponseAt: null,
        targets: legal,
        now: at('2026-08-25T14:00:00Z'),
        calendar: lecce,
      });
      expect(r.firstResponse.dueAt).to.deep.equal(at('2026-08-27T14:00:00Z'));
    });
  });

  describe('warning, breach and first response', () => {
    const createdAt = at('2026-03-27T15:00:00Z'); // Friday 16:00 Rome; first response due Monday 16:00

    it('warns from 80 % of the target consumed', () => {
      // Monday 14:00 Rome: 60 + 300 = 360 minutes (75 %)
      const ok = sla({ createdAt, now: at('2026-03-30T12:00:00Z') });
      expect(ok.firstResponse.status).to.equal('ok');
      expect(isAboutToBreach(ok.firstResponse)).to.equal(false);
      // Monday 14:30 Rome: 390 minutes (81.25 %)
      const warn = sla({ createdAt, now: at('2026-03-30T12:30:00Z') });
      expect(warn.firstResponse.status).to.equal('warning');
      expect(warn.firstResponse.remainingMinutes).to.equal(90);
      expect(isAboutToBreach(warn.firstResponse)).to.equal(true);
      expect(isAboutToBreach(warn)).to.equal(true);
      expect(warn.resolution.status).to.equal('ok');
    });

    it('uses a configurable warning ratio', () => {
      const r = sla({ createdAt, now: at('2026-03-30T12:30:00Z'), warningRatio: 0.9 });
      expect(r.firstResponse.status).to.equal('ok');
      expect(isAboutToBreach(r)).to.equal(false);
      expect(() => sla({ createdAt, now: createdAt, warningRatio: 0 })).to.throw(RangeError);
      expect(() => sla({ createdAt, now: createdAt, warningRatio: 1.5 })).to.throw(RangeError);
    });

    it('is breached once the due time has passed without a reply', () => {
      // Monday 16:30 Rome
      const r = sla({ createdAt, now: at('2026-03-30T14:30:00Z') });
      expect(r.firstResponse).to.deep.equal({
        targetMinutes: 480,
        dueAt: at('2026-03-30T14:00:00Z'),
        elapsedMinutes: 510,
        remainingMinutes: -30,
        met: null,
        status: 'breached',
      });
      expect(isAboutToBreach(r)).to.equal(false);
    });

    it('is met when staff replied in time, and stops counting', () => {
      const r = sla({ createdAt, firstResponseAt: at('2026-03-30T08:00:00Z'), now: at('2026-04-02T10:00:00Z') });
      expect(r.firstResponse).to.deep.equal({
        targetMinutes: 480,
        dueAt: null,
        elapsedMinutes: 120,
        remainingMinutes: 360,
        met: true,
        status: 'met',
      });
      // the resolution clock keeps running
      expect(r.resolution.status).to.equal('ok');
      expect(r.resolution.met).to.equal(null);
    });

    it('is not met when staff replied late', () => {
      const r = sla({ createdAt, firstResponseAt: at('2026-03-30T14:10:00Z'), now: at('2026-04-02T10:00:00Z') });
      expect(r.firstResponse.met).to.equal(false);
      expect(r.firstResponse.status).to.equal('breached');
      expect(r.firstResponse.elapsedMinutes).to.equal(490);
      expect(r.firstResponse.dueAt).to.deep.equal(at('2026-03-30T14:00:00Z'));
    });

    it('ignores a reply that is later than now', () => {
      const r = sla({ createdAt, firstResponseAt: at('2026-03-30T08:00:00Z'), now: at('2026-03-27T15:30:00Z') });
      expect(r.firstResponse.status).to.equal('ok');
      expect(r.firstResponse.elapsedMinutes).to.equal(30);
    });

    it('is breached when still open after a target that ended exactly at closing time', () => {
      // Technical request, Friday 27 March 2026 13:00 Rome: 4 hours are due Friday 17:00
      const opened = at('2026-03-27T12:00:00Z');
      const saturday = sla({ createdAt: opened, targets: technical, now: at('2026-03-28T10:00:00Z') });
      expect(saturday.firstResponse.dueAt).to.deep.equal(at('2026-03-27T16:00:00Z'));
      expect(saturday.firstResponse.elapsedMinutes).to.equal(240);
      expect(saturday.firstResponse.status).to.equal('breached');
      // a reply at exactly 17:00 is in time
      const onTime = sla({
        createdAt: opened,
        targets: technical,
        firstResponseAt: at('2026-03-27T16:00:00Z'),
        now: at('2026-03-28T10:00:00Z'),
      });
      expect(onTime.firstResponse.status).to.equal('met');
      expect(onTime.firstResponse.met).to.equal(true);
    });
  });

  describe('pauses while waiting for the requester', () => {
    // Legal request opened Monday 23 March 2026 09:00 Rome; staff ask the body on Thursday
    // 26 March 12:00; the body answers on Tuesday 31 March 10:00 (after a weekend and the DST change).
    const createdAt = at('2026-03-23T08:00:00Z');
    const history = [
      step('2026-03-23T08:30:00Z', 'assigned'),
      step('2026-03-23T09:00:00Z', 'in_progress'),
      step('2026-03-26T11:00:00Z', 'waiting'),
      step('2026-03-31T08:00:00Z', 'in_progress'),
    ];
    const firstResponseAt = at('2026-03-23T10:00:00Z');

    it('excludes the waiting interval from the elapsed time once work resumes', () => {
      // Tuesday 31 March 12:00 Rome: 480 + 480 + 480 + 180 before the pause, 120 after
      const r = sla({ createdAt, history, firstResponseAt, now: at('2026-03-31T10:00:00Z') });
      expect(r.resolution).to.deep.equal({
        targetMinutes: 2400,
        dueAt: at('2026-04-01T13:00:00Z'), // Wednesday 1 April 15:00 Rome
        elapsedMinutes: 1740,
        remainingMinutes: 660,
        met: null,
        status: 'ok',
      });
      expect(r.firstResponse.status).to.equal('met');
      expect(r.firstResponse.elapsedMinutes).to.equal(120);
    });

    it('reports paused while waiting and projects the due time as if the clock resumed now', () => {
      // Monday 30 March 12:00 Rome: 780 minutes left → all of Monday afternoon and Tuesday
      const monday = sla({ createdAt, history, firstResponseAt, now: at('2026-03-30T10:00:00Z') });
      expect(monday.resolution).to.deep.equal({
        targetMinutes: 2400,
        dueAt: at('2026-03-31T15:00:00Z'),
        elapsedMinutes: 1620,
        remainingMinutes: 780,
        met: null,
        status: 'paused',
      });
      expect(isAboutToBreach(monday)).to.equal(false);
      // Tuesday 9:30 Rome, still waiting: the projection moves to Wednesday 14:30
      const tuesday = sla({ createdAt, history, firstResponseAt, now: at('2026-03-31T07:30:00Z') });
      expect(tuesday.resolution.dueAt).to.deep.equal(at('2026-04-01T12:30:00Z'));
      expect(tuesday.resolution.elapsedMinutes).to.equal(1620);
    });

    it('would have been due Friday 27 March 17:00 without the pause', () => {
      const r = sla({ createdAt, history: history.slice(0, 2), firstResponseAt, now: at('2026-03-24T08:00:00Z') });
      expect(r.resolution.dueAt).to.deep.equal(at('2026-03-27T16:00:00Z'));
    });

    it('gives the same result whatever the order of the history', () => {
      const now = at('2026-03-31T10:00:00Z');
      const sorted = sla({ createdAt, history, firstResponseAt, now });
      const shuffled = sla({ createdAt, history: [history[2], history[0], history[3], history[1]], firstResponseAt, now });
      expect(shuffled).to.deep.equal(sorted);
    });

    it('recomputes any past moment from the full history by ignoring later changes', () => {
      const asOfMonday = sla({ createdAt, history, firstResponseAt, now: at('2026-03-30T10:00:00Z') });
      const recordedThen = sla({
        createdAt,
        history: history.slice(0, 3),
        firstResponseAt,
        now: at('2026-03-30T10:00:00Z'),
      });
      expect(asOfMonday).to.deep.equal(recordedThen);
    });

    it('pauses the first-response clock too when staff ask before any public reply', () => {
      const r = sla({
        createdAt,
        history: [step('2026-03-23T09:00:00Z', 'in_progress'), step('2026-03-23T10:00:00Z', 'waiting')],
        now: at('2026-03-27T10:00:00Z'),
      });
      expect(r.firstResponse.status).to.equal('paused');
      expect(r.firstResponse.elapsedMinutes).to.equal(120);
      // Friday 27 March 11:00 Rome + 360 minutes → 17:00
      expect(r.firstResponse.dueAt).to.deep.equal(at('2026-03-27T16:00:00Z'));
    });

    it('stays breached while paused after the due time has passed', () => {
      const r = sla({
        createdAt,
        targets: technical,
        history: [step('2026-03-24T08:00:00Z', 'waiting')], // Tuesday 9:00 Rome: 8 hours consumed
        now: at('2026-03-25T10:00:00Z'),
      });
      expect(r.firstResponse.status).to.equal('breached');
      expect(r.firstResponse.dueAt).to.deep.equal(at('2026-03-23T12:00:00Z'));
      expect(r.firstResponse.met).to.equal(null);
      expect(r.resolution.status).to.equal('paused');
    });
  });

  describe('resolution and reopening', () => {
    const createdAt = at('2026-03-23T08:00:00Z'); // Monday 23 March 2026 09:00 Rome
    const firstResponseAt = at('2026-03-23T09:00:00Z');

    it('stops the clock when resolved while waiting', () => {
      const r = sla({
        createdAt,
        firstResponseAt,
        history: [
          step('2026-03-23T09:00:00Z', 'in_progress'),
          step('2026-03-26T11:00:00Z', 'waiting'),
          step('2026-03-27T09:00:00Z', 'resolved'),
        ],
        now: at('2026-04-10T10:00:00Z'),
      });
      expect(r.resolution).to.deep.equal({
        targetMinutes: 2400,
        dueAt: null,
        elapsedMinutes: 1620,
        remainingMinutes: 780,
        met: true,
        status: 'met',
      });
    });

    // Resolved Wednesday 25 March 12:00 Rome (1140 minutes), reopened by a body reply
    // on Thursday 2 April 10:00 Rome.
    const reopened = [
      step('2026-03-23T09:00:00Z', 'in_progress'),
      step('2026-03-25T11:00:00Z', 'resolved'),
      step('2026-04-02T08:00:00Z', 'in_progress'),
    ];

    it('reports met while resolved', () => {
      const r = sla({ createdAt, firstResponseAt, history: reopened.slice(0, 2), now: at('2026-03-30T10:00:00Z') });
      expect(r.resolution.status).to.equal('met');
      expect(r.resolution.met).to.equal(true);
      expect(r.resolution.elapsedMinutes).to.equal(1140);
    });

    it('resumes the clock on reopening, skipping the resolved interval and Easter Monday', () => {
      // Thursday 2 April 11:00 Rome: 1140 + 60
      const r = sla({ createdAt, firstResponseAt, history: reopened, now: at('2026-04-02T09:00:00Z') });
      expect(r.resolution).to.deep.equal({
        targetMinutes: 2400,
        dueAt: at('2026-04-07T13:00:00Z'), // Tuesday 7 April 15:00 Rome
        elapsedMinutes: 1200,
        remainingMinutes: 1200,
        met: null,
        status: 'ok',
      });
      expect(r.firstResponse.status).to.equal('met');
    });

    it('is met when resolved again in time', () => {
      const r = sla({
        createdAt,
        firstResponseAt,
        history: [...reopened, step('2026-04-07T10:00:00Z', 'resolved'), step('2026-04-08T10:00:00Z', 'closed')],
        now: at('2026-05-04T10:00:00Z'),
      });
      // 1140 + Thursday 420 + Friday 480 + Tuesday 180
      expect(r.resolution.elapsedMinutes).to.equal(2220);
      expect(r.resolution.met).to.equal(true);
      expect(r.resolution.status).to.equal('met');
    });

    it('is breached when resolved again too late, with the instant of the breach', () => {
      const r = sla({
        createdAt,
        firstResponseAt,
        history: [...reopened, step('2026-04-08T10:00:00Z', 'resolved')],
        now: at('2026-05-04T10:00:00Z'),
      });
      expect(r.resolution).to.deep.equal({
        targetMinutes: 2400,
        dueAt: at('2026-04-07T13:00:00Z'),
        elapsedMinutes: 2700,
        remainingMinutes: -300,
        met: false,
        status: 'breached',
      });
    });

    it('stops the first-response clock at resolution when nobody replied publicly', () => {
      const r = sla({
        createdAt,
        history: [step('2026-03-23T09:00:00Z', 'in_progress'), step('2026-03-23T10:00:00Z', 'resolved')],
        now: at('2026-03-30T10:00:00Z'),
      });
      expect(r.firstResponse.status).to.equal('met');
      expect(r.firstResponse.elapsedMinutes).to.equal(120);
    });
  });

  describe('input checks', () => {
    it('refuses non-positive targets and invalid dates', () => {
      const createdAt = at('2026-03-23T08:00:00Z');
      expect(() =>
        sla({ createdAt, now: createdAt, targets: { firstResponseMinutes: 0, resolutionMinutes: 100 } }),
      ).to.throw(RangeError);
      expect(() =>
        sla({ createdAt, now: createdAt, targets: { firstResponseMinutes: 60, resolutionMinutes: -1 } }),
      ).to.throw(RangeError);
      expect(() => sla({ createdAt, now: new Date('nope') })).to.throw(TypeError);
    });

    it('treats history entries before creation as happening at creation', () => {
      const createdAt = at('2026-03-23T08:00:00Z');
      const r = sla({ createdAt, history: [step('2026-03-20T08:00:00Z', 'waiting')], now: at('2026-03-24T08:00:00Z') });
      expect(r.resolution.status).to.equal('paused');
      expect(r.resolution.elapsedMinutes).to.equal(0);
    });
  });

  // Speed is measured by `npm run bench -- calendar`, not asserted here.
  it('evaluates thousands of requests: each answered within two hours met its first-response target', () => {
    for (let i = 0; i < 3000; i += 1) {
      const createdAt = new Date(Date.UTC(2026, 0, 5) + i * 3_600_000);
      const r = computeSla({
        createdAt,
        history: [
          { at: new Date(createdAt.getTime() + 3_600_000), state: 'in_progress' },
          { at: new Date(createdAt.getTime() + 86_400_000), state: 'waiting' },
          { at: new Date(createdAt.getTime() + 3 * 86_400_000), state: 'in_progress' },
        ],
        firstResponseAt: new Date(createdAt.getTime() + 7_200_000),
        targets: legal,
        now: new Date(Date.UTC(2026, 6, 1)),
        calendar,
      });
      expect(r.firstResponse.met, createdAt.toISOString()).to.equal(true);
      expect(r.firstResponse.elapsedMinutes).to.be.at.most(120);
    }
  });
});
