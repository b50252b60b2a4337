import { expect } from 'chai';
import type { Actor } from '../../../src/platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../../src/platform/errors.js';
import { assertCanOpenRequestFor, assertCanSeeRequest, canSeeArticle, canSeeInternal, canSeeRequest } from '../../../src/modules/desk/policy.js';
import { namesFoundIn } from '../../../src/modules/desk/knowledge.js';
import { dueInfo } from '../../../src/modules/desk/queries.js';
import { DEFAULT_DESK_SETTINGS } from '../../../src/modules/desk/config.js';
import { createBusinessCalendar } from '../../../src/platform/calendar.js';

const actor = (role: Actor['role'], entityId: number | null): Actor => ({ userId: 1, email: 'a@b.it', name: 'A', role, entityId, ip: null });

describe('desk/policy', () => {
  it('lets body users open requests only for their own body, and never staff', () => {
    expect(assertCanOpenRequestFor(actor('member', 7), null)).to.equal(7);
    expect(assertCanOpenRequestFor(actor('referent', 7), 7)).to.equal(7);
    expect(() => assertCanOpenRequestFor(actor('rtd', 7), 8)).to.throw(ForbiddenError, 'desk:error.openOtherBody');
    expect(() => assertCanOpenRequestFor(actor('staff', null), null)).to.throw(ForbiddenError);
  });

  it('shows a request to every user of its body and to staff only', () => {
    expect(canSeeRequest(actor('member', 7), { entityId: 7 })).to.equal(true);
    expect(canSeeRequest(actor('member', 7), { entityId: 8 })).to.equal(false);
    expect(canSeeRequest(actor('staff', null), { entityId: 8 })).to.equal(true);
    expect(canSeeRequest(null, { entityId: 8 })).to.equal(false);
    expect(() => assertCanSeeRequest(actor('member', 7), null)).to.throw(NotFoundError);
    expect(() => assertCanSeeRequest(actor('member', 7), { entityId: 8 })).to.throw(NotFoundError);
  });

  it('keeps internal notes and drafts for staff', () => {
    expect(canSeeInternal(actor('rtd', 7))).to.equal(false);
    expect(canSeeInternal(actor('admin', null))).to.equal(true);
    expect(canSeeArticle(null, { status: 'published' })).to.equal(true);
    expect(canSeeArticle(actor('member', 7), { status: 'draft' })).to.equal(false);
    expect(canSeeArticle(actor('staff', null), { status: 'archived' })).to.equal(true);
  });
});

describe('desk/knowledge anonymity check', () => {
  it('finds a body’s name in any case and with or without accents, as a whole word', () => {
    expect(namesFoundIn('Il COMUNE DI PATU ha chiesto…', ['Comune di Patù'])).to.deep.equal(['Comune di Patù']);
    expect(namesFoundIn('A Russi serve…', ['Russi'])).to.deep.equal(['Russi']);
    expect(namesFoundIn('Le russine…', ['Russi'])).to.deep.equal([]);
  });
});

describe('desk/queries', () => {
  const calendar = createBusinessCalendar();
  const base = { category: 'legal' as const, firstResponseMet: null, resolutionMet: null };

  it('marks the next deadline ok, near or past, paused while waiting', () => {
    const now = new Date('2026-12-01T08:00:00Z'); // Tuesday 9:00 in Rome
    const soon = dueInfo({ ...base, state: 'assigned', firstResponseAt: null, firstResponseDueAt: new Date('2026-12-01T09:00:00Z'), resolutionDueAt: new Date('2026-12-07T09:00:00Z') }, DEFAULT_DESK_SETTINGS, calendar, now);
    expect(soon).to.include({ clock: 'firstResponse', status: 'warning' });
    expect(soon.remainingMinutes).to.equal(60);
    const later = dueInfo({ ...base, state: 'in_progress', firstResponseAt: now, firstResponseDueAt: null, resolutionDueAt: new Date('2026-12-07T09:00:00Z') }, DEFAULT_DESK_SETTINGS, calendar, now);
    expect(later).to.include({ clock: 'resolution', status: 'ok' });
    const late = dueInfo({ ...base, state: 'in_progress', firstResponseAt: now, firstResponseDueAt: null, resolutionDueAt: new Date('2026-11-30T09:00:00Z') }, DEFAULT_DESK_SETTINGS, calendar, now);
    expect(late.status).to.equal('breached');
    expect(dueInfo({ ...base, state: 'waiting', firstResponseAt: now, firstResponseDueAt: null, resolutionDueAt: null }, DEFAULT_DESK_SETTINGS, calendar, now).status).to.equal('paused');
    expect(dueInfo({ ...base, state: 'closed', firstResponseAt: now, firstResponseDueAt: null, resolutionDueAt: null, resolutionMet: false }, DEFAULT_DESK_SETTINGS, calendar, now).status).to.equal('missed');
  });
});
