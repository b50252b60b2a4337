// Who may see and do what in the funding area: every rule in one place.
//
// - Calls are public: anyone reads the list and a call's page; staff create and change them.
// - Which adhering bodies have NOT applied to a call: staff only (the centre's follow-up list).
// - A body's projects and its per-body page: staff, and the users (member, RTD, referent) of that body.
// - Recording or changing an application: staff for any body, the RTD for their own body.
// - A project the viewer may not see does not exist for them (404, not 403).
import { belongsTo, isStaff, type Viewer } from '../../platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';

export const canManageCalls = (viewer: Viewer): boolean => isStaff(viewer);

export function assertCanManageCalls(viewer: Viewer): void {
  if (!canManageCalls(viewer)) throw new ForbiddenError('funding:error.staffOnly', 'funding.calls.manage');
}

export const canSeeNonApplicants = (viewer: Viewer): boolean => isStaff(viewer);

/** A body's projects, deadlines and per-body page. */
export const canSeeBodyFunding = (viewer: Viewer, entityId: number): boolean => isStaff(viewer) || belongsTo(viewer, entityId);

export function assertCanSeeBodyFunding(viewer: Viewer, entityId: number): void {
  if (!canSeeBodyFunding(viewer, entityId)) throw new NotFoundError('funding:error.notFound');
}

/** Record an application or change a project of the body. */
export const canEditBodyFunding = (viewer: Viewer, entityId: number): boolean => isStaff(viewer) || (belongsTo(viewer, entityId) && viewer!.role === 'rtd');

/** Whether the viewer records applications at all (the button on the pages). */
export const canRecordApplications = (viewer: Viewer): boolean => isStaff(viewer) || (!!viewer && viewer.role === 'rtd' && viewer.entityId !== null);

export function assertCanEditBodyFunding(viewer: Viewer, entityId: number): void {
  if (!canSeeBodyFunding(viewer, entityId)) throw new NotFoundError('funding:error.notFound');
  if (!canEditBodyFunding(viewer, entityId)) throw new ForbiddenError('funding:error.rtdOnly', 'funding.projects.edit');
}

/** The projects list: staff see every body's, a body's users their own body's only. */
export function projectScope(viewer: Viewer): { all: true } | { entityId: number } | null {
  if (isStaff(viewer)) return { all: true };
  if (viewer && viewer.entityId !== null && (viewer.role === 'member' || viewer.role === 'rtd' || viewer.role === 'referent')) return { entityId: viewer.entityId };
  return null;
}
