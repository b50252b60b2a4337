// Who may see and change bodies: the public list is open; staff see every detail; admin edits.
import { belongsTo, isAdmin, isStaff, type Viewer } from '../../platform/actor.js';
import { ForbiddenError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';

export const canSeeEntityDetails = (viewer: Viewer, entityId: number): boolean => isStaff(viewer) || belongsTo(viewer, entityId);

/** Bodies that are not (or no longer) members are listed only to staff. */
export const canSeeNonMembers = (viewer: Viewer): boolean => isStaff(viewer);

export function assertCanEditEntities(viewer: Viewer): void {
  if (!isAdmin(viewer)) throw new ForbiddenError(msg('entities:error.onlyAdminEdits'), 'entities.edit');
}
