// The pure rules of working groups: the meeting's life, approval at the next sitting, the policy.
import { expect } from 'chai';
import { canManageGroup, canProposeItem, canSeeGroup, canSeeMeeting, canUpdateAction, ledgerScope, type Standing } from '../../../src/modules/groups/policy.js';
import { meetingSchema } from '../../../src/modules/groups/schemas.js';
import { approvalRefusal, cancelRefusal, closeRefusal, conveneRefusal, isLate, minutesWritable, startRefusal } from '../../../src/modules/groups/states.js';
import type { Actor } from '../../../src/platform/actor.js';

const actor = (role: Actor['role'], entityId: number | null = 1, userId = 7): Actor => ({ userId, email: 'x@example.it', name: 'X', role, entityId, ip: null });
const reserved = (memberRole: Standing['memberRole'] = null): Standing => ({ memberRole, visibility: 'reserved', adheringBody: true });
const open = (memberRole: Standing['memberRole'] = null, adheringBody = true): Standing => ({ memberRole, visibility: 'public', adheringBody });

describe('groups: the meeting’s life', () => {
  const now = new Date('2026-05-10T08:00:00Z');
  const base = { state: 'draft' as const, startsAt: new Date('2026-05-12T08:00:00Z'), endsAt: new Date('2026-05-12T10:00:00Z'), agendaItems: 2 };
  it('convenes a draft with an agenda, in the future only', () => {
    expect(conveneRefusal(base, now)).to.equal(null);
    expect(conveneRefusal({ ...base, agendaItems: 0 }, now)).to.equal('groups:error.emptyAgenda');
    expect(conveneRefusal({ ...base, state: 'convened' }, now)).to.equal('groups:error.notDraft');
    expect(conveneRefusal({ ...base, startsAt: new Date('2026-05-10T07:00:00Z') }, now)).to.equal('groups:error.conveneInPast');
  });
  it('starts a convened sitting from two hours before it, closes only one in progress', () => {
    const convened = { ...base, state: 'convened' as const };
    expect(startRefusal(convened, now)).to.equal('groups:error.startTooEarly');
    expect(startRefusal(convened, new Date('2026-05-12T06:30:00Z'))).to.equal(null);
    expect(startRefusal(base, new Date('2026-05-12T08:00:00Z'))).to.equal('groups:error.startNotConvened');
    expect(closeRefusal({ state: 'convened' })).to.equal('groups:error.closeNotStarted');
    expect(closeRefusal({ state: 'draft' })).to.equal('groups:error.closeNotStarted');
    expect(closeRefusal({ state: 'in_progress' })).to.equal(null);
  });
  it('cancels a sitting only before it starts, once', () => {
    expect(cancelRefusal({ state: 'draft' })).to.equal(null);
    expect(cancelRefusal({ state: 'convened' })).to.equal(null);
    expect(cancelRefusal({ state: 'in_progress' })).to.equal('groups:error.cancelStarted');
    expect(cancelRefusal({ state: 'closed' })).to.equal('groups:error.cancelStarted');
    expect(cancelRefusal({ state: 'cancelled' })).to.equal('groups:error.alreadyCancelled');
  });
  it('writes minutes from the start until approval; approves circulated minutes of a closed sitting at one in progress', () => {
    expect(minutesWritable('convened', 'none')).to.equal(false);
    expect(minutesWritable('in_progress', 'none')).to.equal(true);
    expect(minutesWritable('closed', 'circulated')).to.equal(true);
    expect(minutesWritable('closed', 'approved')).to.equal(false);
    expect(approvalRefusal({ state: 'closed', minutesState: 'circulated' }, { state: 'in_progress' })).to.equal(null);
    expect(approvalRefusal({ state: 'closed', minutesState: 'circulated' }, { state: 'convened' })).to.equal('groups:error.approveNotInProgress');
    expect(approvalRefusal({ state: 'closed', minutesState: 'draft' }, { state: 'in_progress' })).to.equal('groups:error.approveNotCirculated');
    expect(approvalRefusal({ state: 'closed', minutesState: 'approved' }, { state: 'in_progress' })).to.equal('groups:error.alreadyApproved');
    expect(approvalRefusal({ state: 'in_progress', minutesState: 'draft' }, { state: 'in_progress' })).to.equal('groups:error.approveNotClosed');
  });
  it('an open action past its date is late; a done one never is', () => {
    expect(isLate({ status: 'open', dueOn: '2026-05-01' }, '2026-05-10')).to.equal(true);
    expect(isLate({ status: 'done', dueOn: '2026-05-01' }, '2026-05-10')).to.equal(false);
    expect(isLate({ status: 'open', dueOn: null }, '2026-05-10')).to.equal(false);
  });
  it('reads date and times in Rome and refuses reversed ones', () => {
    const ok = meetingSchema.safeParse({ title: 'T', date: '2026-07-01', startTime: '09:30', endTime: '11:00', place: 'Lecce' });
    expect(ok.success && ok.data.startsAt.toISOString()).to.equal('2026-07-01T07:30:00.000Z');
    const reversed = meetingSchema.safeParse({ title: 'T', date: '2026-07-01', startTime: '11:00', endTime: '09:30', place: 'Lecce' });
    expect(reversed.success).to.equal(false);
    expect(reversed.error!.issues.map((i) => [i.path.join('.'), i.message])).to.deep.include(['endTime', 'groups:error.endBeforeStart']);
    const nowhere = meetingSchema.safeParse({ title: 'T', date: '2026-07-01', startTime: '09:00', endTime: '10:00' });
    expect(nowhere.error!.issues.map((i) => i.path.join('.'))).to.include('place');
  });
});

describe('groups: policy', () => {
  it('a reserved group exists for staff and members only; a public one for every user of an adhering body', () => {
    expect(canSeeGroup(actor('rtd'), reserved())).to.equal(false);
    expect(canSeeGroup(actor('rtd'), reserved('member'))).to.equal(true);
    expect(canSeeGroup(actor('staff', null), reserved())).to.equal(true);
    expect(canSeeGroup(actor('member'), open())).to.equal(true);
    expect(canSeeGroup(null, open())).to.equal(false);
    // A body that does not (or no longer) adhere to the centre: not a reader of public groups.
    expect(canSeeGroup(actor('rtd'), open(null, false))).to.equal(false);
    expect(canSeeMeeting(actor('rtd'), open(null, false), 'convened', false)).to.equal(false);
    expect(canSeeGroup(actor('rtd'), open('member', false))).to.equal(true);
  });
  it('coordinators, secretaries and staff run a group; other roles do not', () => {
    expect(canManageGroup(actor('rtd'), reserved('secretary'))).to.equal(true);
    expect(canManageGroup(actor('rtd'), reserved('coordinator'))).to.equal(true);
    expect(canManageGroup(actor('rtd'), reserved('sponsor'))).to.equal(false);
    expect(canManageGroup(actor('admin', null), reserved())).to.equal(true);
  });
  it('drafts for members only; guests only the sitting they were invited to, once convened', () => {
    expect(canSeeMeeting(actor('rtd'), open(), 'draft', false)).to.equal(false);
    expect(canSeeMeeting(actor('rtd'), open(), 'convened', false)).to.equal(true);
    expect(canSeeMeeting(actor('rtd'), reserved('member'), 'draft', false)).to.equal(true);
    expect(canSeeMeeting(null, reserved(), 'convened', true)).to.equal(true);
    expect(canSeeMeeting(null, reserved(), 'draft', true)).to.equal(false);
    expect(canSeeMeeting(null, reserved(), 'convened', false)).to.equal(false);
  });
  it('members propose items on drafts; an action’s status is its owner’s and the managers’', () => {
    expect(canProposeItem(actor('rtd'), reserved('member'), 'draft')).to.equal(true);
    expect(canProposeItem(actor('rtd'), reserved('member'), 'convened')).to.equal(false);
    expect(canProposeItem(actor('rtd'), open(), 'draft')).to.equal(false);
    expect(canUpdateAction(actor('rtd', 1, 9), reserved('member'), 9)).to.equal(true);
    expect(canUpdateAction(actor('rtd', 1, 9), reserved('member'), 10)).to.equal(false);
  });
  it('the ledger: staff all bodies, a body user their own, a guest nothing', () => {
    expect(ledgerScope(actor('staff', null))).to.deep.equal({ all: true });
    expect(ledgerScope(actor('member', 4))).to.deep.equal({ entityId: 4 });
    expect(ledgerScope(null)).to.equal(null);
  });
});
