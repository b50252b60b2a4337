// Cycles and sessions: the staff's forms, the public calendar (list and month), a cycle's and a
// session's page with seats, the viewer's registration and the staff's lists.
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { syllabusCompetences } from '../../platform/vocabulary.js';
import { findPersonByEmail, usersOfBody } from '../accounts/index.js';
import { TrainingCycle, TrainingSession } from './models.js';
import { canSeeCycle, canSeeSessionPrivate, canTakeAttendance, isBodyLead } from './policy.js';
import { cancelSessionRegistrations, waitingPosition, type RegistrationState } from './registrations.js';
import { AUDIENCES, MODES, ZONE, cycleSchema, sessionSchema, type Audience, type Mode } from './schemas.js';

export type CycleView = ReturnType<typeof cycleView>;
export type SessionView = {
  id: number;
  cycleId: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  mode: Mode;
  link: string | null;
  place: string | null;
  capacity: number;
  state: 'scheduled' | 'cancelled';
  speakerUserId: number | null;
  taken: number;
  waiting: number;
  past: boolean;
};

const cycleView = (c: TrainingCycle) => ({
  id: c.id,
  title: c.title,
  description: c.description,
  audience: c.audience,
  competences: c.competences,
  level: c.level,
  hours: c.hours,
  organiser: c.organiser,
  speakers: c.speakers,
  attendancePercent: c.attendancePercent,
  offerHours: c.offerHours,
  seatsPerBody: c.seatsPerBody,
  reservedUntil: c.reservedUntil,
  retentionDays: c.retentionDays,
  state: c.state,
});

export const competenceLabel = (code: string): string => {
  const c = syllabusCompetences().find((x) => x.code === code);
  return c ? `${c.code} ${c.competence}` : code;
};

async function findCycle(viewer: Viewer, id: number): Promise<TrainingCycle> {
  const c = id > 0 ? await TrainingCycle.findByPk(id) : null;
  if (!c || !canSeeCycle(viewer, c.state)) throw new NotFoundError('training:error.notFound');
  return c;
}

export async function getCycle(viewer: Viewer, id: number): Promise<CycleView> {
  return cycleView(await findCycle(viewer, id));
}

export async function createCycle(platform: Platform, actor: Actor, input: unknown): Promise<CycleView> {
  const data = parseInput(cycleSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const c = await TrainingCycle.create({ ...data, createdBy: actor.userId }, { transaction });
    await platform.audit.record(actor, { action: 'training.cycle.create', subjectType: 'training_cycle', subjectId: c.id, details: { title: c.title } }, transaction);
    return cycleView(c);
  });
}

export async function updateCycle(platform: Platform, actor: Actor, id: number, input: unknown): Promise<CycleView> {
  const data = parseInput(cycleSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const c = await TrainingCycle.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!c) throw new NotFoundError('training:error.notFound');
    await c.update(data, { transaction });
    await platform.audit.record(actor, { action: 'training.cycle.update', subjectType: 'training_cycle', subjectId: c.id, details: { title: c.title, state: c.state } }, transaction);
    return cycleView(c);
  });
}

type SessionRow = { id: number; cycle_id: number; title: string; starts_at: Date; duration_minutes: number; mode: Mode; link: string | null; place: string | null; capacity: number; state: 'scheduled' | 'cancelled'; speaker_user_id: number | null; taken: string; waiting: string };

const sessionOf = (r: SessionRow): SessionView => ({
  id: r.id,
  cycleId: r.cycle_id,
  title: r.title,
  startsAt: r.starts_at,
  endsAt: new Date(r.starts_at.getTime() + r.duration_minutes * 60_000),
  durationMinutes: r.duration_minutes,
  mode: r.mode,
  link: r.link,
  place: r.place,
  capacity: r.capacity,
  state: r.state,
  speakerUserId: r.speaker_user_id,
  taken: Number(r.taken),
  waiting: Number(r.waiting),
  past: r.starts_at.getTime() <= Date.now(),
});

const SESSION_SELECT = `SELECT s.id, s.cycle_id, s.title, s.starts_at, s.duration_minutes, s.mode, s.link, s.place, s.capacity, s.state, s.speaker_user_id,
  (SELECT count(*) FROM training_registrations r WHERE r.session_id = s.id AND r.state IN ('confirmed','offered')) AS taken,
  (SELECT count(*) FROM training_registrations r WHERE r.session_id = s.id AND r.state = 'waiting') AS waiting
  FROM training_sessions s`;

export async function sessionsOfCycle(platform: Platform, cycleId: number): Promise<SessionView[]> {
  const rows = await platform.sequelize.query<SessionRow>(`${SESSION_SELECT} WHERE s.cycle_id = :cycleId ORDER BY s.starts_at, s.id`, { replacements: { cycleId }, type: QueryTypes.SELECT });
  return rows.map(sessionOf);
}

async function findSession(platform: Platform, viewer: Viewer, id: number): Promise<{ session: SessionView; cycle: CycleView }> {
  const [row] = id > 0 ? await platform.sequelize.query<SessionRow>(`${SESSION_SELECT} WHERE s.id = :id`, { replacements: { id }, type: QueryTypes.SELECT }) : [];
  if (!row) throw new NotFoundError('training:error.notFound');
  const cycle = await findCycle(viewer, row.cycle_id);
  return { session: sessionOf(row), cycle: cycleView(cycle) };
}

export async function getSession(platform: Platform, viewer: Viewer, id: number) {
  return findSession(platform, viewer, id);
}

export async function createSession(platform: Platform, actor: Actor, cycleId: number, input: unknown): Promise<SessionView> {
  const cycle = await findCycle(actor, cycleId);
  const data = parseInput(sessionSchema, input);
  const speakerUserId = await speakerOf(input);
  const s = await platform.sequelize.transaction(async (transaction) => {
    const created = await TrainingSession.create({ ...data, cycleId: cycle.id, speakerUserId }, { transaction });
    await platform.audit.record(actor, { action: 'training.session.create', subjectType: 'training_session', subjectId: created.id, details: { cycleId: cycle.id, title: created.title } }, transaction);
    return created;
  });
  return (await findSession(platform, actor, s.id)).session;
}

/** The speaker's account (who may take attendance) by email, optional. */
async function speakerOf(input: unknown): Promise<number | null> {
  const email = typeof (input as Record<string, unknown>)?.speakerEmail === 'string' ? ((input as Record<string, unknown>).speakerEmail as string).trim().toLowerCase() : '';
  if (!email) return null;
  const p = await findPersonByEmail(email);
  if (!p) throw new ValidationError({ speakerEmail: 'training:error.speakerUnknown' });
  return p.id;
}

export async function updateSession(platform: Platform, actor: Actor, id: number, input: unknown): Promise<void> {
  const data = parseInput(sessionSchema, input);
  const speakerUserId = await speakerOf(input);
  await platform.sequelize.transaction(async (transaction) => {
    const s = await TrainingSession.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!s) throw new NotFoundError('training:error.notFound');
    const [{ taken }] = await platform.sequelize.query<{ taken: string }>(`SELECT count(*) AS taken FROM training_registrations WHERE session_id = :id AND state IN ('confirmed','offered')`, { replacements: { id }, type: QueryTypes.SELECT, transaction });
    if (data.capacity < Number(taken)) throw new ValidationError({ capacity: msg('training:error.capacityBelowTaken', { taken: Number(taken) }) });
    await s.update({ ...data, speakerUserId }, { transaction });
    await platform.audit.record(actor, { action: 'training.session.update', subjectType: 'training_session', subjectId: s.id, details: { title: s.title, capacity: s.capacity } }, transaction);
  });
}

export async function cancelSession(platform: Platform, actor: Actor, id: number): Promise<number> {
  return platform.sequelize.transaction(async (transaction) => {
    const s = await TrainingSession.findByPk(id, { transaction });
    if (!s) throw new NotFoundError('training:error.notFound');
    const told = await cancelSessionRegistrations(platform, id, transaction);
    await s.update({ state: 'cancelled' }, { transaction });
    await platform.audit.record(actor, { action: 'training.session.cancel', subjectType: 'training_session', subjectId: s.id, details: { registrations: told } }, transaction);
    return told;
  });
}

// ---- The public calendar ----

export type CalendarFilters = { audience: Audience | null; competence: string | null; mode: Mode | null; when: 'upcoming' | 'past'; view: 'list' | 'month'; month: string };

export function parseFilters(query: Record<string, unknown>): CalendarFilters {
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const audience = (AUDIENCES as readonly string[]).includes(str('audience')) ? (str('audience') as Audience) : null;
  const mode = (MODES as readonly string[]).includes(str('mode')) ? (str('mode') as Mode) : null;
  const competence = syllabusCompetences().some((c) => c.code === str('competence')) ? str('competence') : null;
  const now = DateTime.now().setZone(ZONE);
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(str('month')) && Number(str('month').slice(0, 4)) >= 2000 && Number(str('month').slice(0, 4)) <= 2100 ? str('month') : now.toFormat('yyyy-MM');
  return { audience, competence, mode, when: str('when') === 'past' ? 'past' : 'upcoming', view: str('view') === 'month' ? 'month' : 'list', month };
}

export type CalendarItem = SessionView & { cycleTitle: string; audience: Audience; competences: string[] };

export async function calendar(platform: Platform, viewer: Viewer, filters: CalendarFilters, page: { limit: number; offset: number }) {
  const where: string[] = [`(c.state = 'published' OR (c.state = 'draft' AND :staff))`];
  const replacements: Record<string, unknown> = { staff: isStaff(viewer), limit: page.limit, offset: page.offset };
  if (filters.audience) {
    where.push('c.audience = :audience');
    replacements.audience = filters.audience;
  }
  if (filters.mode) {
    where.push('s.mode = :mode');
    replacements.mode = filters.mode;
  }
  if (filters.competence) {
    where.push(':competence = ANY(c.competences)');
    replacements.competence = filters.competence;
  }
  let order = 's.starts_at ASC, s.id ASC';
  let limit = 'LIMIT :limit OFFSET :offset';
  let monthDays: { start: DateTime; end: DateTime } | null = null;
  if (filters.view === 'month') {
    const start = DateTime.fromFormat(filters.month, 'yyyy-MM', { zone: ZONE }).startOf('month');
    monthDays = { start, end: start.plus({ months: 1 }) };
    where.push('s.starts_at >= :from AND s.starts_at < :to');
    replacements.from = start.toJSDate();
    replacements.to = monthDays.end.toJSDate();
    limit = '';
  } else if (filters.when === 'past') {
    where.push('s.starts_at <= now()');
    order = 's.starts_at DESC, s.id DESC';
  } else {
    where.push(`s.starts_at + make_interval(mins => s.duration_minutes) > now()`);
  }
  const base = `FROM training_sessions s JOIN training_cycles c ON c.id = s.cycle_id WHERE ${where.join(' AND ')}`;
  const rows = await platform.sequelize.query<SessionRow & { cycle_title: string; audience: Audience; competences: string[] }>(
    `SELECT s.id, s.cycle_id, s.title, s.starts_at, s.duration_minutes, s.mode, NULL AS link, s.place, s.capacity, s.state, s.speaker_user_id,
            (SELECT count(*) FROM training_registrations r WHERE r.session_id = s.id AND r.state IN ('confirmed','offered')) AS taken,
            (SELECT count(*) FROM training_registrations r WHERE r.session_id = s.id AND r.state = 'waiting') AS waiting,
            c.title AS cycle_title, c.audience, c.competences ${base} ORDER BY ${order} ${limit}`,
    { replacements, type: QueryTypes.SELECT },
  );
  const [{ n }] = await platform.sequelize.query<{ n: string }>(`SELECT count(*) AS n ${base}`, { replacements, type: QueryTypes.SELECT });
  const items: CalendarItem[] = rows.map((r) => ({ ...sessionOf(r), cycleTitle: r.cycle_title, audience: r.audience, competences: r.competences }));
  return { items, total: Number(n), month: monthDays ? monthGrid(monthDays.start, items) : null };
}

/** Weeks (Monday first) of the month, each day with its sessions. */
function monthGrid(start: DateTime, items: CalendarItem[]) {
  const first = start.minus({ days: start.weekday - 1 });
  const weeks: Array<Array<{ day: string; inMonth: boolean; dayNumber: number; items: CalendarItem[] }>> = [];
  for (let d = first; d < start.plus({ months: 1 }) || d.weekday !== 1; d = d.plus({ days: 1 })) {
    if (d.weekday === 1) weeks.push([]);
    const key = d.toISODate()!;
    weeks[weeks.length - 1].push({ day: key, inMonth: d.month === start.month, dayNumber: d.day, items: items.filter((i) => DateTime.fromJSDate(i.startsAt).setZone(ZONE).toISODate() === key) });
  }
  return { weeks, label: start.toISODate()!, prev: start.minus({ months: 1 }).toFormat('yyyy-MM'), next: start.plus({ months: 1 }).toFormat('yyyy-MM') };
}

// ---- Pages ----

export type OwnRegistration = { id: number; state: RegistrationState; position: number | null; offerExpiresAt: Date | null };

async function ownRegistrations(platform: Platform, viewer: Viewer, sessionIds: number[]): Promise<Map<number, OwnRegistration>> {
  const map = new Map<number, OwnRegistration>();
  if (!viewer || !sessionIds.length) return map;
  const rows = await platform.sequelize.query<{ id: number; session_id: number; state: RegistrationState; offer_expires_at: Date | null }>(
    `SELECT id, session_id, state, offer_expires_at FROM training_registrations WHERE user_id = :userId AND session_id IN (:ids) AND state <> 'cancelled'`,
    { replacements: { userId: viewer.userId, ids: sessionIds }, type: QueryTypes.SELECT },
  );
  for (const r of rows) map.set(r.session_id, { id: r.id, state: r.state, offerExpiresAt: r.offer_expires_at, position: r.state === 'waiting' ? await waitingPosition(platform, r.id) : null });
  return map;
}

export async function cyclePage(platform: Platform, viewer: Viewer, id: number) {
  const cycle = cycleView(await findCycle(viewer, id));
  const sessions = await sessionsOfCycle(platform, cycle.id);
  const own = await ownRegistrations(platform, viewer, sessions.map((s) => s.id));
  const totals = isStaff(viewer) ? await cycleTotals(platform, cycle.id) : null;
  return { cycle, sessions, own: Object.fromEntries(own), totals, totalMinutes: sessions.filter((s) => s.state === 'scheduled').reduce((a, s) => a + s.durationMinutes, 0) };
}

export type RegistrationListItem = { id: number; userId: number | null; name: string; email: string | null; bodyName: string | null; entityId: number | null; state: RegistrationState; position: number | null; createdAt: Date; offerExpiresAt: Date | null; attendance: string | null; minutes: number | null };

/** A session's registrations for staff (every one) or a body's lead (their body's). */
export async function sessionRegistrations(platform: Platform, sessionId: number, scope: { entityId?: number } = {}): Promise<RegistrationListItem[]> {
  const rows = await platform.sequelize.query<{ id: number; user_id: number | null; name: string | null; email: string | null; body_name: string | null; entity_id: number | null; state: RegistrationState; created_at: Date; offer_expires_at: Date | null; status: string | null; minutes: number | null; position: string | null }>(
    `SELECT r.id, r.user_id, COALESCE(u.name, r.citizen_name) AS name, COALESCE(u.email, r.citizen_email) AS email, e.name AS body_name, r.entity_id, r.state, r.created_at, r.offer_expires_at,
            a.status, a.minutes,
            CASE WHEN r.state = 'waiting' THEN (SELECT count(*) FROM training_registrations o WHERE o.session_id = r.session_id AND o.state = 'waiting' AND (o.waiting_since, o.id) <= (r.waiting_since, r.id)) END AS position
       FROM training_registrations r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN entities e ON e.id = r.entity_id LEFT JOIN training_attendance a ON a.registration_id = r.id
      WHERE r.session_id = :sessionId ${scope.entityId !== undefined ? 'AND r.entity_id = :entityId' : ''}
      ORDER BY CASE r.state WHEN 'confirmed' THEN 0 WHEN 'offered' THEN 1 WHEN 'waiting' THEN 2 WHEN 'pending' THEN 3 ELSE 4 END, r.waiting_since NULLS FIRST, r.id`,
    { replacements: { sessionId, entityId: scope.entityId ?? null }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id, name: r.name ?? '—', email: r.email, bodyName: r.body_name, entityId: r.entity_id, state: r.state, position: r.position ? Number(r.position) : null, createdAt: r.created_at, offerExpiresAt: r.offer_expires_at, attendance: r.status, minutes: r.minutes }));
}

export async function sessionPage(platform: Platform, viewer: Viewer, id: number) {
  const { session, cycle } = await findSession(platform, viewer, id);
  const own = (await ownRegistrations(platform, viewer, [session.id])).get(session.id) ?? null;
  const seePrivate = canSeeSessionPrivate(viewer, session.speakerUserId, own?.state === 'confirmed');
  const staffList = isStaff(viewer) ? await sessionRegistrations(platform, session.id) : viewer && viewer.entityId !== null && isBodyLead(viewer, viewer.entityId) ? await sessionRegistrations(platform, session.id, { entityId: viewer.entityId }) : null;
  const colleagues = viewer && viewer.entityId !== null && isBodyLead(viewer, viewer.entityId) && !session.past && session.state === 'scheduled' && cycle.audience !== 'citizens' ? (await usersOfBody(viewer.entityId)).filter((u) => u.id !== viewer.userId && u.status === 'active') : [];
  const materials = seePrivate ? await platform.sequelize.query<{ id: number; kind: string; title: string; url: string | null; file_id: string | null }>(`SELECT id, kind, title, url, file_id FROM training_materials WHERE session_id = :id ORDER BY id`, { replacements: { id: session.id }, type: QueryTypes.SELECT }) : [];
  return {
    session: seePrivate ? session : { ...session, link: null },
    cycle,
    own,
    seePrivate,
    staffList,
    colleagues,
    materials,
    canAttendance: canTakeAttendance(viewer, session.speakerUserId),
  };
}

export async function cycleTotals(platform: Platform, cycleId: number) {
  const [t] = await platform.sequelize.query<{ registered: string; waiting: string; present: string; certified: string }>(
    `SELECT (SELECT count(DISTINCT COALESCE(r.user_id::text, r.id::text)) FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id WHERE s.cycle_id = :cycleId AND r.state = 'confirmed') AS registered,
            (SELECT count(*) FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id WHERE s.cycle_id = :cycleId AND r.state = 'waiting') AS waiting,
            (SELECT count(*) FROM training_attendance a JOIN training_sessions s ON s.id = a.session_id WHERE s.cycle_id = :cycleId AND a.status IN ('present','late')) AS present,
            (SELECT count(*) FROM training_certificates c WHERE c.cycle_id = :cycleId AND c.revoked_at IS NULL) AS certified`,
    { replacements: { cycleId }, type: QueryTypes.SELECT },
  );
  const perBody = await platform.sequelize.query<{ name: string; registered: string; certified: string }>(
    `SELECT e.name, count(DISTINCT r.user_id) AS registered,
            (SELECT count(*) FROM training_certificates c WHERE c.cycle_id = :cycleId AND c.entity_id = e.id AND c.revoked_at IS NULL) AS certified
       FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id JOIN entities e ON e.id = r.entity_id
      WHERE s.cycle_id = :cycleId AND r.state = 'confirmed' GROUP BY e.id, e.name ORDER BY e.name`,
    { replacements: { cycleId }, type: QueryTypes.SELECT },
  );
  return { registered: Number(t.registered), waiting: Number(t.waiting), present: Number(t.present), certified: Number(t.certified), perBody: perBody.map((b) => ({ name: b.name, registered: Number(b.registered), certified: Number(b.certified) })) };
}

/** The person's registrations of sessions not ended yet (their page). */
export async function upcomingOfUser(platform: Platform, userId: number) {
  const rows = await platform.sequelize.query<{ id: number; state: RegistrationState; session_id: number; title: string; starts_at: Date; cycle_title: string; offer_expires_at: Date | null }>(
    `SELECT r.id, r.state, s.id AS session_id, s.title, s.starts_at, c.title AS cycle_title, r.offer_expires_at
       FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id JOIN training_cycles c ON c.id = s.cycle_id
      WHERE r.user_id = :userId AND r.state <> 'cancelled' AND s.starts_at + make_interval(mins => s.duration_minutes) > now() ORDER BY s.starts_at, s.id`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  const out = [];
  for (const r of rows) out.push({ id: r.id, state: r.state, sessionId: r.session_id, title: r.title, startsAt: r.starts_at, cycleTitle: r.cycle_title, offerExpiresAt: r.offer_expires_at, position: r.state === 'waiting' ? await waitingPosition(platform, r.id) : null });
  return out;
}

export const vocabulary = { AUDIENCES, MODES, competences: syllabusCompetences, competenceLabel };
