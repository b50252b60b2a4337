import { expect } from 'chai';
import { createBusinessCalendar } from '../../../src/platform/calendar.js';
import { initI18n, messageTranslator, translator } from '../../../src/platform/i18n.js';
import {
  type ActorKind,
  type RequestState,
  availableTransitions,
  canTransition,
  DEFAULT_SLA_TARGETS,
  findTransition,
  isDueForAutoClose,
  isOpenState,
  isRequestCategory,
  isRequestPriority,
  isRequestState,
  nextStateOnBodyReply,
  REQUEST_CATEGORIES,
  REQUEST_PRIORITIES,
  REQUEST_STATES,
  TRANSITIONS,
} from '../../../src/modules/desk/states.js';

// The names of states, categories, priorities and actions are locale keys (desk:state.<code>…).
const names = (prefix: string, codes: readonly string[], lang: 'it' | 'en' = 'it') =>
  Object.fromEntries(codes.map((c) => [c, translator(lang)(`desk:${prefix}.${c}`)]));

describe('desk/states', () => {
  before(() => initI18n());

  describe('lists and labels', () => {
    it('has the six states with Italian labels', () => {
      expect(REQUEST_STATES).to.deep.equal(['new', 'assigned', 'in_progress', 'waiting', 'resolved', 'closed']);
      expect(names('state', REQUEST_STATES)).to.deep.equal({
        new: 'Nuova',
        assigned: 'Assegnata',
        in_progress: 'In lavorazione',
        waiting: 'In attesa del richiedente',
        resolved: 'Risolta',
        closed: 'Chiusa',
      });
    });

    it('has the categories and priorities with Italian labels', () => {
      expect(REQUEST_CATEGORIES).to.deep.equal(['legal', 'strategic', 'procurement', 'technical', 'reuse', 'other']);
      expect(names('category', REQUEST_CATEGORIES)).to.deep.equal({
        legal: 'Legale',
        strategic: 'Strategica',
        procurement: 'Appalti',
        technical: 'Tecnica',
        reuse: 'Riuso',
        other: 'Altro',
      });
      expect(REQUEST_PRIORITIES).to.deep.equal(['low', 'normal', 'high', 'urgent']);
      expect(names('priority', REQUEST_PRIORITIES)).to.deep.equal({ low: 'Bassa', normal: 'Normale', high: 'Alta', urgent: 'Urgente' });
    });

    it('names every state, category, priority and action in English too', () => {
      for (const [prefix, codes] of [['state', REQUEST_STATES], ['category', REQUEST_CATEGORIES], ['priority', REQUEST_PRIORITIES], ['action', TRANSITIONS.map((t) => t.action)]] as const) {
        const en = names(prefix, codes, 'en');
        const it = names(prefix, codes, 'it');
        for (const c of codes) {
          expect(en[c], `${prefix}.${c}`).to.be.a('string').and.not.equal(`${prefix}.${c}`);
          expect(en[c], `${prefix}.${c}`).to.not.equal(it[c]);
        }
      }
      expect(names('state', REQUEST_STATES, 'en').waiting).to.equal('Waiting for the requester');
    });

    it('recognises valid values only', () => {
      expect(isRequestState('waiting')).to.equal(true);
      expect(isRequestState('open')).to.equal(false);
      expect(isRequestState(undefined)).to.equal(false);
      expect(isRequestCategory('reuse')).to.equal(true);
      expect(isRequestCategory('Legale')).to.equal(false);
      expect(isRequestPriority('urgent')).to.equal(true);
      expect(isRequestPriority('critical')).to.equal(false);
    });

    it('counts a request as open until it is resolved', () => {
      expect(REQUEST_STATES.filter(isOpenState)).to.deep.equal(['new', 'assigned', 'in_progress', 'waiting']);
    });
  });

  describe('transitions', () => {
    // Every allowed move, written out independently of the table in states.ts.
    const allowed = new Set([
      'new>assigned:staff',
      'assigned>in_progress:staff',
      'in_progress>waiting:staff',
      'waiting>in_progress:staff',
      'in_progress>resolved:staff',
      'waiting>resolved:staff',
      'resolved>closed:staff',
      'resolved>closed:system',
      'waiting>in_progress:body',
      'resolved>in_progress:body',
      'resolved>in_progress:staff',
      'closed>in_progress:staff',
    ]);
    const actors: ActorKind[] = ['staff', 'body', 'system'];

    it('allows exactly the expected moves and refuses all others', () => {
      for (const from of REQUEST_STATES) {
        for (const to of REQUEST_STATES) {
          for (const actor of actors) {
            const key = `${from}>${to}:${actor}`;
            expect(canTransition(from, to, actor), key).to.equal(allowed.has(key));
          }
        }
      }
    });

    it('refuses the body any move other than replying', () => {
      expect(canTransition('new', 'assigned', 'body')).to.equal(false);
      expect(canTransition('in_progress', 'resolved', 'body')).to.equal(false);
      expect(canTransition('resolved', 'closed', 'body')).to.equal(false);
      expect(canTransition('closed', 'in_progress', 'body')).to.equal(false);
    });

    it('names the action behind a move, which depends on who makes it', () => {
      expect(findTransition('waiting', 'in_progress', 'body')?.action).to.equal('requester_reply');
      expect(findTransition('waiting', 'in_progress', 'staff')?.action).to.equal('resume');
      expect(findTransition('resolved', 'closed', 'system')?.action).to.equal('auto_close');
      expect(findTransition('closed', 'in_progress', 'staff')?.action).to.equal('reopen');
      expect(translator('it')('desk:action.reopen')).to.equal('Riapri');
      expect(findTransition('new', 'resolved', 'staff')).to.equal(null);
    });

    it('lists what an actor can do from a state, with Italian labels', () => {
      expect(availableTransitions('in_progress', 'staff').map((t) => [t.action, t.to, translator('it')(`desk:action.${t.action}`)])).to.deep.equal([
        ['ask_requester', 'waiting', 'Chiedi informazioni al richiedente'],
        ['resolve', 'resolved', 'Segna come risolta'],
      ]);
      expect(availableTransitions('resolved', 'staff').map((t) => t.action)).to.deep.equal(['close', 'reopen']);
      expect(availableTransitions('in_progress', 'body')).to.deep.equal([]);
      expect(availableTransitions('closed', 'body')).to.deep.equal([]);
    });
  });

  describe('nextStateOnBodyReply', () => {
    it('brings a waiting or resolved request back to work', () => {
      expect(nextStateOnBodyReply('waiting')).to.deep.equal({ ok: true, next: 'in_progress' });
      expect(nextStateOnBodyReply('resolved')).to.deep.equal({ ok: true, next: 'in_progress' });
    });

    it('leaves a request that is not yet answered where it is', () => {
      for (const state of ['new', 'assigned', 'in_progress'] as RequestState[]) {
        expect(nextStateOnBodyReply(state), state).to.deep.equal({ ok: true, next: null });
      }
    });

    it('refuses a reply to a closed request', () => {
      const outcome = nextStateOnBodyReply('closed');
      expect(outcome.ok).to.equal(false);
      if (outcome.ok) return;
      expect(outcome.code).to.equal('request_closed');
      expect(messageTranslator('it')(outcome.message)).to.match(/chiusa/);
      expect(messageTranslator('en')(outcome.message)).to.match(/closed/);
    });

    it('agrees with the transitions table', () => {
      for (const state of REQUEST_STATES) {
        const outcome = nextStateOnBodyReply(state);
        if (outcome.ok && outcome.next) expect(canTransition(state, outcome.next, 'body'), state).to.equal(true);
      }
    });
  });

  describe('DEFAULT_SLA_TARGETS', () => {
    it('gives every category a first-response target shorter than its resolution target', () => {
      expect(Object.keys(DEFAULT_SLA_TARGETS)).to.have.members([...REQUEST_CATEGORIES]);
      for (const category of REQUEST_CATEGORIES) {
        const t = DEFAULT_SLA_TARGETS[category];
        expect(t.firstResponseMinutes, category).to.be.greaterThan(0);
        expect(t.resolutionMinutes, category).to.be.greaterThan(t.firstResponseMinutes);
      }
    });

    it('uses the agreed targets in business minutes', () => {
      expect(DEFAULT_SLA_TARGETS.legal).to.deep.equal({ firstResponseMinutes: 480, resolutionMinutes: 2400 });
      expect(DEFAULT_SLA_TARGETS.procurement).to.deep.equal({ firstResponseMinutes: 480, resolutionMinutes: 2400 });
      expect(DEFAULT_SLA_TARGETS.technical).to.deep.equal({ firstResponseMinutes: 240, resolutionMinutes: 1440 });
      expect(DEFAULT_SLA_TARGETS.strategic).to.deep.equal({ firstResponseMinutes: 960, resolutionMinutes: 4800 });
      expect(DEFAULT_SLA_TARGETS.reuse).to.deep.equal({ firstResponseMinutes: 480, resolutionMinutes: 2400 });
      expect(DEFAULT_SLA_TARGETS.other).to.deep.equal({ firstResponseMinutes: 960, resolutionMinutes: 2400 });
      expect(Object.isFrozen(DEFAULT_SLA_TARGETS.legal)).to.equal(true);
    });
  });

  describe('isDueForAutoClose', () => {
    const calendar = createBusinessCalendar();
    // Resolved Friday 27 March 2026 10:00 Rome; 10 business days later, with Easter Monday
    // closed, is Monday 13 April 10:00 Rome (08:00 UTC).
    const resolvedAt = new Date('2026-03-27T09:00:00Z');

    it('closes a resolved request after the configured business days', () => {
      const input = { state: 'resolved' as const, resolvedAt, calendar };
      expect(isDueForAutoClose({ ...input, now: new Date('2026-04-13T07:59:59Z') })).to.equal(false);
      expect(isDueForAutoClose({ ...input, now: new Date('2026-04-13T08:00:00Z') })).to.equal(true);
      expect(isDueForAutoClose({ ...input, now: new Date('2026-03-31T08:00:00Z'), afterBusinessDays: 2 })).to.equal(
        true,
      );
      expect(isDueForAutoClose({ ...input, now: new Date('2026-03-31T07:59:00Z'), afterBusinessDays: 2 })).to.equal(
        false,
      );
    });

    it('never closes a request that is not resolved', () => {
      const now = new Date('2026-06-01T10:00:00Z');
      for (const state of ['new', 'assigned', 'in_progress', 'waiting', 'closed'] as RequestState[]) {
        expect(isDueForAutoClose({ state, resolvedAt, now, calendar }), state).to.equal(false);
      }
    });

    it('refuses a non-positive number of days', () => {
      const now = new Date('2026-06-01T10:00:00Z');
      expect(() => isDueForAutoClose({ state: 'resolved', resolvedAt, now, calendar, afterBusinessDays: 0 })).to.throw(
        RangeError,
      );
    });
  });
});
