// Who may see and do what in working groups: every rule in one place, pure.
//
// - Staff see and run every group.
// - A group's coordinator and secretary run it: members, meetings, agenda, attendance, minutes.
// - Members see every meeting of their group (drafts too, to propose agenda items) and its minutes
//   in every state; they answer the convocation, comment on or confirm the minutes.
// - A public group: every user of an adhering body (active membership) sees its convened meetings and
//   approved minutes.
// - A reserved group does not exist for anyone else (404).
// - An external guest sees only the meetings they were invited to, once convened, through the link
//   of their invitation (kept in their session), and nothing of the group beyond them.
import { isBodyUser, isStaff, type Viewer } from '../../platform/actor.js';
import { MANAGING_ROLES, type MeetingState, type MemberRole, type Visibility } from './states.js';

/** The viewer's standing in one group, read once per request. */
/** adheringBody: the viewer's body adheres to the centre (active membership). */
export type Standing = { memberRole: MemberRole | null; visibility: Visibility; adheringBody: boolean };

export const canCreateGroups = (viewer: Viewer): boolean => isStaff(viewer);

export const canSeeGroup = (viewer: Viewer, s: Standing): boolean =>
  isStaff(viewer) || s.memberRole !== null || (s.visibility === 'public' && isBodyUser(viewer) && s.adheringBody);

export const canManageGroup = (viewer: Viewer, s: Standing): boolean =>
  isStaff(viewer) || (s.memberRole !== null && MANAGING_ROLES.includes(s.memberRole));

export const isGroupMember = (s: Standing): boolean => s.memberRole !== null;

/** A meeting of the group: members and managers see drafts too; public readers only convened ones. */
export const canSeeMeeting = (viewer: Viewer, s: Standing, state: MeetingState, invitedGuest: boolean): boolean => {
  if (isStaff(viewer) || s.memberRole !== null) return true;
  if (state === 'draft') return false;
  return invitedGuest || (s.visibility === 'public' && isBodyUser(viewer) && s.adheringBody);
};

/** The minutes before approval: members (and staff); after approval, whoever sees the meeting. */
export const canSeeDraftMinutes = (viewer: Viewer, s: Standing): boolean => isStaff(viewer) || s.memberRole !== null;

/** Members propose agenda items while the meeting is still a draft. */
export const canProposeItem = (viewer: Viewer, s: Standing, state: MeetingState): boolean => !!viewer && s.memberRole !== null && state === 'draft';

/** Remarks on circulated minutes: the group's members. */
export const canRemark = (viewer: Viewer, s: Standing): boolean => !!viewer && s.memberRole !== null;

/** The participation ledger: staff for every body, a body's users for their own. */
export function ledgerScope(viewer: Viewer): { all: true } | { entityId: number } | null {
  if (isStaff(viewer)) return { all: true };
  if (isBodyUser(viewer)) return { entityId: viewer!.entityId! };
  return null;
}

/** An action's status: its owner and the group's managers. */
export const canUpdateAction = (viewer: Viewer, s: Standing, ownerUserId: number): boolean => canManageGroup(viewer, s) || (!!viewer && viewer.userId === ownerUserId);
