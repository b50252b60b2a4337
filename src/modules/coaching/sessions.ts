// Coaching sessions: date, mode (in presenza, online with a link), participants, agenda, minutes
// (verbale) and next steps; the decisions taken create or update plan actions, each change kept in
// the action's history with the session it came from. The next session is offered as ICS.
import { DateTime } from 'luxon';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError } from '../../platform/errors.js';
import { buildCalendar, type ICalCalendar } from '../../platform/ics.js';
import { parseInput } from '../../platform/validation.js';
import { assertCanManageSessions, assertCanSee, canManageSessions } from './policy.js';
import { requireBody } from './assessments.js';
import { createAction, loadPlan, updateAction } from './plan.js';
import { decisionSchema, sessionSchema } from './schemas.js';
import { exec, one, rows } from './sql.js';

export type SessionView = {
  id: number;
  entityId: number;
  startsAt: Date;
  durationMinutes: number;
  mode: 'presence' | 'online';
  place: string | null;
  link: string | null;
  participants: string | null;
  agenda: string | null;
  minutes: string | null;
  nextSteps: string | null;
  coachName: string | null;
  updatedAt: Date;
};

type SessionRow = { id: number; entity_id: number; starts_at: Date; duration_minutes: number; mode: 'presence' | 'online'; place: string | null; link: string | null; participants: string | null; agenda: string | null; minutes: string | null; next_steps: string | null; coach_name: string | null; updated_at: Date };

const SESSION_SQL = `SELECT s.id, s.entity_id, s.starts_at, s.duration_minutes, s.mode, s.place, s.link, s.participants, s.agenda, s.minutes, s.next_steps,
  COALESCE(NULLIF(u.name, ''), u.email) AS coach_name, s.updated_at FROM coaching_sessions s LEFT JOIN users u ON u.id = s.coach_user_id`;

const view = (r: SessionRow): SessionView => ({
  id: r.id, entityId: r.entity_id, startsAt: r.starts_at, durationMinutes: r.duration_minutes, mode: r.mode, place: r.place, link: r.link, participants: r.participants,
  agenda: r.agenda, minutes: r.minutes, nextSteps: r.next_steps, coachName: r.coach_name, updatedAt: r.updated_at,
});

/** "2026-12-10T10:00" read as a time in Rome. */
export const romeInstant = (local: string): Date => DateTime.fromISO(local, { zone: 'Europe/Rome' }).toJSDate();
export const romeLocal = (d: Date): string => DateTime.fromJSDate(d, { zone: 'Europe/Rome' }).toFormat("yyyy-MM-dd'T'HH:mm");

export async function listSessions(platform: Platform, viewer: Viewer, entityId: number) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const sessions = (await rows<SessionRow>(platform, `${SESSION_SQL} WHERE s.entity_id = :entityId ORDER BY s.starts_at DESC LIMIT 200`, { entityId })).map(view);
  const now = Date.now();
  const next = [...sessions].reverse().find((s) => s.startsAt.getTime() >= now) ?? null;
  return { body, sessions, next, canManage: canManageSessions(viewer) };
}

export async function nextSession(platform: Platform, entityId: number): Promise<SessionView | null> {
  const r = await one<SessionRow>(platform, `${SESSION_SQL} WHERE s.entity_id = :entityId AND s.starts_at >= now() ORDER BY s.starts_at LIMIT 1`, { entityId });
  return r ? view(r) : null;
}

export async function sessionPage(platform: Platform, viewer: Viewer, entityId: number, sessionId: number) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const r = await one<SessionRow>(platform, `${SESSION_SQL} WHERE s.id = :sessionId AND s.entity_id = :entityId`, { sessionId, entityId });
  if (!r) throw new NotFoundError('coaching:error.notFound');
  const decisions = await rows<{ action_id: number; title: string; status: string; progress: number; note: string | null; at: Date }>(
    platform,
    `SELECT e.action_id, x.title, e.status, e.progress, e.note, e.at FROM coaching_action_events e JOIN coaching_actions x ON x.id = e.action_id
      WHERE e.session_id = :sessionId AND x.entity_id = :entityId ORDER BY e.at, e.id`,
    { sessionId, entityId },
  );
  const canManage = canManageSessions(viewer);
  const plan = canManage ? await loadPlan(platform, entityId) : null;
  const actions = plan ? [...plan.goals.flatMap((g) => g.actions), ...plan.loose] : [];
  return { body, session: view(r), decisions, canManage, actions };
}

function sessionValues(d: ReturnType<typeof sessionSchema.parse>) {
  return {
    startsAt: romeInstant(d.startsAt),
    duration: d.durationMinutes ?? 60,
    mode: d.mode,
    place: d.mode === 'presence' ? d.place : null,
    link: d.mode === 'online' ? d.link : null,
    participants: d.participants,
    agenda: d.agenda,
    minutes: d.minutes,
    nextSteps: d.nextSteps,
  };
}

export async function createSession(platform: Platform, actor: Actor, entityId: number, input: unknown): Promise<number> {
  assertCanManageSessions(actor, entityId);
  const d = parseInput(sessionSchema, input);
  await requireBody(entityId);
  return platform.sequelize.transaction(async (transaction) => {
    const s = await one<{ id: number }>(
      platform,
      `INSERT INTO coaching_sessions (entity_id, starts_at, duration_minutes, mode, place, link, participants, agenda, minutes, next_steps, coach_user_id, created_by)
       VALUES (:entityId, :startsAt, :duration, :mode, :place, :link, :participants, :agenda, :minutes, :nextSteps, :by, :by) RETURNING id`,
      { entityId, ...sessionValues(d), by: actor.userId },
      transaction,
    );
    await platform.audit.record(actor, { action: 'coaching.session.create', subjectType: 'coaching_session', subjectId: s!.id, entityId }, transaction);
    return s!.id;
  });
}

export async function updateSession(platform: Platform, actor: Actor, entityId: number, sessionId: number, input: unknown): Promise<void> {
  assertCanManageSessions(actor, entityId);
  const d = parseInput(sessionSchema, input);
  await platform.sequelize.transaction(async (transaction) => {
    const found = await one(platform, `SELECT 1 FROM coaching_sessions WHERE id = :sessionId AND entity_id = :entityId FOR UPDATE`, { sessionId, entityId }, transaction);
    if (!found) throw new NotFoundError('coaching:error.notFound');
    await exec(
      platform,
      `UPDATE coaching_sessions SET starts_at = :startsAt, duration_minutes = :duration, mode = :mode, place = :place, link = :link, participants = :participants,
              agenda = :agenda, minutes = :minutes, next_steps = :nextSteps, updated_at = now() WHERE id = :sessionId`,
      { sessionId, ...sessionValues(d) },
      transaction,
    );
    await platform.audit.record(actor, { action: 'coaching.session.update', subjectType: 'coaching_session', subjectId: sessionId, entityId }, transaction);
  });
}

export async function sessionForEdit(platform: Platform, viewer: Viewer, entityId: number, sessionId: number): Promise<SessionView> {
  assertCanManageSessions(viewer, entityId);
  const r = await one<SessionRow>(platform, `${SESSION_SQL} WHERE s.id = :sessionId AND s.entity_id = :entityId`, { sessionId, entityId });
  if (!r) throw new NotFoundError('coaching:error.notFound');
  return view(r);
}

/** A decision of the session: an existing action's new status and %, or a new action (title, due day). */
export async function recordDecision(platform: Platform, actor: Actor, entityId: number, sessionId: number, input: unknown): Promise<void> {
  assertCanManageSessions(actor, entityId);
  const d = parseInput(decisionSchema, input);
  const session = await one(platform, `SELECT 1 FROM coaching_sessions WHERE id = :sessionId AND entity_id = :entityId`, { sessionId, entityId });
  if (!session) throw new NotFoundError('coaching:error.notFound');
  if (d.actionId === null) {
    const id = await createAction(platform, actor, entityId, { title: d.newTitle ?? '', dueOn: d.dueOn ?? '', status: d.status, progress: d.progress === null ? '' : String(d.progress), note: d.note ?? '' });
    await exec(platform, `UPDATE coaching_action_events SET session_id = :sessionId WHERE action_id = :id`, { sessionId, id });
    return;
  }
  const action = await one<{ goal_id: number | null; title: string; owner_user_id: number | null; due_on: string | null }>(
    platform,
    `SELECT goal_id, title, owner_user_id, due_on FROM coaching_actions WHERE id = :id AND entity_id = :entityId`,
    { id: d.actionId, entityId },
  );
  if (!action) throw new NotFoundError('coaching:error.notFound');
  await updateAction(
    platform,
    actor,
    entityId,
    d.actionId,
    {
      title: action.title,
      goalId: action.goal_id === null ? '' : String(action.goal_id),
      ownerId: action.owner_user_id === null ? '' : String(action.owner_user_id),
      dueOn: d.dueOn ?? action.due_on ?? '',
      status: d.status,
      progress: d.progress === null ? '' : String(d.progress),
      note: d.note ?? '',
    },
    sessionId,
  );
}

export function sessionCalendar(bodyName: string, s: SessionView, title: string, url: string): ICalCalendar {
  return buildCalendar(
    [{ uid: `coaching-session-${s.id}@cithub`, title, date: s.startsAt, allDay: false, description: [s.agenda, s.mode === 'online' ? s.link : s.place].filter(Boolean).join('\n\n'), url, updatedAt: s.updatedAt }],
    { name: bodyName, prodId: '//CIT Hub//Affiancamento RTD//IT', timeZone: 'Europe/Rome' },
  );
}
