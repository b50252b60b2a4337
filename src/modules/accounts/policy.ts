// Who may manage which accounts: one place, tested.
import { isAdmin, isStaff, type Actor, type Role } from '../../platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';

export const BODY_ROLES: readonly Role[] = ['member', 'rtd', 'referent'];

/** Staff and admin invite into any body; a referent only into their own body and with a body role. */
export function assertCanInvite(actor: Actor, target: { role: Role; entityId: number | null }): void {
  if (isAdmin(actor)) return;
  if (isStaff(actor)) {
    if (target.role === 'admin') throw new ForbiddenError(msg('accounts:error.onlyAdminCreatesAdmins'), 'accounts.invite-admin');
    return;
  }
  if (actor.role === 'referent' && actor.entityId !== null && target.entityId === actor.entityId && BODY_ROLES.includes(target.role)) return;
  throw new ForbiddenError(msg('accounts:error.inviteOwnBodyOnly'), 'accounts.invite');
}

/** Admin manages every account; a referent may disable or re-enable users of their own body (not staff). */
export function assertCanManageUser(actor: Actor, target: { id: number; role: Role; entityId: number | null }): void {
  if (target.id === actor.userId) throw new ForbiddenError(msg('accounts:error.noSelfManage'), 'accounts.self-manage');
  if (isAdmin(actor)) return;
  if (actor.role === 'referent' && target.entityId === actor.entityId && BODY_ROLES.includes(target.role)) return;
  // A user of another body (or of the centre) is not there for a body's users: 404, like a missing one.
  if (!isStaff(actor) && target.entityId !== actor.entityId) throw new NotFoundError(msg('accounts:error.userNotFound'));
  throw new ForbiddenError(undefined, 'accounts.manage');
}

/**
 * Whether an invitation may rewrite an existing account (role and body): only a pending one the inviter
 * may manage — an admin any, staff any but an admin's, a referent only a member of their own body.
 * An active account is never rewritten by an invitation.
 */
export function canReinvite(actor: Actor, target: { id: number; role: Role; entityId: number | null; status: string }): boolean {
  if (target.status !== 'invited' || target.id === actor.userId) return false;
  if (isAdmin(actor)) return true;
  if (isStaff(actor)) return target.role !== 'admin';
  return actor.role === 'referent' && actor.entityId !== null && target.entityId === actor.entityId && BODY_ROLES.includes(target.role);
}

export function assertCanChangeRole(actor: Actor, target: { id: number }): void {
  if (!isAdmin(actor)) throw new ForbiddenError(msg('accounts:error.onlyAdminChangesRoles'), 'accounts.role');
  if (target.id === actor.userId) throw new ForbiddenError(msg('accounts:error.noSelfRole'), 'accounts.role-self');
}

export function canListBodyUsers(actor: Actor, entityId: number): boolean {
  return isStaff(actor) || (actor.role === 'referent' && actor.entityId === entityId);
}

export const isBodyRole = (role: Role): boolean => BODY_ROLES.includes(role);
