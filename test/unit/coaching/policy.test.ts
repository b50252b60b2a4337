import { expect } from 'chai';
import { canManageSessions, canManageTemplates, canReview, canSeeAllBodies, canSeeBodyCoaching, canWorkOnBody, isValidOwner } from '../../../src/modules/coaching/policy.js';
import type { Actor, Role } from '../../../src/platform/actor.js';

const who = (role: Role, entityId: number | null): Actor => ({ userId: 1, email: 'x@y.it', name: 'X', role, entityId, ip: null });

describe('coaching policy', () => {
  it('lets staff do everything and body users see only their own body', () => {
    for (const role of ['staff', 'admin'] as const) {
      const s = who(role, null);
      expect([canManageTemplates(s), canSeeBodyCoaching(s, 7), canWorkOnBody(s, 7), canReview(s), canManageSessions(s), canSeeAllBodies(s)]).to.deep.equal([true, true, true, true, true, true]);
    }
    for (const role of ['member', 'rtd', 'referent'] as const) {
      const u = who(role, 7);
      expect(canSeeBodyCoaching(u, 7), role).to.equal(true);
      expect(canSeeBodyCoaching(u, 8), role).to.equal(false);
      expect([canManageTemplates(u), canReview(u), canManageSessions(u), canSeeAllBodies(u)], role).to.deep.equal([false, false, false, false]);
    }
    expect(canSeeBodyCoaching(null, 7)).to.equal(false);
  });

  it('lets only the RTD of the body (and staff) fill in and change the plan', () => {
    expect(canWorkOnBody(who('rtd', 7), 7)).to.equal(true);
    expect(canWorkOnBody(who('rtd', 7), 8)).to.equal(false);
    expect(canWorkOnBody(who('member', 7), 7)).to.equal(false);
    expect(canWorkOnBody(who('referent', 7), 7)).to.equal(false);
  });

  it('takes as an action’s owner a user of the body or a coach, never another body’s user', () => {
    expect(isValidOwner({ role: 'member', entityId: 7, status: 'active' }, 7)).to.equal(true);
    expect(isValidOwner({ role: 'staff', entityId: null, status: 'active' }, 7)).to.equal(true);
    expect(isValidOwner({ role: 'rtd', entityId: 8, status: 'active' }, 7)).to.equal(false);
    expect(isValidOwner({ role: 'member', entityId: 7, status: 'disabled' }, 7)).to.equal(false);
  });
});
