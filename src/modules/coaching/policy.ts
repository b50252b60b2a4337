// Who may see and do what in the coaching area: every rule in one place.
//
// - Templates: staff only (the centre writes and publishes them).
// - A body's coaching (assessments, plan, sessions, obligations, benchmark): staff, and the users
//   (member, RTD, referent) of that body, who read it. Anyone else: it does not exist (404).
// - Filling in and submitting an assessment, changing the plan, recording an obligation's evidence:
//   staff for any body, the RTD of the body for its own.
// - Reviewing an assessment (comments, approve, send back) and recording sessions: staff only.
// - The list of every body and the history of any body with the names of the others: staff only.
import { belongsTo, isStaff, type Viewer } from '../../platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';

export const canManageTemplates = (viewer: Viewer): boolean => isStaff(viewer);

export const canSeeBodyCoaching = (viewer: Viewer, entityId: number): boolean => isStaff(viewer) || belongsTo(viewer, entityId);

export const canWorkOnBody = (viewer: Viewer, entityId: number): boolean => isStaff(viewer) || (belongsTo(viewer, entityId) && viewer!.role === 'rtd');

export const canReview = (viewer: Viewer): boolean => isStaff(viewer);

export const canManageSessions = (viewer: Viewer): boolean => isStaff(viewer);

export const canSeeAllBodies = (viewer: Viewer): boolean => isStaff(viewer);

export function assertCanSee(viewer: Viewer, entityId: number): void {
  if (!canSeeBodyCoaching(viewer, entityId)) throw new NotFoundError('coaching:error.notFound');
}

export function assertCanWork(viewer: Viewer, entityId: number): void {
  assertCanSee(viewer, entityId);
  if (!canWorkOnBody(viewer, entityId)) throw new ForbiddenError('coaching:error.rtdOnly', 'coaching.work');
}

export function assertCanReview(viewer: Viewer, entityId: number): void {
  assertCanSee(viewer, entityId);
  if (!canReview(viewer)) throw new ForbiddenError('coaching:error.staffOnly', 'coaching.review');
}

export function assertCanManageSessions(viewer: Viewer, entityId: number): void {
  assertCanSee(viewer, entityId);
  if (!canManageSessions(viewer)) throw new ForbiddenError('coaching:error.staffOnly', 'coaching.sessions');
}

/** Owners of a body's action: a user of that body, or a member of the centre's staff (a coach). */
export const isValidOwner = (owner: { role: string; entityId: number | null; status?: string }, entityId: number): boolean =>
  (owner.status === undefined || owner.status === 'active') &&
  (owner.role === 'staff' || owner.role === 'admin' || (owner.entityId === entityId && ['member', 'rtd', 'referent'].includes(owner.role)));
