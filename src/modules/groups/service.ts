// The rules of working groups: groups and members, meetings and their agenda, convocation and
// answers, attendance and minutes, decisions and actions. No req/res; every write parses its input
// with the area's schema first, checks the policy, and throws the typed errors.
import { QueryTypes, type Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { formatters } from '../../platform/format.js';
import { messageTranslator } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findPersonByEmail } from '../accounts/index.js';
import { findBodies } from '../entities/index.js';
import { meetingCancellation, meetingInvitation } from './calendar.js';
import {
  canCreateGroups,
  canManageGroup,
  canProposeItem,
  canRemark,
  canSeeDraftMinutes,
  canSeeGroup,
  canSeeMeeting,
  canUpdateAction,
  type Standing,
} from './policy.js';
import {
  actionSchema,
  actionStatusSchema,
  answerSchema,
  correctionSchema,
  decisionSchema,
  groupSchema,
  guestSchema,
  itemSchema,
  meetingSchema,
  memberSchema,
  notesSchema,
  remarkSchema,
  summarySchema,
} from './schemas.js';
import {
  agendaOpen,
  approvalRefusal,
  cancelRefusal,
  closeRefusal,
  conveneRefusal,
  minutesWritable,
  startRefusal,
  type ActionState,
  type Answer,
  type Attendance,
  type GroupKind,
  type MeetingState,
  type MemberRole,
  type MinutesState,
  type Visibility,
} from './states.js';

export const RSVP_PURPOSE = 'groups_rsvp';
/** Agenda items are the meeting's record, written in Italian like the rest of the minutes. */
const italian = messageTranslator('it');

type Replacements = Record<string, unknown>;
async function q<T extends object>(platform: Platform, sql: string, replacements: Replacements = {}, transaction?: Transaction): Promise<T[]> {
  return platform.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
}
async function exec(platform: Platform, sql: string, replacements: Replacements = {}, transaction?: Transaction): Promise<void> {
  await platform.sequelize.query(sql, { replacements, transaction });
}

// ---- groups ----

export type GroupRow = { id: number; name: string; kind: GroupKind; purpose: string | null; visibility: Visibility; archived: boolean };
export type MemberRow = { id: number; user_id: number; name: string; email: string; role: MemberRole; entity_id: number | null; entity_name: string | null };

async function groupRow(platform: Platform, id: number, transaction?: Transaction): Promise<GroupRow | null> {
  if (id <= 0) return null;
  const [g] = await q<GroupRow>(platform, 'SELECT id, name, kind, purpose, visibility, archived FROM groups_groups WHERE id = :id', { id }, transaction);
  return g ?? null;
}

async function standingIn(platform: Platform, viewer: Viewer, group: GroupRow, transaction?: Transaction): Promise<Standing> {
  if (!viewer) return { memberRole: null, visibility: group.visibility, adheringBody: false };
  const [row] = await q<{ role: MemberRole | null; adhering: boolean }>(
    platform,
    `SELECT (SELECT role FROM groups_members WHERE group_id = :g AND user_id = :u) AS role,
            EXISTS (SELECT 1 FROM entities WHERE id = :e AND membership_status = 'active') AS adhering`,
    { g: group.id, u: viewer.userId, e: viewer.entityId ?? 0 },
    transaction,
  );
  return { memberRole: row.role ?? null, visibility: group.visibility, adheringBody: row.adhering };
}

/** A group the viewer may see, with their standing in it; anyone else gets a 404. */
export async function visibleGroup(platform: Platform, viewer: Viewer, id: number): Promise<{ group: GroupRow; standing: Standing }> {
  const group = await groupRow(platform, id);
  if (!group) throw new NotFoundError('groups:error.notFound');
  const standing = await standingIn(platform, viewer, group);
  if (!canSeeGroup(viewer, standing)) throw new NotFoundError('groups:error.notFound', 'groups.group.read');
  return { group, standing };
}

async function managedGroup(platform: Platform, actor: Actor, id: number, transaction?: Transaction): Promise<{ group: GroupRow; standing: Standing }> {
  const group = await groupRow(platform, id, transaction);
  if (!group) throw new NotFoundError('groups:error.notFound');
  const standing = await standingIn(platform, actor, group, transaction);
  if (!canSeeGroup(actor, standing)) throw new NotFoundError('groups:error.notFound', 'groups.group.manage');
  if (!canManageGroup(actor, standing)) throw new ForbiddenError('groups:error.managersOnly', 'groups.group.manage');
  return { group, standing };
}

export type GroupListRow = GroupRow & { members: number; bodies: number; next_meeting: Date | null; is_member: boolean };

/** The groups the viewer may see: staff all, others theirs and the public ones (body users). */
export async function listGroups(platform: Platform, viewer: Viewer): Promise<GroupListRow[]> {
  if (!viewer) return [];
  const staff = isStaff(viewer);
  const bodyUser = viewer.entityId !== null && !staff;
  return q<GroupListRow>(
    platform,
    `SELECT g.id, g.name, g.kind, g.purpose, g.visibility, g.archived,
            (SELECT count(*)::int FROM groups_members m WHERE m.group_id = g.id) AS members,
            (SELECT count(*)::int FROM groups_bodies b WHERE b.group_id = g.id) AS bodies,
            (SELECT min(starts_at) FROM groups_meetings mt WHERE mt.group_id = g.id AND mt.state IN ('convened','in_progress') AND mt.ends_at > now()) AS next_meeting,
            EXISTS (SELECT 1 FROM groups_members m WHERE m.group_id = g.id AND m.user_id = :user) AS is_member
       FROM groups_groups g
      WHERE NOT g.archived AND (:staff OR EXISTS (SELECT 1 FROM groups_members m WHERE m.group_id = g.id AND m.user_id = :user)
             OR (:bodyUser AND g.visibility = 'public' AND EXISTS (SELECT 1 FROM entities e WHERE e.id = :entity AND e.membership_status = 'active')))
      ORDER BY lower(g.name), g.id
      LIMIT 500`,
    { user: viewer.userId, staff, bodyUser, entity: viewer.entityId ?? 0 },
  );
}

export async function groupBodies(platform: Platform, groupId: number): Promise<Array<{ id: number; name: string }>> {
  return q(platform, 'SELECT e.id, e.name FROM groups_bodies b JOIN entities e ON e.id = b.entity_id WHERE b.group_id = :g ORDER BY e.name, e.id', { g: groupId });
}

export async function groupMembers(platform: Platform, groupId: number, transaction?: Transaction): Promise<MemberRow[]> {
  return q<MemberRow>(
    platform,
    `SELECT m.id, m.user_id, u.name, u.email, m.role, m.entity_id, e.name AS entity_name
       FROM groups_members m JOIN users u ON u.id = m.user_id LEFT JOIN entities e ON e.id = m.entity_id
      WHERE m.group_id = :g
      ORDER BY array_position(ARRAY['coordinator','sponsor','facilitator','referent','secretary','member'], m.role), lower(u.name), m.id`,
    { g: groupId },
    transaction,
  );
}

async function checkBodies(ids: number[]): Promise<void> {
  if (!ids.length) return;
  const found = await findBodies(ids);
  if (found.length !== ids.length) throw new ValidationError({ entityIds: 'groups:error.unknownBody' });
}

export async function createGroup(platform: Platform, actor: Actor, input: unknown): Promise<GroupRow> {
  if (!canCreateGroups(actor)) throw new ForbiddenError('groups:error.staffOnly', 'groups.group.create');
  const data = parseInput(groupSchema, input);
  await checkBodies(data.entityIds);
  return platform.sequelize.transaction(async (t) => {
    const [g] = await q<GroupRow>(
      platform,
      `INSERT INTO groups_groups (name, kind, purpose, visibility, created_by) VALUES (:name, :kind, :purpose, :visibility, :by)
       RETURNING id, name, kind, purpose, visibility, archived`,
      { ...data, by: actor.userId },
      t,
    );
    for (const e of data.entityIds) await exec(platform, 'INSERT INTO groups_bodies (group_id, entity_id) VALUES (:g, :e) ON CONFLICT DO NOTHING', { g: g.id, e }, t);
    await platform.audit.record(actor, { action: 'groups.group.create', subjectType: 'groups_group', subjectId: g.id, details: { name: g.name, kind: g.kind } }, t);
    return g;
  });
}

export async function updateGroup(platform: Platform, actor: Actor, id: number, input: unknown): Promise<void> {
  await managedGroup(platform, actor, id);
  const data = parseInput(groupSchema, input);
  await checkBodies(data.entityIds);
  await platform.sequelize.transaction(async (t) => {
    await exec(platform, 'UPDATE groups_groups SET name = :name, kind = :kind, purpose = :purpose, visibility = :visibility, updated_at = now() WHERE id = :id', { ...data, id }, t);
    // Bodies of current members stay: a body leaves the group with its last member.
    await exec(
      platform,
      `DELETE FROM groups_bodies WHERE group_id = :id AND NOT (entity_id = ANY(ARRAY[:keep]::int[]))
         AND entity_id NOT IN (SELECT entity_id FROM groups_members WHERE group_id = :id AND entity_id IS NOT NULL)`,
      { id, keep: data.entityIds.length ? data.entityIds : [0] },
      t,
    );
    for (const e of data.entityIds) await exec(platform, 'INSERT INTO groups_bodies (group_id, entity_id) VALUES (:g, :e) ON CONFLICT DO NOTHING', { g: id, e }, t);
    await platform.audit.record(actor, { action: 'groups.group.update', subjectType: 'groups_group', subjectId: id, details: { name: data.name, visibility: data.visibility } }, t);
  });
}

export async function addMember(platform: Platform, actor: Actor, groupId: number, input: unknown): Promise<void> {
  await managedGroup(platform, actor, groupId);
  const data = parseInput(memberSchema, input);
  const person = await findPersonByEmail(data.email);
  if (!person || person.status !== 'active') throw new ValidationError({ email: 'groups:error.unknownUser' });
  // A sponsor is a mayor or an assessor: someone of a body, not the centre's staff.
  if (data.role === 'sponsor' && person.entityId === null) throw new ValidationError({ role: 'groups:error.sponsorNeedsBody' });
  await platform.sequelize.transaction(async (t) => {
    const [existing] = await q<{ id: number }>(platform, 'SELECT id FROM groups_members WHERE group_id = :g AND user_id = :u', { g: groupId, u: person.id }, t);
    if (existing) throw new ConflictError('groups:error.alreadyMember', 'email');
    await exec(platform, 'INSERT INTO groups_members (group_id, user_id, role, entity_id) VALUES (:g, :u, :role, :e)', { g: groupId, u: person.id, role: data.role, e: person.entityId }, t);
    if (person.entityId !== null) await exec(platform, 'INSERT INTO groups_bodies (group_id, entity_id) VALUES (:g, :e) ON CONFLICT DO NOTHING', { g: groupId, e: person.entityId }, t);
    await platform.audit.record(actor, { action: 'groups.member.add', subjectType: 'groups_group', subjectId: groupId, entityId: person.entityId, details: { userId: person.id, role: data.role } }, t);
  });
}

export async function removeMember(platform: Platform, actor: Actor, groupId: number, memberId: number): Promise<void> {
  await managedGroup(platform, actor, groupId);
  await platform.sequelize.transaction(async (t) => {
    const [m] = await q<{ user_id: number }>(platform, 'DELETE FROM groups_members WHERE id = :id AND group_id = :g RETURNING user_id', { id: memberId, g: groupId }, t);
    if (!m) throw new NotFoundError('groups:error.memberNotFound');
    await platform.audit.record(actor, { action: 'groups.member.remove', subjectType: 'groups_group', subjectId: groupId, details: { userId: m.user_id } }, t);
  });
}

// ---- meetings ----

export type MeetingRow = {
  id: number;
  group_id: number;
  title: string;
  starts_at: Date;
  ends_at: Date;
  place: string | null;
  link: string | null;
  state: MeetingState;
  sequence: number;
  minutes_state: MinutesState;
  minutes_version: number;
  minutes_notes: string | null;
  correction_note: string | null;
  absent_reminded_at: Date | null;
  convened_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
};
const MEETING_COLUMNS = 'id, group_id, title, starts_at, ends_at, place, link, state, sequence, minutes_state, minutes_version, minutes_notes, correction_note, absent_reminded_at, convened_at, closed_at, updated_at';

async function meetingRow(platform: Platform, id: number, transaction?: Transaction, lock = false): Promise<MeetingRow | null> {
  if (id <= 0) return null;
  const [m] = await q<MeetingRow>(platform, `SELECT ${MEETING_COLUMNS} FROM groups_meetings WHERE id = :id${lock ? ' FOR UPDATE' : ''}`, { id }, transaction);
  return m ?? null;
}

export type MeetingAccess = { meeting: MeetingRow; group: GroupRow; standing: Standing; guestParticipantId: number | null; manage: boolean };

/**
 * A meeting the viewer may see: a member's or a public reader's, or a guest's through the invitation
 * kept in their session (`guestParticipantIds`). Anyone else gets a 404, like a missing meeting.
 */
export async function meetingAccess(platform: Platform, viewer: Viewer, id: number, guestParticipantIds: readonly number[] = [], transaction?: Transaction): Promise<MeetingAccess> {
  const meeting = await meetingRow(platform, id, transaction);
  if (!meeting) throw new NotFoundError('groups:error.meetingNotFound');
  const group = (await groupRow(platform, meeting.group_id, transaction))!;
  const standing = await standingIn(platform, viewer, group, transaction);
  let guestParticipantId: number | null = null;
  if (guestParticipantIds.length) {
    const [p] = await q<{ id: number }>(platform, 'SELECT id FROM groups_participants WHERE meeting_id = :m AND guest AND id IN (:ids) LIMIT 1', { m: id, ids: [...guestParticipantIds] }, transaction);
    guestParticipantId = p?.id ?? null;
  }
  if (!canSeeMeeting(viewer, standing, meeting.state, guestParticipantId !== null)) throw new NotFoundError('groups:error.meetingNotFound', 'groups.meeting.read');
  return { meeting, group, standing, guestParticipantId, manage: canManageGroup(viewer, standing) };
}

/** The meeting for who manages it: 404 if not visible, 403 for a participant who does not manage it. */
export async function managedMeeting(platform: Platform, actor: Actor, id: number, transaction?: Transaction): Promise<MeetingAccess> {
  const access = await meetingAccess(platform, actor, id, [], transaction);
  if (!access.manage) throw new ForbiddenError('groups:error.managersOnly', 'groups.meeting.manage');
  return access;
}

export async function groupMeetings(platform: Platform, viewer: Viewer, group: GroupRow, standing: Standing) {
  const drafts = canSeeMeeting(viewer, standing, 'draft', false);
  return q<MeetingRow & { present: number; invited: number }>(
    platform,
    `SELECT ${MEETING_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')},
            (SELECT count(*)::int FROM groups_participants p WHERE p.meeting_id = m.id AND p.attendance = 'present') AS present,
            (SELECT count(*)::int FROM groups_participants p WHERE p.meeting_id = m.id) AS invited
       FROM groups_meetings m WHERE m.group_id = :g AND (:drafts OR m.state <> 'draft')
      ORDER BY m.starts_at DESC, m.id DESC LIMIT 200`,
    { g: group.id, drafts },
  );
}

/** The latest closed meeting before `before` whose minutes are not approved yet: the next sitting approves them. */
async function minutesToApprove(platform: Platform, groupId: number, before: Date, excludeId: number, transaction?: Transaction): Promise<MeetingRow | null> {
  const [m] = await q<MeetingRow>(
    platform,
    `SELECT ${MEETING_COLUMNS} FROM groups_meetings WHERE group_id = :g AND id <> :x AND state = 'closed' AND minutes_state <> 'approved' AND starts_at < :before
      ORDER BY starts_at DESC, id DESC LIMIT 1`,
    { g: groupId, x: excludeId, before },
    transaction,
  );
  return m ?? null;
}

async function addApprovalItem(platform: Platform, meetingId: number, target: MeetingRow, transaction: Transaction): Promise<boolean> {
  const [exists] = await q<{ id: number }>(platform, `SELECT id FROM groups_agenda_items WHERE meeting_id = :m AND kind = 'approval' AND approves_meeting_id = :t`, { m: meetingId, t: target.id }, transaction);
  if (exists) return false;
  await exec(
    platform,
    `INSERT INTO groups_agenda_items (meeting_id, position, title, kind, approves_meeting_id, status) VALUES (:m, 0, :title, 'approval', :t, 'accepted')`,
    { m: meetingId, t: target.id, title: italian(msg('groups:agenda.approvalTitle', { title: target.title })) },
    transaction,
  );
  return true;
}

export async function createMeeting(platform: Platform, actor: Actor, groupId: number, input: unknown): Promise<MeetingRow> {
  await managedGroup(platform, actor, groupId);
  const data = parseInput(meetingSchema, input);
  return platform.sequelize.transaction(async (t) => {
    const [m] = await q<MeetingRow>(
      platform,
      `INSERT INTO groups_meetings (group_id, title, starts_at, ends_at, place, link, created_by) VALUES (:g, :title, :startsAt, :endsAt, :place, :link, :by) RETURNING ${MEETING_COLUMNS}`,
      { g: groupId, ...data, by: actor.userId },
      t,
    );
    // The first item of the next sitting: the approval of the previous minutes, when they wait for it.
    const previous = await minutesToApprove(platform, groupId, data.startsAt, m.id, t);
    if (previous) await addApprovalItem(platform, m.id, previous, t);
    await platform.audit.record(actor, { action: 'groups.meeting.create', subjectType: 'groups_meeting', subjectId: m.id, details: { groupId, title: data.title } }, t);
    return m;
  });
}

export async function updateMeeting(platform: Platform, actor: Actor, id: number, input: unknown): Promise<void> {
  const { meeting } = await managedMeeting(platform, actor, id);
  if (!agendaOpen(meeting.state)) throw new ConflictError('groups:error.meetingLocked');
  const data = parseInput(meetingSchema, input);
  await platform.sequelize.transaction(async (t) => {
    await exec(platform, 'UPDATE groups_meetings SET title = :title, starts_at = :startsAt, ends_at = :endsAt, place = :place, link = :link, updated_at = now() WHERE id = :id', { ...data, id }, t);
    await platform.audit.record(actor, { action: 'groups.meeting.update', subjectType: 'groups_meeting', subjectId: id, details: { title: data.title } }, t);
    // Already convened: the invitees get the change with a new revision of the invitation.
    if (meeting.state === 'convened') await sendConvocations(platform, id, t, true);
  });
}

// ---- agenda ----

export type ItemRow = {
  id: number;
  position: number;
  title: string;
  description: string | null;
  presenter: string | null;
  duration_minutes: number | null;
  kind: 'topic' | 'approval';
  approves_meeting_id: number | null;
  status: 'proposed' | 'accepted' | 'rejected';
  proposed_by: number | null;
  proposer_name: string | null;
  summary: string | null;
};

export async function agendaItems(platform: Platform, meetingId: number, transaction?: Transaction): Promise<ItemRow[]> {
  return q<ItemRow>(
    platform,
    `SELECT i.id, i.position, i.title, i.description, i.presenter, i.duration_minutes, i.kind, i.approves_meeting_id, i.status, i.proposed_by, u.name AS proposer_name, i.summary
       FROM groups_agenda_items i LEFT JOIN users u ON u.id = i.proposed_by
      WHERE i.meeting_id = :m ORDER BY (i.kind = 'approval') DESC, i.position, i.id`,
    { m: meetingId },
    transaction,
  );
}

/** Managers add items to the agenda; members propose them while the meeting is a draft. */
export async function addItem(platform: Platform, actor: Actor, meetingId: number, input: unknown): Promise<'accepted' | 'proposed'> {
  const access = await meetingAccess(platform, actor, meetingId);
  const { meeting, manage, standing } = access;
  if (!manage && !canProposeItem(actor, standing, meeting.state)) {
    if (standing.memberRole !== null) throw new ConflictError('groups:error.proposeOnlyDraft');
    throw new ForbiddenError('groups:error.membersOnly', 'groups.item.propose');
  }
  if (!agendaOpen(meeting.state)) throw new ConflictError('groups:error.meetingLocked');
  const data = parseInput(itemSchema, input);
  const status = manage ? 'accepted' : 'proposed';
  await platform.sequelize.transaction(async (t) => {
    const [{ n }] = await q<{ n: number }>(platform, 'SELECT coalesce(max(position), 0)::int + 1 AS n FROM groups_agenda_items WHERE meeting_id = :m', { m: meetingId }, t);
    await exec(
      platform,
      `INSERT INTO groups_agenda_items (meeting_id, position, title, description, presenter, duration_minutes, status, proposed_by) VALUES (:m, :n, :title, :description, :presenter, :durationMinutes, :status, :by)`,
      { m: meetingId, n, ...data, status, by: actor.userId },
      t,
    );
    await platform.audit.record(actor, { action: `groups.item.${status === 'accepted' ? 'add' : 'propose'}`, subjectType: 'groups_meeting', subjectId: meetingId, details: { title: data.title } }, t);
  });
  return status;
}

export async function decideItem(platform: Platform, actor: Actor, meetingId: number, itemId: number, decision: 'accept' | 'reject' | 'remove'): Promise<void> {
  const { meeting } = await managedMeeting(platform, actor, meetingId);
  if (!agendaOpen(meeting.state)) throw new ConflictError('groups:error.meetingLocked');
  await platform.sequelize.transaction(async (t) => {
    const sql =
      decision === 'remove'
        ? 'DELETE FROM groups_agenda_items WHERE id = :id AND meeting_id = :m RETURNING id'
        : `UPDATE groups_agenda_items SET status = :status, updated_at = now() WHERE id = :id AND meeting_id = :m AND status = 'proposed' RETURNING id`;
    const rows = await q<{ id: number }>(platform, sql, { id: itemId, m: meetingId, status: decision === 'accept' ? 'accepted' : 'rejected' }, t);
    if (!rows.length) throw new NotFoundError('groups:error.itemNotFound');
    await platform.audit.record(actor, { action: `groups.item.${decision}`, subjectType: 'groups_meeting', subjectId: meetingId, details: { itemId } }, t);
  });
}

// ---- participants and convocation ----

export type ParticipantRow = {
  id: number;
  user_id: number | null;
  entity_id: number | null;
  entity_name: string | null;
  role: string | null;
  name: string;
  email: string;
  organisation: string | null;
  guest: boolean;
  answer: Answer | null;
  answered_at: Date | null;
  attendance: Attendance | null;
};

export async function participants(platform: Platform, meetingId: number, transaction?: Transaction): Promise<ParticipantRow[]> {
  return q<ParticipantRow>(
    platform,
    `SELECT p.id, p.user_id, p.entity_id, e.name AS entity_name, p.role, p.name, p.email, p.organisation, p.guest, p.answer, p.answered_at, p.attendance
       FROM groups_participants p LEFT JOIN entities e ON e.id = p.entity_id
      WHERE p.meeting_id = :m ORDER BY p.guest, lower(coalesce(e.name, '')), lower(p.name), p.id`,
    { m: meetingId },
    transaction,
  );
}

export async function addGuest(platform: Platform, actor: Actor, meetingId: number, input: unknown): Promise<void> {
  const { meeting } = await managedMeeting(platform, actor, meetingId);
  if (!agendaOpen(meeting.state)) throw new ConflictError('groups:error.meetingLocked');
  const data = parseInput(guestSchema, input);
  await platform.sequelize.transaction(async (t) => {
    const [dup] = await q<{ id: number }>(platform, 'SELECT id FROM groups_participants WHERE meeting_id = :m AND lower(email) = lower(:email)', { m: meetingId, email: data.email }, t);
    if (dup) throw new ConflictError('groups:error.alreadyInvited', 'email');
    const [p] = await q<{ id: number }>(
      platform,
      `INSERT INTO groups_participants (meeting_id, name, email, organisation, guest, role) VALUES (:m, :name, :email, :organisation, true, 'guest') RETURNING id`,
      { m: meetingId, ...data },
      t,
    );
    await platform.audit.record(actor, { action: 'groups.guest.invite', subjectType: 'groups_meeting', subjectId: meetingId, details: { participantId: p.id, email: data.email } }, t);
    // Invited after the convocation: the guest gets it now.
    if (meeting.state === 'convened') await sendConvocations(platform, meetingId, t, false, [p.id]);
  });
}

/** The members who are not yet on the list of a meeting's participants join it (at the convocation). */
async function inviteMembers(platform: Platform, meetingId: number, groupId: number, transaction: Transaction): Promise<void> {
  await exec(
    platform,
    `INSERT INTO groups_participants (meeting_id, user_id, entity_id, role, name, email)
     SELECT :m, u.id, coalesce(m.entity_id, u.entity_id), m.role, coalesce(nullif(u.name, ''), u.email), u.email
       FROM groups_members m JOIN users u ON u.id = m.user_id
      WHERE m.group_id = :g AND u.status = 'active'
     ON CONFLICT (meeting_id, lower(email)) DO NOTHING`,
    { m: meetingId, g: groupId },
    transaction,
  );
}

export type MeetingCalendarData = { meeting: MeetingRow; group: GroupRow; items: ItemRow[]; people: ParticipantRow[] };

async function sendConvocations(platform: Platform, meetingId: number, t: Transaction, update: boolean, only?: number[]): Promise<void> {
  if (update) await exec(platform, 'UPDATE groups_meetings SET sequence = sequence + 1 WHERE id = :id', { id: meetingId }, t);
  const meeting = (await meetingRow(platform, meetingId, t))!;
  const group = (await groupRow(platform, meeting.group_id, t))!;
  const items = (await agendaItems(platform, meetingId, t)).filter((i) => i.status === 'accepted');
  const people = await participants(platform, meetingId, t);
  const carried = await openActionsOf(platform, group.id, meetingId, t);
  const ttlMs = Math.max(meeting.ends_at.getTime() - Date.now(), 0) + 7 * 86_400_000;
  for (const p of people) {
    if (only && !only.includes(p.id)) continue;
    const { token } = await platform.tokens.issue({ purpose: RSVP_PURPOSE, subjectId: p.id, ttlMs, replace: true }, t);
    const ics = meetingInvitation(platform, { meeting, group, items }, p).toString();
    await platform.mail.send(
      {
        to: p.email,
        subject: msg(update ? 'groups:mail.updatedSubject' : 'groups:mail.convocationSubject', { group: group.name, title: meeting.title }),
        template: 'groups-convocation',
        data: { meeting, group, items, carried, when: formatters.dateTime(meeting.starts_at), until: formatters.dateTime(meeting.ends_at).slice(-5), name: p.name, guest: p.guest, update, rsvpUrl: `${platform.config.baseUrl}/tavoli/invito/${token}`, meetingUrl: `${platform.config.baseUrl}/tavoli/sedute/${meeting.id}` },
        attachments: [{ filename: 'convocazione.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: ics }],
      },
      t,
    );
  }
}

export async function conveneMeeting(platform: Platform, actor: Actor, id: number, now = new Date()): Promise<number> {
  await managedMeeting(platform, actor, id);
  return platform.sequelize.transaction(async (t) => {
    const meeting = (await meetingRow(platform, id, t, true))!;
    const items = (await agendaItems(platform, id, t)).filter((i) => i.status === 'accepted');
    const refusal = conveneRefusal({ state: meeting.state, startsAt: meeting.starts_at, endsAt: meeting.ends_at, agendaItems: items.length }, now);
    if (refusal) throw new ConflictError(refusal);
    await exec(platform, `UPDATE groups_meetings SET state = 'convened', convened_at = now(), updated_at = now() WHERE id = :id`, { id }, t);
    await inviteMembers(platform, id, meeting.group_id, t);
    await sendConvocations(platform, id, t, false);
    const [{ n }] = await q<{ n: number }>(platform, 'SELECT count(*)::int AS n FROM groups_participants WHERE meeting_id = :id', { id }, t);
    await platform.audit.record(actor, { action: 'groups.meeting.convene', subjectType: 'groups_meeting', subjectId: id, details: { invited: n } }, t);
    return n;
  });
}

export async function startMeeting(platform: Platform, actor: Actor, id: number, now = new Date()): Promise<void> {
  await managedMeeting(platform, actor, id);
  await platform.sequelize.transaction(async (t) => {
    const meeting = (await meetingRow(platform, id, t, true))!;
    const refusal = startRefusal({ state: meeting.state, startsAt: meeting.starts_at, endsAt: meeting.ends_at, agendaItems: 1 }, now);
    if (refusal) throw new ConflictError(refusal);
    await exec(platform, `UPDATE groups_meetings SET state = 'in_progress', started_at = now(), updated_at = now() WHERE id = :id`, { id }, t);
    await platform.audit.record(actor, { action: 'groups.meeting.start', subjectType: 'groups_meeting', subjectId: id }, t);
  });
}

export async function closeMeeting(platform: Platform, actor: Actor, id: number): Promise<void> {
  await managedMeeting(platform, actor, id);
  await platform.sequelize.transaction(async (t) => {
    const meeting = (await meetingRow(platform, id, t, true))!;
    const refusal = closeRefusal(meeting);
    if (refusal) throw new ConflictError(refusal);
    // Whoever was not marked is recorded absent: the register is complete when the sitting ends.
    await exec(platform, `UPDATE groups_participants SET attendance = 'absent' WHERE meeting_id = :id AND attendance IS NULL`, { id }, t);
    await exec(platform, `UPDATE groups_meetings SET state = 'closed', closed_at = now(), minutes_state = CASE WHEN minutes_state = 'none' THEN 'draft' ELSE minutes_state END, updated_at = now() WHERE id = :id`, { id }, t);
    await platform.audit.record(actor, { action: 'groups.meeting.close', subjectType: 'groups_meeting', subjectId: id }, t);
  });
}

/**
 * A sitting called off before it starts. Once convened, everyone invited gets the cancellation with
 * an iTIP CANCEL of the same event (same UID, higher SEQUENCE); their answer links stop working.
 */
export async function cancelMeeting(platform: Platform, actor: Actor, id: number): Promise<number> {
  await managedMeeting(platform, actor, id);
  return platform.sequelize.transaction(async (t) => {
    const meeting = (await meetingRow(platform, id, t, true))!;
    const refusal = cancelRefusal(meeting);
    if (refusal) throw new ConflictError(refusal);
    const wasConvened = meeting.state === 'convened';
    await exec(platform, `UPDATE groups_meetings SET state = 'cancelled', sequence = sequence + CASE WHEN :convened THEN 1 ELSE 0 END, updated_at = now() WHERE id = :id`, { id, convened: wasConvened }, t);
    let sent = 0;
    if (wasConvened) {
      const cancelled = (await meetingRow(platform, id, t))!;
      const group = (await groupRow(platform, cancelled.group_id, t))!;
      const items = (await agendaItems(platform, id, t)).filter((i) => i.status === 'accepted');
      const people = await participants(platform, id, t);
      if (people.length) await platform.tokens.revokeAll(RSVP_PURPOSE, people.map((p) => p.id), t);
      for (const p of people) {
        const ics = meetingCancellation(platform, { meeting: cancelled, group, items }, p).toString();
        await platform.mail.send(
          {
            to: p.email,
            subject: msg('groups:mail.cancelledSubject', { group: group.name, title: cancelled.title }),
            template: 'groups-cancelled',
            data: { meeting: cancelled, group, when: formatters.dateTime(cancelled.starts_at), name: p.name, guest: p.guest, meetingUrl: `${platform.config.baseUrl}/tavoli/sedute/${id}` },
            attachments: [{ filename: 'annullamento.ics', contentType: 'text/calendar; charset=utf-8; method=CANCEL', content: ics }],
          },
          t,
        );
        sent++;
      }
    }
    await platform.audit.record(actor, { action: 'groups.meeting.cancel', subjectType: 'groups_meeting', subjectId: id, details: { notified: sent } }, t);
    return sent;
  });
}

// ---- answers (RSVP) ----

export type Invitation = { participant: ParticipantRow; meeting: MeetingRow; group: GroupRow };

const LINK_MESSAGES = { invalid: 'groups:rsvp.invalid', used: 'groups:rsvp.used', expired: 'groups:rsvp.expired', revoked: 'groups:rsvp.revoked' };

async function invitationOf(platform: Platform, participantId: number, viewer: Viewer, transaction?: Transaction): Promise<Invitation> {
  const [participant] = await q<ParticipantRow & { meeting_id: number }>(
    platform,
    `SELECT p.*, e.name AS entity_name FROM groups_participants p LEFT JOIN entities e ON e.id = p.entity_id WHERE p.id = :id`,
    { id: participantId },
    transaction,
  );
  if (!participant) throw new NotFoundError(LINK_MESSAGES.invalid);
  // A link of someone else, opened while signed in as another person, answers nothing.
  if (viewer && participant.user_id !== null && participant.user_id !== viewer.userId) throw new ForbiddenError('groups:rsvp.otherPerson', 'groups.rsvp.other-person');
  const meeting = (await meetingRow(platform, participant.meeting_id, transaction))!;
  const group = (await groupRow(platform, meeting.group_id, transaction))!;
  return { participant, meeting, group };
}

/** The invitation behind an emailed link, without using it (the page with the two answers). */
export async function checkInvitation(platform: Platform, viewer: Viewer, token: unknown): Promise<Invitation> {
  const record = await platform.tokens.check(RSVP_PURPOSE, token, LINK_MESSAGES);
  return invitationOf(platform, record.subjectId, viewer);
}

const answerable = (state: MeetingState) => state === 'convened' || state === 'in_progress';

async function recordAnswer(platform: Platform, viewer: Viewer, inv: Invitation, answer: Answer, t: Transaction): Promise<void> {
  if (!answerable(inv.meeting.state)) throw new ConflictError('groups:error.answerClosed');
  await exec(platform, 'UPDATE groups_participants SET answer = :answer, answered_at = now() WHERE id = :id', { answer, id: inv.participant.id }, t);
  await platform.audit.record(viewer, { action: 'groups.rsvp', subjectType: 'groups_meeting', subjectId: inv.meeting.id, entityId: inv.participant.entity_id, email: inv.participant.email, details: { participantId: inv.participant.id, answer } }, t);
}

/** The answer from the emailed link: uses the link, once, in the answer's transaction. */
export async function answerByLink(platform: Platform, viewer: Viewer, token: unknown, input: unknown): Promise<Invitation & { answer: Answer }> {
  const { answer } = parseInput(answerSchema, input);
  return platform.sequelize.transaction(async (t) => {
    const record = await platform.tokens.consume(RSVP_PURPOSE, token, LINK_MESSAGES, t);
    const inv = await invitationOf(platform, record.subjectId, viewer, t);
    await recordAnswer(platform, viewer, inv, answer, t);
    return { ...inv, answer };
  });
}

/** The answer from the meeting's page: the signed-in participant, or the guest of this session. */
export async function answerOnPage(platform: Platform, viewer: Viewer, meetingId: number, guestParticipantIds: readonly number[], input: unknown): Promise<Answer> {
  const access = await meetingAccess(platform, viewer, meetingId, guestParticipantIds);
  const { answer } = parseInput(answerSchema, input);
  await platform.sequelize.transaction(async (t) => {
    const mine = await myParticipant(platform, viewer, access, t);
    if (!mine) throw new ForbiddenError('groups:error.notInvited', 'groups.rsvp.not-invited');
    await recordAnswer(platform, viewer, { participant: mine, meeting: access.meeting, group: access.group }, answer, t);
  });
  return answer;
}

async function myParticipant(platform: Platform, viewer: Viewer, access: MeetingAccess, transaction?: Transaction): Promise<ParticipantRow | null> {
  const rows = await participants(platform, access.meeting.id, transaction);
  if (access.guestParticipantId !== null) return rows.find((p) => p.id === access.guestParticipantId) ?? null;
  return viewer ? rows.find((p) => p.user_id === viewer.userId) ?? null : null;
}

/** The participant ids an invitation link grants to a guest's session (members use their login). */
export function guestGrant(inv: Invitation): number | null {
  return inv.participant.guest ? inv.participant.id : null;
}

// ---- attendance and minutes ----

async function writableMinutes(platform: Platform, actor: Actor, meetingId: number): Promise<MeetingAccess> {
  const access = await managedMeeting(platform, actor, meetingId);
  if (access.meeting.minutes_state === 'approved') throw new ConflictError('groups:error.minutesFrozen');
  if (!minutesWritable(access.meeting.state, access.meeting.minutes_state)) throw new ConflictError('groups:error.minutesNotYet');
  return access;
}

/** `input` maps `att_<participantId>` to present / absent / excused. */
export async function recordAttendance(platform: Platform, actor: Actor, meetingId: number, input: Record<string, unknown>): Promise<number> {
  await writableMinutes(platform, actor, meetingId);
  const people = await participants(platform, meetingId);
  const values: Array<{ id: number; value: Attendance | null }> = [];
  const fields: Record<string, string> = {};
  for (const p of people) {
    const v = input[`att_${p.id}`];
    if (v === undefined || v === '') continue;
    if (v !== 'present' && v !== 'absent' && v !== 'excused') fields[`att_${p.id}`] = 'groups:error.chooseAttendance';
    else values.push({ id: p.id, value: v });
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  await platform.sequelize.transaction(async (t) => {
    for (const v of values) await exec(platform, 'UPDATE groups_participants SET attendance = :value WHERE id = :id AND meeting_id = :m', { ...v, m: meetingId }, t);
    await exec(platform, `UPDATE groups_meetings SET minutes_state = CASE WHEN minutes_state = 'none' THEN 'draft' ELSE minutes_state END, updated_at = now() WHERE id = :m`, { m: meetingId }, t);
    await platform.audit.record(actor, { action: 'groups.attendance', subjectType: 'groups_meeting', subjectId: meetingId, details: { marked: values.length } }, t);
  });
  return values.length;
}

async function itemOf(platform: Platform, meetingId: number, itemId: number, transaction?: Transaction): Promise<ItemRow> {
  const item = (await agendaItems(platform, meetingId, transaction)).find((i) => i.id === itemId && i.status === 'accepted');
  if (!item) throw new NotFoundError('groups:error.itemNotFound');
  return item;
}

const touchMinutes = (platform: Platform, meetingId: number, t: Transaction) =>
  exec(platform, `UPDATE groups_meetings SET minutes_state = CASE WHEN minutes_state = 'none' THEN 'draft' ELSE minutes_state END, updated_at = now() WHERE id = :m`, { m: meetingId }, t);

export async function saveSummary(platform: Platform, actor: Actor, meetingId: number, itemId: number, input: unknown): Promise<void> {
  await writableMinutes(platform, actor, meetingId);
  await itemOf(platform, meetingId, itemId);
  const { summary } = parseInput(summarySchema, input);
  await platform.sequelize.transaction(async (t) => {
    await exec(platform, 'UPDATE groups_agenda_items SET summary = :summary, updated_at = now() WHERE id = :id', { summary, id: itemId }, t);
    await touchMinutes(platform, meetingId, t);
    await platform.audit.record(actor, { action: 'groups.minutes.summary', subjectType: 'groups_meeting', subjectId: meetingId, details: { itemId } }, t);
  });
}

export async function saveNotes(platform: Platform, actor: Actor, meetingId: number, input: unknown): Promise<void> {
  await writableMinutes(platform, actor, meetingId);
  const { notes } = parseInput(notesSchema, input);
  await platform.sequelize.transaction(async (t) => {
    await exec(platform, 'UPDATE groups_meetings SET minutes_notes = :notes WHERE id = :m', { notes, m: meetingId }, t);
    await touchMinutes(platform, meetingId, t);
    await platform.audit.record(actor, { action: 'groups.minutes.notes', subjectType: 'groups_meeting', subjectId: meetingId }, t);
  });
}

export async function addDecision(platform: Platform, actor: Actor, meetingId: number, itemId: number, input: unknown): Promise<void> {
  await writableMinutes(platform, actor, meetingId);
  await itemOf(platform, meetingId, itemId);
  const { text } = parseInput(decisionSchema, input);
  await platform.sequelize.transaction(async (t) => {
    await exec(platform, 'INSERT INTO groups_decisions (item_id, text) VALUES (:i, :text)', { i: itemId, text }, t);
    await touchMinutes(platform, meetingId, t);
    await platform.audit.record(actor, { action: 'groups.decision.add', subjectType: 'groups_meeting', subjectId: meetingId, details: { itemId } }, t);
  });
}

export async function addAction(platform: Platform, actor: Actor, meetingId: number, itemId: number, input: unknown): Promise<number> {
  const { meeting } = await writableMinutes(platform, actor, meetingId);
  await itemOf(platform, meetingId, itemId);
  const data = parseInput(actionSchema, input);
  const [owner] = await q<{ user_id: number; entity_id: number | null }>(platform, 'SELECT user_id, entity_id FROM groups_members WHERE group_id = :g AND user_id = :u', { g: meeting.group_id, u: data.ownerId });
  if (!owner) throw new ValidationError({ ownerId: 'groups:error.ownerNotMember' });
  return platform.sequelize.transaction(async (t) => {
    const [a] = await q<{ id: number }>(
      platform,
      `INSERT INTO groups_actions (group_id, meeting_id, item_id, owner_user_id, owner_entity_id, title, due_on) VALUES (:g, :m, :i, :u, :e, :title, :dueOn) RETURNING id`,
      { g: meeting.group_id, m: meetingId, i: itemId, u: owner.user_id, e: owner.entity_id, title: data.title, dueOn: data.dueOn },
      t,
    );
    await touchMinutes(platform, meetingId, t);
    await platform.audit.record(actor, { action: 'groups.action.add', subjectType: 'groups_action', subjectId: a.id, entityId: owner.entity_id, details: { meetingId, ownerId: owner.user_id } }, t);
    return a.id;
  });
}

export type DecisionRow = { id: number; item_id: number; text: string };
export type ActionRow = {
  id: number;
  group_id: number;
  meeting_id: number;
  item_id: number | null;
  owner_user_id: number;
  owner_name: string;
  owner_email: string;
  owner_entity_id: number | null;
  owner_entity_name: string | null;
  title: string;
  due_on: string | null;
  status: ActionState;
  link_kind: string | null;
  link_id: number | null;
  link_href: string | null;
  meeting_title: string;
  meeting_starts_at: Date;
  group_name: string;
};

const ACTION_SELECT = `SELECT a.id, a.group_id, a.meeting_id, a.item_id, a.owner_user_id, u.name AS owner_name, u.email AS owner_email, a.owner_entity_id, e.name AS owner_entity_name,
       a.title, a.due_on, a.status, a.link_kind, a.link_id, a.link_href, m.title AS meeting_title, m.starts_at AS meeting_starts_at, g.name AS group_name
  FROM groups_actions a JOIN users u ON u.id = a.owner_user_id LEFT JOIN entities e ON e.id = a.owner_entity_id
  JOIN groups_meetings m ON m.id = a.meeting_id JOIN groups_groups g ON g.id = a.group_id`;

export async function decisionsOf(platform: Platform, meetingId: number, transaction?: Transaction): Promise<DecisionRow[]> {
  return q<DecisionRow>(platform, 'SELECT d.id, d.item_id, d.text FROM groups_decisions d JOIN groups_agenda_items i ON i.id = d.item_id WHERE i.meeting_id = :m ORDER BY d.id', { m: meetingId }, transaction);
}

export async function actionsOfMeeting(platform: Platform, meetingId: number, transaction?: Transaction): Promise<ActionRow[]> {
  return q<ActionRow>(platform, `${ACTION_SELECT} WHERE a.meeting_id = :m ORDER BY a.id`, { m: meetingId }, transaction);
}

/** The group's actions still open from earlier meetings: carried onto the next agenda until done. */
export async function openActionsOf(platform: Platform, groupId: number, exceptMeetingId: number | null, transaction?: Transaction): Promise<ActionRow[]> {
  // For a sitting: the actions of the sittings before it (by start), not of later ones.
  return q<ActionRow>(
    platform,
    `${ACTION_SELECT} WHERE a.group_id = :g AND a.status IN ('open','in_progress')
        AND (:x::int IS NULL OR (a.meeting_id <> :x AND m.starts_at <= (SELECT starts_at FROM groups_meetings WHERE id = :x)))
      ORDER BY a.due_on NULLS LAST, a.id LIMIT 200`,
    { g: groupId, x: exceptMeetingId },
    transaction,
  );
}

export async function actionAccess(platform: Platform, viewer: Viewer, actionId: number): Promise<{ action: ActionRow; access: MeetingAccess }> {
  const [action] = actionId > 0 ? await q<ActionRow>(platform, `${ACTION_SELECT} WHERE a.id = :id`, { id: actionId }) : [];
  if (!action) throw new NotFoundError('groups:error.actionNotFound');
  const access = await meetingAccess(platform, viewer, action.meeting_id).catch((err: unknown) => {
    throw err instanceof NotFoundError ? new NotFoundError('groups:error.actionNotFound', 'groups.action.read') : err;
  });
  if (!canSeeDraftMinutes(viewer, access.standing) && access.meeting.minutes_state !== 'approved') throw new NotFoundError('groups:error.actionNotFound', 'groups.action.read');
  return { action, access };
}

export async function updateActionStatus(platform: Platform, actor: Actor, actionId: number, input: unknown): Promise<ActionRow> {
  const { action, access } = await actionAccess(platform, actor, actionId);
  if (!canUpdateAction(actor, access.standing, action.owner_user_id)) throw new ForbiddenError('groups:error.actionOwnerOnly', 'groups.action.update');
  const { status } = parseInput(actionStatusSchema, input);
  await platform.sequelize.transaction(async (t) => {
    await exec(platform, 'UPDATE groups_actions SET status = :status, updated_at = now() WHERE id = :id', { status, id: actionId }, t);
    await platform.audit.record(actor, { action: 'groups.action.status', subjectType: 'groups_action', subjectId: actionId, entityId: action.owner_entity_id, details: { from: action.status, to: status } }, t);
  });
  return action;
}

/** Records that an action became work in another area (its kind, id and page), once. */
export async function linkAction(platform: Platform, actor: Actor, actionId: number, link: { kind: string; id: number; href: string }): Promise<void> {
  await platform.sequelize.transaction(async (t) => {
    const rows = await q<{ id: number }>(
      platform,
      `UPDATE groups_actions SET link_kind = :kind, link_id = :lid, link_href = :href, status = CASE WHEN status = 'open' THEN 'in_progress' ELSE status END, updated_at = now()
        WHERE id = :id AND link_kind IS NULL RETURNING id`,
      { kind: link.kind, lid: link.id, href: link.href, id: actionId },
      t,
    );
    if (!rows.length) throw new ConflictError('groups:error.alreadyLinked');
    await platform.audit.record(actor, { action: 'groups.action.link', subjectType: 'groups_action', subjectId: actionId, details: link }, t);
  });
}

/** The action about to be turned into work elsewhere: managers only, not yet linked, owner known. */
export async function actionToLink(platform: Platform, actor: Actor, actionId: number): Promise<ActionRow> {
  const { action, access } = await actionAccess(platform, actor, actionId);
  if (!access.manage) throw new ForbiddenError('groups:error.managersOnly', 'groups.action.link');
  if (action.link_kind) throw new ConflictError('groups:error.alreadyLinked');
  return action;
}

// ---- remarks, circulation, approval, correction ----

export type RemarkRow = { id: number; version: number; user_id: number; name: string; kind: 'confirm' | 'comment'; text: string | null; created_at: Date };

export async function remarksOf(platform: Platform, meetingId: number): Promise<RemarkRow[]> {
  return q<RemarkRow>(platform, 'SELECT r.id, r.version, r.user_id, u.name, r.kind, r.text, r.created_at FROM groups_minutes_remarks r JOIN users u ON u.id = r.user_id WHERE r.meeting_id = :m ORDER BY r.id', { m: meetingId });
}

/** The draft minutes go to the members for remarks (each may comment or confirm). */
export async function circulateMinutes(platform: Platform, actor: Actor, meetingId: number): Promise<number> {
  const { meeting, group } = await managedMeeting(platform, actor, meetingId);
  if (meeting.state !== 'closed') throw new ConflictError('groups:error.circulateNotClosed');
  if (meeting.minutes_state === 'approved') throw new ConflictError('groups:error.minutesFrozen');
  return platform.sequelize.transaction(async (t) => {
    await exec(platform, `UPDATE groups_meetings SET minutes_state = 'circulated', updated_at = now() WHERE id = :m`, { m: meetingId }, t);
    const members = await groupMembers(platform, group.id, t);
    for (const m of members) {
      await platform.mail.send(
        {
          to: m.email,
          subject: msg('groups:mail.minutesSubject', { group: group.name, title: meeting.title }),
          template: 'groups-minutes',
          data: { meeting, group, when: formatters.dateTime(meeting.starts_at), name: m.name, version: meeting.minutes_version, meetingUrl: `${platform.config.baseUrl}/tavoli/sedute/${meeting.id}#verbale` },
        },
        t,
      );
    }
    await platform.audit.record(actor, { action: 'groups.minutes.circulate', subjectType: 'groups_meeting', subjectId: meetingId, details: { version: meeting.minutes_version, recipients: members.length } }, t);
    return members.length;
  });
}

export async function addRemark(platform: Platform, actor: Actor, meetingId: number, input: unknown): Promise<'confirm' | 'comment'> {
  const access = await meetingAccess(platform, actor, meetingId);
  if (!canRemark(actor, access.standing)) throw new ForbiddenError('groups:error.membersOnly', 'groups.minutes.remark');
  if (access.meeting.minutes_state === 'approved') throw new ConflictError('groups:error.minutesFrozen');
  if (access.meeting.minutes_state !== 'circulated') throw new ConflictError('groups:error.remarkNotCirculated');
  const data = parseInput(remarkSchema, input);
  await platform.sequelize.transaction(async (t) => {
    if (data.kind === 'confirm') {
      const [done] = await q<{ id: number }>(platform, `SELECT id FROM groups_minutes_remarks WHERE meeting_id = :m AND version = :v AND user_id = :u AND kind = 'confirm'`, { m: meetingId, v: access.meeting.minutes_version, u: actor.userId }, t);
      if (done) throw new ConflictError('groups:error.alreadyConfirmed');
    }
    await exec(platform, 'INSERT INTO groups_minutes_remarks (meeting_id, version, user_id, kind, text) VALUES (:m, :v, :u, :kind, :text)', { m: meetingId, v: access.meeting.minutes_version, u: actor.userId, kind: data.kind, text: data.text }, t);
    await platform.audit.record(actor, { action: `groups.minutes.${data.kind}`, subjectType: 'groups_meeting', subjectId: meetingId, details: { version: access.meeting.minutes_version } }, t);
  });
  return data.kind;
}

export type MinutesContent = {
  group: { name: string; kind: GroupKind };
  meeting: { id: number; title: string; startsAt: string; endsAt: string; place: string | null; link: string | null };
  version: number;
  correctionNote: string | null;
  notes: string | null;
  participants: Array<{ name: string; body: string | null; organisation: string | null; role: string | null; guest: boolean; attendance: Attendance | null }>;
  items: Array<{ title: string; presenter: string | null; summary: string | null; decisions: string[]; actions: Array<{ owner: string; body: string | null; title: string; dueOn: string | null }> }>;
  approvedAt: string | null;
  approvedIn: { id: number; title: string; startsAt: string } | null;
};

/** The minutes as they stand (or as they will be frozen). */
export async function minutesContent(platform: Platform, meeting: MeetingRow, group: GroupRow, transaction?: Transaction): Promise<MinutesContent> {
  // One after the other: inside a transaction they share one connection.
  const people = await participants(platform, meeting.id, transaction);
  const items = await agendaItems(platform, meeting.id, transaction);
  const decisions = await decisionsOf(platform, meeting.id, transaction);
  const actions = await actionsOfMeeting(platform, meeting.id, transaction);
  return {
    group: { name: group.name, kind: group.kind },
    meeting: { id: meeting.id, title: meeting.title, startsAt: meeting.starts_at.toISOString(), endsAt: meeting.ends_at.toISOString(), place: meeting.place, link: meeting.link },
    version: meeting.minutes_version,
    correctionNote: meeting.correction_note,
    notes: meeting.minutes_notes,
    participants: people.map((p) => ({ name: p.name, body: p.entity_name, organisation: p.organisation, role: p.role, guest: p.guest, attendance: p.attendance })),
    items: items
      .filter((i) => i.status === 'accepted')
      .map((i) => ({
        title: i.title,
        presenter: i.presenter,
        summary: i.summary,
        decisions: decisions.filter((d) => d.item_id === i.id).map((d) => d.text),
        actions: actions.filter((a) => a.item_id === i.id).map((a) => ({ owner: a.owner_name, body: a.owner_entity_name, title: a.title, dueOn: a.due_on })),
      })),
    approvedAt: null,
    approvedIn: null,
  };
}

/** At a sitting in progress, its "approvazione del verbale precedente" item approves the earlier minutes: frozen from then on. */
export async function approveMinutes(platform: Platform, actor: Actor, meetingId: number, itemId: number): Promise<MeetingRow> {
  const { meeting: sitting } = await managedMeeting(platform, actor, meetingId);
  const item = await itemOf(platform, meetingId, itemId);
  if (item.kind !== 'approval' || !item.approves_meeting_id) throw new NotFoundError('groups:error.itemNotFound');
  return platform.sequelize.transaction(async (t) => {
    const target = await meetingRow(platform, item.approves_meeting_id!, t, true);
    if (!target || target.group_id !== sitting.group_id) throw new NotFoundError('groups:error.meetingNotFound');
    const refusal = approvalRefusal({ state: target.state, minutesState: target.minutes_state }, sitting);
    if (refusal) throw new ConflictError(refusal);
    const group = (await groupRow(platform, target.group_id, t))!;
    const content = await minutesContent(platform, target, group, t);
    content.approvedAt = new Date().toISOString();
    content.approvedIn = { id: sitting.id, title: sitting.title, startsAt: sitting.starts_at.toISOString() };
    await exec(
      platform,
      `INSERT INTO groups_minutes_versions (meeting_id, version, content, approved_in_meeting_id, approved_by, correction_note) VALUES (:m, :v, :content::jsonb, :s, :by, :note)`,
      { m: target.id, v: target.minutes_version, content: JSON.stringify(content), s: sitting.id, by: actor.userId, note: target.correction_note },
      t,
    );
    await exec(platform, `UPDATE groups_meetings SET minutes_state = 'approved', updated_at = now() WHERE id = :m`, { m: target.id }, t);
    await exec(platform, `UPDATE groups_agenda_items SET summary = coalesce(summary, :done), updated_at = now() WHERE id = :i`, { i: item.id, done: italian(msg('groups:agenda.approvedSummary', { version: target.minutes_version })) }, t);
    await platform.audit.record(actor, { action: 'groups.minutes.approve', subjectType: 'groups_meeting', subjectId: target.id, details: { version: target.minutes_version, sitting: sitting.id } }, t);
    return target;
  });
}

/** A later correction of approved minutes: a new version, again a draft for remarks and approval; the approved one stays as it was. */
export async function correctMinutes(platform: Platform, actor: Actor, meetingId: number, input: unknown): Promise<number> {
  const { meeting } = await managedMeeting(platform, actor, meetingId);
  if (meeting.minutes_state !== 'approved') throw new ConflictError('groups:error.correctNotApproved');
  const { note } = parseInput(correctionSchema, input);
  return platform.sequelize.transaction(async (t) => {
    const [row] = await q<{ minutes_version: number }>(
      platform,
      `UPDATE groups_meetings SET minutes_state = 'draft', minutes_version = minutes_version + 1, correction_note = :note, updated_at = now() WHERE id = :m AND minutes_state = 'approved' RETURNING minutes_version`,
      { m: meetingId, note },
      t,
    );
    if (!row) throw new ConflictError('groups:error.correctNotApproved');
    await platform.audit.record(actor, { action: 'groups.minutes.correct', subjectType: 'groups_meeting', subjectId: meetingId, details: { version: row.minutes_version } }, t);
    return row.minutes_version;
  });
}

export async function addApprovalToAgenda(platform: Platform, actor: Actor, meetingId: number): Promise<void> {
  const { meeting } = await managedMeeting(platform, actor, meetingId);
  if (!agendaOpen(meeting.state) && meeting.state !== 'in_progress') throw new ConflictError('groups:error.meetingLocked');
  const target = await minutesToApprove(platform, meeting.group_id, meeting.starts_at, meeting.id);
  if (!target) throw new ConflictError('groups:error.nothingToApprove');
  await platform.sequelize.transaction(async (t) => {
    if (!(await addApprovalItem(platform, meetingId, target, t))) throw new ConflictError('groups:error.approvalOnAgenda');
    await platform.audit.record(actor, { action: 'groups.item.approval', subjectType: 'groups_meeting', subjectId: meetingId, details: { approves: target.id } }, t);
  });
}

export type VersionRow = { version: number; approved_at: Date; approved_in_meeting_id: number | null; correction_note: string | null };

export async function minutesVersions(platform: Platform, meetingId: number): Promise<VersionRow[]> {
  return q<VersionRow>(platform, 'SELECT version, approved_at, approved_in_meeting_id, correction_note FROM groups_minutes_versions WHERE meeting_id = :m ORDER BY version DESC', { m: meetingId });
}

/** The content of an approved version (the latest by default) for its PDF; whoever sees the meeting reads it. */
export async function approvedMinutes(platform: Platform, viewer: Viewer, meetingId: number, guestIds: readonly number[], version: number | null): Promise<MinutesContent> {
  await meetingAccess(platform, viewer, meetingId, guestIds);
  const [row] = await q<{ content: MinutesContent }>(
    platform,
    `SELECT content FROM groups_minutes_versions WHERE meeting_id = :m AND (:v::int IS NULL OR version = :v) ORDER BY version DESC LIMIT 1`,
    { m: meetingId, v: version },
  );
  if (!row) throw new NotFoundError('groups:error.minutesNotApproved');
  return row.content;
}

// ---- documents ----

export type DocumentRow = { id: number; item_id: number | null; file_id: string; name: string; size: number; mime: string; created_at: Date };

export async function documentsOf(platform: Platform, meetingId: number): Promise<DocumentRow[]> {
  return q<DocumentRow>(
    platform,
    'SELECT d.id, d.item_id, d.file_id, f.original_name AS name, f.size::int AS size, f.mime, d.created_at FROM groups_documents d JOIN stored_files f ON f.id = d.file_id WHERE d.meeting_id = :m ORDER BY d.id',
    { m: meetingId },
  );
}

export async function addDocuments(platform: Platform, actor: Actor, meetingId: number, itemId: number | null, files: Array<{ path: string; originalName: string }>): Promise<number> {
  const { meeting } = await managedMeeting(platform, actor, meetingId);
  if (meeting.state === 'cancelled') throw new ConflictError('groups:error.meetingCancelled');
  if (itemId !== null) await itemOf(platform, meetingId, itemId);
  if (!files.length) throw new ValidationError({ files: 'groups:error.noFile' });
  return platform.sequelize.transaction(async (t) => {
    for (const f of files) {
      const stored = await platform.files.save({ path: f.path, originalName: f.originalName, uploadedBy: actor.userId }, t);
      await exec(platform, 'INSERT INTO groups_documents (meeting_id, item_id, file_id, uploaded_by) VALUES (:m, :i, :f, :by)', { m: meetingId, i: itemId, f: stored.id, by: actor.userId }, t);
    }
    await platform.audit.record(actor, { action: 'groups.document.add', subjectType: 'groups_meeting', subjectId: meetingId, details: { files: files.length } }, t);
    return files.length;
  });
}

export async function documentFor(platform: Platform, viewer: Viewer, meetingId: number, documentId: number, guestIds: readonly number[]): Promise<string> {
  await meetingAccess(platform, viewer, meetingId, guestIds);
  const [d] = await q<{ file_id: string }>(platform, 'SELECT file_id FROM groups_documents WHERE id = :id AND meeting_id = :m', { id: documentId, m: meetingId });
  if (!d) throw new NotFoundError('groups:error.documentNotFound');
  return d.file_id;
}

// ---- the meeting's page ----

export async function meetingPage(platform: Platform, viewer: Viewer, id: number, guestIds: readonly number[]) {
  const access = await meetingAccess(platform, viewer, id, guestIds);
  const { meeting, group, standing, manage } = access;
  const [allItems, people, documents, decisions, actions, carried, remarks, versions, members] = await Promise.all([
    agendaItems(platform, id),
    participants(platform, id),
    documentsOf(platform, id),
    decisionsOf(platform, id),
    actionsOfMeeting(platform, id),
    openActionsOf(platform, group.id, id),
    remarksOf(platform, id),
    minutesVersions(platform, id),
    manage ? groupMembers(platform, group.id) : Promise.resolve([] as MemberRow[]),
  ]);
  const draftMinutes = canSeeDraftMinutes(viewer, standing);
  const items = allItems.filter((i) => i.status === 'accepted' || manage || (viewer && i.proposed_by === viewer.userId));
  const mine = access.guestParticipantId !== null ? people.find((p) => p.id === access.guestParticipantId) ?? null : viewer ? people.find((p) => p.user_id === viewer.userId) ?? null : null;
  const guestView = access.guestParticipantId !== null && !standing.memberRole && !isStaff(viewer);
  const previous = manage && (agendaOpen(meeting.state) || meeting.state === 'in_progress') ? await minutesToApprove(platform, group.id, meeting.starts_at, meeting.id) : null;
  const approvalTargets = new Map<number, MeetingRow>();
  for (const i of items) if (i.kind === 'approval' && i.approves_meeting_id) {
    const target = await meetingRow(platform, i.approves_meeting_id);
    if (target) approvalTargets.set(i.id, target);
  }
  const confirmedByMe = viewer ? remarks.some((r) => r.user_id === viewer.userId && r.version === meeting.minutes_version && r.kind === 'confirm') : false;
  return {
    ...access,
    items,
    people: guestView ? people.filter((p) => p.id === access.guestParticipantId) : people,
    documents,
    decisions,
    actions: draftMinutes || meeting.minutes_state === 'approved' ? actions : [],
    carried: guestView ? [] : carried,
    remarks: draftMinutes ? remarks.filter((r) => r.version === meeting.minutes_version) : [],
    versions,
    members,
    mine,
    guestView,
    draftMinutes,
    showMinutes: meeting.state === 'in_progress' || meeting.state === 'closed',
    canEditMinutes: manage && minutesWritable(meeting.state, meeting.minutes_state),
    canRemark: canRemark(viewer, standing) && meeting.minutes_state === 'circulated',
    confirmedByMe,
    canPropose: !manage && canProposeItem(viewer, standing, meeting.state),
    canAnswer: !!mine && answerable(meeting.state),
    previousToApprove: previous && ![...approvalTargets.values()].some((m) => m.id === previous.id) ? previous : null,
    approvalTargets,
  };
}

// ---- the participation ledger ----

export type LedgerRow = { entity_id: number; name: string; invited: number; attended: number; missed: number };

export async function ledger(platform: Platform, scope: { all: true } | { entityId: number }, year: number): Promise<LedgerRow[]> {
  return q<LedgerRow>(
    platform,
    `SELECT e.id AS entity_id, e.name,
            count(DISTINCT m.id)::int AS invited,
            count(DISTINCT m.id) FILTER (WHERE p.attendance = 'present')::int AS attended,
            (count(DISTINCT m.id) FILTER (WHERE m.state = 'closed') - count(DISTINCT m.id) FILTER (WHERE m.state = 'closed' AND p.attendance = 'present'))::int AS missed
       FROM groups_participants p JOIN groups_meetings m ON m.id = p.meeting_id JOIN entities e ON e.id = p.entity_id
      WHERE m.state IN ('convened','in_progress','closed') AND extract(year FROM m.starts_at AT TIME ZONE 'Europe/Rome') = :year
        AND (:all OR e.id = :entity)
      GROUP BY e.id, e.name ORDER BY e.name, e.id LIMIT 1000`,
    { year, all: 'all' in scope, entity: 'entityId' in scope ? scope.entityId : 0 },
  );
}

export type LedgerMeeting = { meeting_id: number; title: string; group_name: string; starts_at: Date; state: MeetingState; attended: boolean; minutes_state: MinutesState };

export async function bodyLedger(platform: Platform, entityId: number, year: number): Promise<LedgerMeeting[]> {
  return q<LedgerMeeting>(
    platform,
    `SELECT m.id AS meeting_id, m.title, g.name AS group_name, m.starts_at, m.state, m.minutes_state, bool_or(p.attendance = 'present') AS attended
       FROM groups_participants p JOIN groups_meetings m ON m.id = p.meeting_id JOIN groups_groups g ON g.id = m.group_id
      WHERE p.entity_id = :e AND m.state IN ('convened','in_progress','closed') AND extract(year FROM m.starts_at AT TIME ZONE 'Europe/Rome') = :year
      GROUP BY m.id, m.title, g.name, m.starts_at, m.state, m.minutes_state ORDER BY m.starts_at, m.id`,
    { e: entityId, year },
  );
}

/** After a closed meeting: each invited body with nobody present gets the materials of what it missed, once. */
export async function remindAbsentBodies(platform: Platform, actor: Actor, meetingId: number): Promise<number> {
  const { meeting, group } = await managedMeeting(platform, actor, meetingId);
  if (meeting.state !== 'closed') throw new ConflictError('groups:error.remindNotClosed');
  const documents = await documentsOf(platform, meetingId);
  return platform.sequelize.transaction(async (t) => {
    const rows = await q<{ id: number }>(platform, 'UPDATE groups_meetings SET absent_reminded_at = now() WHERE id = :m AND absent_reminded_at IS NULL RETURNING id', { m: meetingId }, t);
    if (!rows.length) throw new ConflictError('groups:error.alreadyReminded');
    const people = await participants(platform, meetingId, t);
    const presentBodies = new Set(people.filter((p) => p.attendance === 'present' && p.entity_id !== null).map((p) => p.entity_id));
    const recipients = people.filter((p) => p.entity_id !== null && !presentBodies.has(p.entity_id));
    for (const p of recipients) {
      await platform.mail.send(
        {
          to: p.email,
          subject: msg('groups:mail.missedSubject', { group: group.name, title: meeting.title }),
          template: 'groups-missed',
          data: { meeting, group, when: formatters.dateTime(meeting.starts_at), name: p.name, body: p.entity_name, documents, meetingUrl: `${platform.config.baseUrl}/tavoli/sedute/${meeting.id}` },
        },
        t,
      );
    }
    await platform.audit.record(actor, { action: 'groups.meeting.remind-absent', subjectType: 'groups_meeting', subjectId: meetingId, details: { recipients: recipients.length, bodies: new Set(recipients.map((r) => r.entity_id)).size } }, t);
    return new Set(recipients.map((r) => r.entity_id)).size;
  });
}

// ---- reminders of actions ----

/** Mails the owners of open actions due within `days` (or late) not reminded in the last week; `ids` scopes a run to those actions. */
export async function sendActionReminders(platform: Platform, opts: { days?: number; ids?: readonly number[] } = {}): Promise<number[]> {
  const days = opts.days ?? 3;
  return platform.sequelize.transaction(async (t) => {
    const due = await q<ActionRow>(
      platform,
      `${ACTION_SELECT} WHERE a.status IN ('open','in_progress') AND a.due_on IS NOT NULL
          AND a.due_on <= (now() AT TIME ZONE 'Europe/Rome')::date + :days
          AND (a.reminded_on IS NULL OR a.reminded_on <= (now() AT TIME ZONE 'Europe/Rome')::date - 7)
          AND (:scoped = false OR a.id IN (:ids))
        ORDER BY a.id LIMIT 500 FOR UPDATE OF a SKIP LOCKED`,
      { days, scoped: !!opts.ids, ids: opts.ids?.length ? [...opts.ids] : [0] },
      t,
    );
    for (const a of due) {
      await platform.mail.send(
        { to: a.owner_email, subject: msg('groups:mail.actionSubject', { title: a.title }), template: 'groups-action-reminder', data: { action: a, due: formatters.date(a.due_on), name: a.owner_name, meetingUrl: `${platform.config.baseUrl}/tavoli/sedute/${a.meeting_id}#azioni` } },
        t,
      );
      await exec(platform, `UPDATE groups_actions SET reminded_on = (now() AT TIME ZONE 'Europe/Rome')::date WHERE id = :id`, { id: a.id }, t);
    }
    return due.map((a) => a.id);
  });
}

// ---- the viewer's meetings (home, calendars) ----

export async function upcomingFor(platform: Platform, viewer: Viewer, limit = 5): Promise<Array<{ id: number; title: string; group_name: string; starts_at: Date; answer: Answer | null }>> {
  if (!viewer) return [];
  return q(
    platform,
    `SELECT m.id, m.title, g.name AS group_name, m.starts_at, p.answer
       FROM groups_participants p JOIN groups_meetings m ON m.id = p.meeting_id JOIN groups_groups g ON g.id = m.group_id
      WHERE p.user_id = :u AND m.state IN ('convened','in_progress') AND m.ends_at > now()
      ORDER BY m.starts_at, m.id LIMIT :limit`,
    { u: viewer.userId, limit },
  );
}

export async function countUpcoming(platform: Platform): Promise<number> {
  const [{ n }] = await q<{ n: number }>(platform, `SELECT count(*)::int AS n FROM groups_meetings WHERE state IN ('convened','in_progress') AND ends_at > now()`);
  return n;
}

/** A body's groups, for its page: staff and the body's users. */
export async function bodyGroups(platform: Platform, entityId: number, year: number) {
  return q<{ id: number; name: string; kind: GroupKind; invited: number; attended: number }>(
    platform,
    `SELECT g.id, g.name, g.kind,
            (SELECT count(DISTINCT m.id)::int FROM groups_meetings m JOIN groups_participants p ON p.meeting_id = m.id WHERE m.group_id = g.id AND p.entity_id = :e AND m.state IN ('convened','in_progress','closed') AND extract(year FROM m.starts_at AT TIME ZONE 'Europe/Rome') = :year) AS invited,
            (SELECT count(DISTINCT m.id)::int FROM groups_meetings m JOIN groups_participants p ON p.meeting_id = m.id WHERE m.group_id = g.id AND p.entity_id = :e AND p.attendance = 'present' AND extract(year FROM m.starts_at AT TIME ZONE 'Europe/Rome') = :year) AS attended
       FROM groups_bodies b JOIN groups_groups g ON g.id = b.group_id
      WHERE b.entity_id = :e AND NOT g.archived ORDER BY lower(g.name), g.id LIMIT 50`,
    { e: entityId, year },
  );
}

export async function calendarData(platform: Platform, meeting: MeetingRow, group: GroupRow): Promise<MeetingCalendarData> {
  const [items, people] = await Promise.all([agendaItems(platform, meeting.id), participants(platform, meeting.id)]);
  return { meeting, group, items: items.filter((i) => i.status === 'accepted'), people };
}

export async function feedMeetings(platform: Platform, groupId: number): Promise<MeetingRow[]> {
  return q<MeetingRow>(platform, `SELECT ${MEETING_COLUMNS} FROM groups_meetings WHERE group_id = :g AND state <> 'draft' ORDER BY starts_at DESC, id DESC LIMIT 500`, { g: groupId });
}
