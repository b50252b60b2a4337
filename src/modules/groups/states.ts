// The vocabulary and the pure rules of working groups: kinds, roles, the meeting's life and its
// minutes. Values in, values out: unit-tested without a database.
import { msg, type Message } from '../../platform/messages.js';

export const GROUP_KINDS = ['technical', 'strategic', 'project', 'thematic'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export const VISIBILITIES = ['public', 'reserved'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Institutional roles, in the order a group's page lists them. */
export const MEMBER_ROLES = ['coordinator', 'sponsor', 'facilitator', 'referent', 'secretary', 'member'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
/** Roles that run the group: convene meetings, set the agenda, record attendance and minutes. */
export const MANAGING_ROLES: readonly MemberRole[] = ['coordinator', 'secretary'];

export const MEETING_STATES = ['draft', 'convened', 'in_progress', 'closed', 'cancelled'] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

export const MINUTES_STATES = ['none', 'draft', 'circulated', 'approved'] as const;
export type MinutesState = (typeof MINUTES_STATES)[number];

export const ATTENDANCE = ['present', 'absent', 'excused'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

export const ANSWERS = ['yes', 'no'] as const;
export type Answer = (typeof ANSWERS)[number];

export const ACTION_STATES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type ActionState = (typeof ACTION_STATES)[number];
export const OPEN_ACTION_STATES: readonly ActionState[] = ['open', 'in_progress'];

/** Where an action may become work: the kinds of link out. */
export const LINK_KINDS = ['desk', 'coaching', 'tenders', 'training', 'other'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** A meeting may be opened from this long before its start. */
export const START_WINDOW_MS = 2 * 3_600_000;

type Moves = { state: MeetingState; startsAt: Date; endsAt: Date; agendaItems: number };

/** Why a meeting cannot be convened now (a Message), or null. */
export function conveneRefusal(m: Moves, now: Date): Message | null {
  if (m.state !== 'draft') return msg('groups:error.notDraft');
  if (m.agendaItems === 0) return msg('groups:error.emptyAgenda');
  if (m.startsAt.getTime() <= now.getTime()) return msg('groups:error.conveneInPast');
  return null;
}

/** Why a meeting cannot start now, or null. */
export function startRefusal(m: Moves, now: Date): Message | null {
  if (m.state !== 'convened') return msg('groups:error.startNotConvened');
  if (now.getTime() < m.startsAt.getTime() - START_WINDOW_MS) return msg('groups:error.startTooEarly');
  return null;
}

/** Why a meeting cannot be closed now, or null: only a sitting that is in progress ends. */
export function closeRefusal(m: Pick<Moves, 'state'>): Message | null {
  if (m.state !== 'in_progress') return msg('groups:error.closeNotStarted');
  return null;
}

/** Why a meeting cannot be cancelled now, or null: only before it starts. */
export function cancelRefusal(m: Pick<Moves, 'state'>): Message | null {
  if (m.state === 'cancelled') return msg('groups:error.alreadyCancelled');
  if (m.state !== 'draft' && m.state !== 'convened') return msg('groups:error.cancelStarted');
  return null;
}

/** The agenda and the meeting's details change only before the sitting starts. */
export const agendaOpen = (state: MeetingState): boolean => state === 'draft' || state === 'convened';

/** Attendance and the minutes are written while the sitting runs and after it, until approval. */
export const minutesWritable = (state: MeetingState, minutes: MinutesState): boolean =>
  (state === 'in_progress' || state === 'closed') && minutes !== 'approved';

/** Minutes approved at a later sitting: the earlier meeting must be closed with minutes sent for remarks. */
export function approvalRefusal(target: { state: MeetingState; minutesState: MinutesState }, sitting: { state: MeetingState }): Message | null {
  if (sitting.state !== 'in_progress') return msg('groups:error.approveNotInProgress');
  if (target.state !== 'closed') return msg('groups:error.approveNotClosed');
  if (target.minutesState === 'approved') return msg('groups:error.alreadyApproved');
  if (target.minutesState !== 'circulated') return msg('groups:error.approveNotCirculated');
  return null;
}

/** An action's due date is late when it has passed and the action is still open. */
export const isLate = (a: { status: ActionState; dueOn: string | null }, today: string): boolean =>
  OPEN_ACTION_STATES.includes(a.status) && !!a.dueOn && a.dueOn < today;
