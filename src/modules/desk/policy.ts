// Who may see and do what at the desk and in the knowledge base: the one place for these rules.
//
// - A member, RTD or referent of body E opens requests for E only, and sees, follows and replies to
//   every request of E (not only their own); never anything of another body.
// - Staff and admins see every request, write internal notes, assign, move states, run reports.
// - Internal notes and their attachments are for staff only, on every page, export and email.
// - Published knowledge-base articles are public; drafts and archived ones are for staff.
import { belongsTo, isAdmin, isBodyUser, isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import type { ArticleStatus } from './models.js';

export const canOpenRequests = (viewer: Viewer): boolean => isBodyUser(viewer);

export function assertCanOpenRequestFor(actor: Actor, entityId: number | null): number {
  if (!isBodyUser(actor)) {
    throw new ForbiddenError(msg('desk:error.openNotBody'), 'desk.open-not-body');
  }
  if (entityId !== null && entityId !== actor.entityId) {
    throw new ForbiddenError(msg('desk:error.openOtherBody'), 'desk.open-other-body');
  }
  return actor.entityId!;
}

export const canSeeRequest = (viewer: Viewer, request: { entityId: number }): boolean => isStaff(viewer) || belongsTo(viewer, request.entityId);

export function assertCanSeeRequest(viewer: Viewer, request: { entityId: number } | null): void {
  if (!request) throw new NotFoundError(msg('desk:error.requestNotFound'));
  // Another body's request answers like a missing one: a 404 tells nobody that it exists.
  if (!canSeeRequest(viewer, request)) throw new NotFoundError(msg('desk:error.requestNotFound'), 'desk.request-other-body');
}

/** Public replies: the body's users and staff. */
export const assertCanReply = assertCanSeeRequest;

/** Internal notes, their attachments, assignment, states, classification, queue, CSV of all bodies, reports. */
export const canSeeInternal = (viewer: Viewer): boolean => isStaff(viewer);

export function assertStaff(viewer: Viewer, action: string): void {
  if (!isStaff(viewer)) throw new ForbiddenError(msg('desk:error.staffOnly'), action);
}

export const canManageSettings = (viewer: Viewer): boolean => isAdmin(viewer);

/** Only staff and admins can be assignees. */
export const isAssignableRole = (role: string): boolean => role === 'staff' || role === 'admin';

export const canEditArticles = (viewer: Viewer): boolean => isStaff(viewer);

export const canSeeArticle = (viewer: Viewer, article: { status: ArticleStatus }): boolean => article.status === 'published' || isStaff(viewer);
