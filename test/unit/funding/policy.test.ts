import { expect } from 'chai';
import type { Actor, Role } from '../../../src/platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../../src/platform/errors.js';
import {
  assertCanEditBodyFunding,
  assertCanManageCalls,
  assertCanSeeBodyFunding,
  canEditBodyFunding,
  canManageCalls,
  canRecordApplications,
  canSeeBodyFunding,
  canSeeNonApplicants,
  projectScope,
} from '../../../src/modules/funding/policy.js';

const actor = (role: Role, entityId: number | null = 7): Actor => ({ userId: 1, email: 'x@example.it', name: 'X', role, entityId, ip: null });

describe('funding: policy', () => {
  it('staff manage calls and see who has not applied; nobody else does', () => {
    expect(canManageCalls(actor('staff', null))).to.equal(true);
    expect(canManageCalls(actor('admin', null))).to.equal(true);
    for (const v of [null, actor('member'), actor('rtd'), actor('referent')]) {
      expect(canManageCalls(v)).to.equal(false);
      expect(canSeeNonApplicants(v)).to.equal(false);
      expect(() => assertCanManageCalls(v)).to.throw(ForbiddenError);
    }
  });

  it('a body’s funding is seen by staff and that body’s users only; another body gets a 404', () => {
    expect(canSeeBodyFunding(actor('staff', null), 7)).to.equal(true);
    expect(canSeeBodyFunding(actor('member', 7), 7)).to.equal(true);
    expect(canSeeBodyFunding(actor('member', 8), 7)).to.equal(false);
    expect(canSeeBodyFunding(null, 7)).to.equal(false);
    expect(() => assertCanSeeBodyFunding(actor('rtd', 8), 7)).to.throw(NotFoundError);
  });

  it('the RTD records and changes their own body’s applications; a member may not; another body’s RTD gets a 404', () => {
    expect(canEditBodyFunding(actor('rtd', 7), 7)).to.equal(true);
    expect(canEditBodyFunding(actor('staff', null), 7)).to.equal(true);
    expect(canEditBodyFunding(actor('member', 7), 7)).to.equal(false);
    expect(canEditBodyFunding(actor('referent', 7), 7)).to.equal(false);
    expect(() => assertCanEditBodyFunding(actor('member', 7), 7)).to.throw(ForbiddenError);
    expect(() => assertCanEditBodyFunding(actor('rtd', 8), 7)).to.throw(NotFoundError);
    expect(canRecordApplications(actor('rtd', 7))).to.equal(true);
    expect(canRecordApplications(actor('member', 7))).to.equal(false);
  });

  it('the projects list: all for staff, the own body for its users, nothing for visitors', () => {
    expect(projectScope(actor('staff', null))).to.deep.equal({ all: true });
    expect(projectScope(actor('referent', 7))).to.deep.equal({ entityId: 7 });
    expect(projectScope(null)).to.equal(null);
  });
});
