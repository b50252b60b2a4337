// Registrations: seats, the waiting list and its time-limited offers, cancellations, citizens' double
// opt-in. Every allocation runs with the session row locked (SELECT … FOR UPDATE), so two requests
// at once never both take the last seat; every change mails the person through the job queue, in
// the same transaction.
import { QueryTypes, type Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../../platform/errors.js';
import { formattersFor } from '../../platform/format.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findPerson } from '../accounts/index.js';
import { todayInRome } from '../tenders/index.js';
import { canRegisterOthers } from './policy.js';
import { citizenSchema, colleagueSchema } from './schemas.js';

export const OFFER_PURPOSE = 'training_offer';
export const CITIZEN_PURPOSE = 'training_citizen';
const CITIZEN_CONFIRM_HOURS = 48;
const HOUR = 3600_000;

export type RegistrationState = 'pending' | 'confirmed' | 'waiting' | 'offered' | 'cancelled';

type LockedSession = {
  id: number;
  cycle_id: number;
  title: string;
  starts_at: Date;
  duration_minutes: number;
  capacity: number;
  state: string;
  cycle_title: string;
  cycle_state: string;
  audience: string;
  offer_hours: number;
  seats_per_body: number | null;
  reserved_until: string | null;
};

type RegRow = {
  id: number;
  session_id: number;
  user_id: number | null;
  entity_id: number | null;
  citizen_name: string | null;
  citizen_email: string | null;
  state: RegistrationState;
  waiting_since: Date | null;
  offer_expires_at: Date | null;
};

const REG_COLUMNS = 'r.id, r.session_id, r.user_id, r.entity_id, r.citizen_name, r.citizen_email, r.state, r.waiting_since, r.offer_expires_at';

async function lockSession(platform: Platform, sessionId: number, transaction: Transaction): Promise<LockedSession | null> {
  const [row] = await platform.sequelize.query<LockedSession>(
    `SELECT s.id, s.cycle_id, s.title, s.starts_at, s.duration_minutes, s.capacity, s.state, c.title AS cycle_title, c.state AS cycle_state, c.audience,
            c.offer_hours, c.seats_per_body, to_char(c.reserved_until, 'YYYY-MM-DD') AS reserved_until
       FROM training_sessions s JOIN training_cycles c ON c.id = s.cycle_id WHERE s.id = :sessionId FOR UPDATE OF s`,
    { replacements: { sessionId }, type: QueryTypes.SELECT, transaction },
  );
  return row ?? null;
}

/** Whether seats per body still hold for this session (until the end of the reservation day). */
const reservationHolds = (s: LockedSession, today = todayInRome()): boolean => s.seats_per_body !== null && s.reserved_until !== null && today <= s.reserved_until;

async function seatsTaken(platform: Platform, sessionId: number, transaction: Transaction, entityId?: number | null): Promise<number> {
  const [row] = await platform.sequelize.query<{ n: string }>(
    `SELECT count(*) AS n FROM training_registrations WHERE session_id = :sessionId AND state IN ('confirmed','offered') ${entityId !== undefined ? 'AND entity_id = :entityId' : ''}`,
    { replacements: { sessionId, entityId: entityId ?? null }, type: QueryTypes.SELECT, transaction },
  );
  return Number(row.n);
}

/** Whether a person of `entityId` may take a free seat now (the session's capacity and the body's share). */
async function seatFor(platform: Platform, s: LockedSession, entityId: number | null, transaction: Transaction): Promise<boolean> {
  if ((await seatsTaken(platform, s.id, transaction)) >= s.capacity) return false;
  if (entityId !== null && reservationHolds(s) && (await seatsTaken(platform, s.id, transaction, entityId)) >= s.seats_per_body!) return false;
  return true;
}

export async function waitingPosition(platform: Platform, registrationId: number, transaction?: Transaction): Promise<number | null> {
  const [row] = await platform.sequelize.query<{ position: string | null }>(
    `SELECT (SELECT count(*) FROM training_registrations o WHERE o.session_id = r.session_id AND o.state = 'waiting'
               AND (o.waiting_since, o.id) <= (r.waiting_since, r.id)) AS position
       FROM training_registrations r WHERE r.id = :id AND r.state = 'waiting'`,
    { replacements: { id: registrationId }, type: QueryTypes.SELECT, transaction },
  );
  return row?.position ? Number(row.position) : null;
}

// ---- A few at a time per session, in this process ----

// The row lock is what keeps concurrent registrations (of this process or another) from overbooking;
// this gate keeps a rush of requests in one process from holding every pooled connection while they
// wait on that lock: past a few per session they wait here, without a connection, and go in turn.
const PER_SESSION = 3;
const gates = new Map<number, { running: number; waiting: Array<() => void> }>();

export async function gated<T>(sessionId: number, work: () => Promise<T>): Promise<T> {
  const gate = gates.get(sessionId) ?? { running: 0, waiting: [] };
  gates.set(sessionId, gate);
  if (gate.running >= PER_SESSION) await new Promise<void>((resolve) => gate.waiting.push(resolve));
  gate.running++;
  try {
    return await work();
  } finally {
    gate.running--;
    const next = gate.waiting.shift();
    if (next) next();
    else if (!gate.running) gates.delete(sessionId);
  }
}

// ---- Mail ----

type MailKind = 'confirmed' | 'waiting' | 'offered' | 'cancelled' | 'offerExpired' | 'sessionCancelled' | 'citizenConfirm';

async function recipientOf(platform: Platform, r: Pick<RegRow, 'user_id' | 'citizen_name' | 'citizen_email'>, transaction: Transaction): Promise<{ to: string; name: string; lang: 'it' | 'en' } | null> {
  if (r.user_id) {
    const p = await findPerson(r.user_id, { transaction });
    return p ? { to: p.email, name: p.name, lang: p.locale === 'en' ? 'en' : 'it' } : null;
  }
  return r.citizen_email ? { to: r.citizen_email, name: r.citizen_name ?? '', lang: 'it' } : null;
}

async function mailPerson(
  platform: Platform,
  r: Pick<RegRow, 'id' | 'user_id' | 'citizen_name' | 'citizen_email'>,
  s: Pick<LockedSession, 'id' | 'title' | 'cycle_title' | 'starts_at'>,
  kind: MailKind,
  extra: Record<string, unknown>,
  transaction: Transaction,
): Promise<void> {
  const to = await recipientOf(platform, r, transaction);
  if (!to) return;
  await platform.mail.send(
    {
      to: to.to,
      lang: to.lang,
      subject: msg(`training:mail.subject.${kind}`, { session: s.title }),
      template: 'training-registration',
      data: {
        kind,
        name: to.name,
        sessionTitle: s.title,
        cycleTitle: s.cycle_title,
        when: formattersFor(to.lang).dateTime(s.starts_at),
        sessionLink: `${platform.config.baseUrl}/formazione/sessioni/${s.id}`,
        position: null,
        offerLink: null,
        confirmLink: null,
        ...extra,
        expires: extra.expiresAt instanceof Date ? formattersFor(to.lang).dateTime(extra.expiresAt) : '',
      },
    },
    transaction,
  );
}

// ---- Allocation ----

/** Gives a free seat or a place in the waiting list to a new (or just confirmed) registration. */
async function allocate(platform: Platform, s: LockedSession, regId: number, entityId: number | null, transaction: Transaction): Promise<RegistrationState> {
  const free = await seatFor(platform, s, entityId, transaction);
  const state: RegistrationState = free ? 'confirmed' : 'waiting';
  await platform.sequelize.query(
    `UPDATE training_registrations SET state = :state, confirmed_at = CASE WHEN :state = 'confirmed' THEN now() END,
            waiting_since = CASE WHEN :state = 'waiting' THEN clock_timestamp() END, updated_at = now() WHERE id = :regId`,
    { replacements: { state, regId }, transaction },
  );
  return state;
}

/**
 * While seats are free, the first of the waiting list (whose body has not used its share, while
 * shares hold) gets an offer valid for the cycle's offer time.
 */
async function offerFreeSeats(platform: Platform, s: LockedSession, transaction: Transaction): Promise<number> {
  let offered = 0;
  if (s.state !== 'scheduled' || s.starts_at.getTime() <= Date.now()) return 0;
  for (;;) {
    if ((await seatsTaken(platform, s.id, transaction)) >= s.capacity) return offered;
    const holds = reservationHolds(s);
    const [next] = await platform.sequelize.query<RegRow>(
      `SELECT ${REG_COLUMNS} FROM training_registrations r
        WHERE r.session_id = :sessionId AND r.state = 'waiting'
          AND (NOT :holds OR r.entity_id IS NULL OR (SELECT count(*) FROM training_registrations o WHERE o.session_id = r.session_id AND o.entity_id = r.entity_id AND o.state IN ('confirmed','offered')) < :share)
        ORDER BY r.waiting_since, r.id LIMIT 1`,
      { replacements: { sessionId: s.id, holds, share: s.seats_per_body ?? 0 }, type: QueryTypes.SELECT, transaction },
    );
    if (!next) return offered;
    const expiresAt = new Date(Math.min(Date.now() + s.offer_hours * HOUR, s.starts_at.getTime()));
    await platform.sequelize.query(`UPDATE training_registrations SET state = 'offered', offer_expires_at = :expiresAt, updated_at = now() WHERE id = :id`, {
      replacements: { id: next.id, expiresAt },
      transaction,
    });
    const { token } = await platform.tokens.issue({ purpose: OFFER_PURPOSE, subjectId: next.id, ttlMs: expiresAt.getTime() - Date.now(), replace: true }, transaction);
    await mailPerson(platform, next, s, 'offered', { offerLink: `${platform.config.baseUrl}/formazione/offerte/${token}`, expiresAt }, transaction);
    offered++;
  }
}

function assertOpen(s: LockedSession | null, viewer: Viewer): asserts s is LockedSession {
  if (!s || (s.cycle_state === 'draft' && !isStaff(viewer))) throw new NotFoundError('training:error.notFound');
  if (s.state === 'cancelled' || s.cycle_state === 'cancelled') throw new ConflictError('training:error.sessionCancelled');
  if (s.starts_at.getTime() <= Date.now()) throw new ConflictError('training:error.sessionPast');
}

export type RegistrationResult = { id: number; state: RegistrationState; position: number | null; sessionId: number };

/** Registers a person (with an account) to a session, in the caller's transaction. */
async function registerPerson(platform: Platform, actor: Actor, sessionId: number, personId: number, transaction: Transaction): Promise<RegistrationResult> {
  const s = await lockSession(platform, sessionId, transaction);
  assertOpen(s, actor);
  if (s.audience === 'citizens') throw new ConflictError('training:error.citizensOnly');
  const person = await findPerson(personId, { transaction });
  if (!person || person.status !== 'active') throw new NotFoundError('training:error.personNotFound');
  const [existing] = await platform.sequelize.query<{ id: number }>(`SELECT id FROM training_registrations WHERE session_id = :sessionId AND user_id = :personId AND state <> 'cancelled'`, {
    replacements: { sessionId, personId },
    type: QueryTypes.SELECT,
    transaction,
  });
  if (existing) throw new ConflictError(personId === actor.userId ? 'training:error.alreadyRegistered' : msg('training:error.colleagueAlreadyRegistered', { name: person.name }));
  const [row] = await platform.sequelize.query<{ id: number }>(
    `INSERT INTO training_registrations (session_id, user_id, entity_id, state, registered_by) VALUES (:sessionId, :personId, :entityId, 'pending', :by) RETURNING id`,
    { replacements: { sessionId, personId, entityId: person.entityId, by: actor.userId }, type: QueryTypes.SELECT, transaction },
  );
  const state = await allocate(platform, s, row.id, person.entityId, transaction);
  const position = state === 'waiting' ? await waitingPosition(platform, row.id, transaction) : null;
  await mailPerson(platform, { id: row.id, user_id: personId, citizen_name: null, citizen_email: null }, s, state === 'confirmed' ? 'confirmed' : 'waiting', { position }, transaction);
  await platform.audit.record(actor, { action: 'training.registration.create', subjectType: 'training_registration', subjectId: row.id, entityId: person.entityId, details: { sessionId, userId: personId, state } }, transaction);
  return { id: row.id, state, position, sessionId };
}

/** Who is being registered: oneself, or a colleague the actor may register (same body; staff anyone). */
async function targetPerson(actor: Actor, input: unknown): Promise<number> {
  const raw = (input ?? {}) as Record<string, unknown>;
  if (raw.userId === undefined || raw.userId === '' || raw.userId === String(actor.userId)) return actor.userId;
  const { userId } = parseInput(colleagueSchema, raw);
  const person = await findPerson(userId);
  // A person of another body is, for this actor, nobody: the same answer (404) as an unknown id.
  if (!person || person.status !== 'active' || (!isStaff(actor) && (person.entityId === null || person.entityId !== actor.entityId))) {
    throw new NotFoundError('training:error.notYourColleague', person ? 'training.registration.colleague' : undefined);
  }
  // Someone of one's own body, without being its referent or RTD (or a staff account): not allowed.
  if (!canRegisterOthers(actor, person.entityId) || (!isStaff(actor) && person.role !== 'member' && person.role !== 'rtd' && person.role !== 'referent')) {
    throw new ForbiddenError('training:error.notYourColleague', 'training.registration.colleague');
  }
  return person.id;
}

/** Registers oneself or a colleague to one session. */
export async function registerToSession(platform: Platform, actor: Actor, sessionId: number, input: unknown = {}): Promise<RegistrationResult> {
  const personId = await targetPerson(actor, input);
  return gated(sessionId, () => platform.sequelize.transaction((transaction) => registerPerson(platform, actor, sessionId, personId, transaction)));
}

/** Registers oneself or a colleague to every upcoming session of a cycle not registered yet, at once. */
export async function registerToCycle(platform: Platform, actor: Actor, cycleId: number, input: unknown = {}): Promise<RegistrationResult[]> {
  const personId = await targetPerson(actor, input);
  return platform.sequelize.transaction(async (transaction) => {
    const sessions = await platform.sequelize.query<{ id: number }>(
      `SELECT s.id FROM training_sessions s JOIN training_cycles c ON c.id = s.cycle_id
        WHERE s.cycle_id = :cycleId AND s.state = 'scheduled' AND s.starts_at > now() AND (c.state = 'published' OR :staff)
          AND NOT EXISTS (SELECT 1 FROM training_registrations r WHERE r.session_id = s.id AND r.user_id = :personId AND r.state <> 'cancelled')
        ORDER BY s.id`,
      { replacements: { cycleId, personId, staff: isStaff(actor) }, type: QueryTypes.SELECT, transaction },
    );
    if (!sessions.length) {
      const [cycle] = await platform.sequelize.query<{ state: string }>(`SELECT state FROM training_cycles WHERE id = :cycleId`, { replacements: { cycleId }, type: QueryTypes.SELECT, transaction });
      if (!cycle || (cycle.state === 'draft' && !isStaff(actor))) throw new NotFoundError('training:error.notFound');
      throw new ConflictError('training:error.nothingToRegister');
    }
    const results: RegistrationResult[] = [];
    // Sessions are locked in id order, so two cycle registrations never wait on each other.
    for (const s of sessions) results.push(await registerPerson(platform, actor, s.id, personId, transaction));
    return results;
  });
}

type RegWithSession = RegRow & { entity_id: number | null };

async function lockRegistration(platform: Platform, registrationId: number, transaction: Transaction): Promise<{ r: RegWithSession; s: LockedSession } | null> {
  const [head] = await platform.sequelize.query<{ session_id: number }>(`SELECT session_id FROM training_registrations WHERE id = :id`, { replacements: { id: registrationId }, type: QueryTypes.SELECT, transaction });
  if (!head) return null;
  const s = await lockSession(platform, head.session_id, transaction);
  const [r] = await platform.sequelize.query<RegWithSession>(`SELECT ${REG_COLUMNS} FROM training_registrations r WHERE r.id = :id FOR UPDATE`, { replacements: { id: registrationId }, type: QueryTypes.SELECT, transaction });
  return s && r ? { r, s } : null;
}

/** Whether the viewer may cancel (and see) this registration: their own, a colleague's for a body lead, staff. */
const mayHandle = (viewer: Viewer, r: Pick<RegRow, 'user_id' | 'entity_id'>): boolean => !!viewer && (r.user_id === viewer.userId || canRegisterOthers(viewer, r.entity_id));

/** Cancels a registration (the person, their body's lead, staff); a seat it held goes to the waiting list. */
export async function cancelRegistration(platform: Platform, actor: Actor, registrationId: number): Promise<{ sessionId: number }> {
  return platform.sequelize.transaction(async (transaction) => {
    const found = await lockRegistration(platform, registrationId, transaction);
    if (!found || !mayHandle(actor, found.r)) throw new NotFoundError('training:error.notFound', found ? 'training.registration.cancel' : undefined);
    const { r, s } = found;
    if (r.state === 'cancelled') throw new ConflictError('training:error.alreadyCancelled');
    const heldSeat = r.state === 'confirmed' || r.state === 'offered';
    const by = r.user_id === actor.userId ? 'person' : 'staff';
    await platform.sequelize.query(`UPDATE training_registrations SET state = 'cancelled', cancel_reason = :by, cancelled_at = now(), offer_expires_at = NULL, updated_at = now() WHERE id = :id`, {
      replacements: { id: r.id, by },
      transaction,
    });
    await platform.tokens.revokeAll(OFFER_PURPOSE, r.id, transaction);
    await mailPerson(platform, r, s, 'cancelled', { byStaff: by === 'staff' }, transaction);
    if (heldSeat) await offerFreeSeats(platform, s, transaction);
    await platform.audit.record(actor, { action: 'training.registration.cancel', subjectType: 'training_registration', subjectId: r.id, entityId: r.entity_id, details: { sessionId: s.id, from: r.state } }, transaction);
    return { sessionId: s.id };
  });
}

const OFFER_MESSAGES = { invalid: 'training:offer.invalid', expired: 'training:offer.expired', used: 'training:offer.used', revoked: 'training:offer.revoked' };

export type OfferView = { registrationId: number; sessionId: number; sessionTitle: string; cycleTitle: string; startsAt: Date; expiresAt: Date };

async function offerOf(platform: Platform, viewer: Viewer, token: unknown, transaction?: Transaction): Promise<OfferView & { userId: number | null }> {
  const record = await platform.tokens.check(OFFER_PURPOSE, token, OFFER_MESSAGES, transaction);
  const [row] = await platform.sequelize.query<{ id: number; user_id: number | null; state: string; offer_expires_at: Date | null; session_id: number; title: string; cycle_title: string; starts_at: Date }>(
    `SELECT r.id, r.user_id, r.state, r.offer_expires_at, s.id AS session_id, s.title, c.title AS cycle_title, s.starts_at
       FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id JOIN training_cycles c ON c.id = s.cycle_id WHERE r.id = :id`,
    { replacements: { id: record.subjectId }, type: QueryTypes.SELECT, transaction },
  );
  if (!row) throw new NotFoundError(OFFER_MESSAGES.invalid);
  // Someone else's offer is, for this viewer, no offer at all.
  if (row.user_id !== null && row.user_id !== viewer?.userId) throw new NotFoundError(OFFER_MESSAGES.invalid, 'training.offer.other');
  if (row.state !== 'offered' || !row.offer_expires_at || row.offer_expires_at.getTime() <= Date.now()) throw new GoneError(OFFER_MESSAGES.expired, 'expired');
  return { registrationId: row.id, userId: row.user_id, sessionId: row.session_id, sessionTitle: row.title, cycleTitle: row.cycle_title, startsAt: row.starts_at, expiresAt: row.offer_expires_at };
}

/** The offer behind a link, for its page (the person it was made to only; citizens by the link alone). */
export async function showOffer(platform: Platform, viewer: Viewer, token: unknown): Promise<OfferView & { userId: number | null }> {
  return offerOf(platform, viewer, token);
}

/** Accepts a waiting-list offer: the seat becomes a confirmed registration. */
export async function acceptOffer(platform: Platform, viewer: Viewer, token: unknown): Promise<{ sessionId: number }> {
  return platform.sequelize.transaction(async (transaction) => {
    const offer = await offerOf(platform, viewer, token, transaction);
    const found = await lockRegistration(platform, offer.registrationId, transaction);
    if (!found || found.r.state !== 'offered' || !found.r.offer_expires_at || found.r.offer_expires_at.getTime() <= Date.now()) throw new GoneError(OFFER_MESSAGES.expired, 'expired');
    await platform.tokens.consume(OFFER_PURPOSE, token, OFFER_MESSAGES, transaction);
    await platform.sequelize.query(`UPDATE training_registrations SET state = 'confirmed', confirmed_at = now(), offer_expires_at = NULL, updated_at = now() WHERE id = :id`, { replacements: { id: found.r.id }, transaction });
    await mailPerson(platform, found.r, found.s, 'confirmed', {}, transaction);
    await platform.audit.record(viewer, { action: 'training.offer.accept', subjectType: 'training_registration', subjectId: found.r.id, entityId: found.r.entity_id, details: { sessionId: found.s.id } }, transaction);
    return { sessionId: found.s.id };
  });
}

/** Declines an offer: the registration is cancelled and the next one is offered the seat. */
export async function declineOffer(platform: Platform, viewer: Viewer, token: unknown): Promise<{ sessionId: number }> {
  return platform.sequelize.transaction(async (transaction) => {
    const offer = await offerOf(platform, viewer, token, transaction);
    const found = await lockRegistration(platform, offer.registrationId, transaction);
    if (!found || found.r.state !== 'offered') throw new GoneError(OFFER_MESSAGES.expired, 'expired');
    await platform.tokens.consume(OFFER_PURPOSE, token, OFFER_MESSAGES, transaction);
    await platform.sequelize.query(`UPDATE training_registrations SET state = 'cancelled', cancel_reason = 'person', cancelled_at = now(), offer_expires_at = NULL, updated_at = now() WHERE id = :id`, { replacements: { id: found.r.id }, transaction });
    await mailPerson(platform, found.r, found.s, 'cancelled', { byStaff: false }, transaction);
    await offerFreeSeats(platform, found.s, transaction);
    return { sessionId: found.s.id };
  });
}

/**
 * The waiting-list job: offers past their time are withdrawn (the next one is offered), and seats
 * freed otherwise (a body's share released after its date, a capacity raised) are offered. Scoped
 * to `sessionIds` when given (tests), else every upcoming session.
 */
export async function runWaitingList(platform: Platform, opts: { sessionIds?: number[] } = {}): Promise<{ expired: number; offered: number }> {
  const scope = opts.sessionIds ? 'AND s.id IN (:ids)' : '';
  const sessions = await platform.sequelize.query<{ id: number }>(
    `SELECT DISTINCT s.id FROM training_sessions s JOIN training_registrations r ON r.session_id = s.id
      WHERE s.state = 'scheduled' AND r.state IN ('waiting','offered') ${scope} ORDER BY s.id`,
    { replacements: { ids: opts.sessionIds?.length ? opts.sessionIds : [0] }, type: QueryTypes.SELECT },
  );
  let expired = 0;
  let offered = 0;
  for (const { id } of sessions) {
    await platform.sequelize.transaction(async (transaction) => {
      const s = await lockSession(platform, id, transaction);
      if (!s) return;
      const late = await platform.sequelize.query<RegRow>(
        `UPDATE training_registrations r SET state = 'cancelled', cancel_reason = 'offer_expired', cancelled_at = now(), offer_expires_at = NULL, updated_at = now()
          WHERE r.session_id = :id AND r.state = 'offered' AND r.offer_expires_at <= now() RETURNING ${REG_COLUMNS}`,
        { replacements: { id }, type: QueryTypes.SELECT, transaction },
      );
      for (const r of late) {
        await platform.tokens.revokeAll(OFFER_PURPOSE, r.id, transaction);
        await mailPerson(platform, r, s, 'offerExpired', {}, transaction);
      }
      expired += late.length;
      offered += await offerFreeSeats(platform, s, transaction);
    });
  }
  return { expired, offered };
}

/** A session cancelled by staff: every live registration is cancelled and told. */
export async function cancelSessionRegistrations(platform: Platform, sessionId: number, transaction: Transaction): Promise<number> {
  const s = await lockSession(platform, sessionId, transaction);
  if (!s) return 0;
  const rows = await platform.sequelize.query<RegRow>(
    `UPDATE training_registrations r SET state = 'cancelled', cancel_reason = 'session_cancelled', cancelled_at = now(), offer_expires_at = NULL, updated_at = now()
      WHERE r.session_id = :sessionId AND r.state IN ('confirmed','waiting','offered') RETURNING ${REG_COLUMNS}`,
    { replacements: { sessionId }, type: QueryTypes.SELECT, transaction },
  );
  for (const r of rows) await mailPerson(platform, r, s, 'sessionCancelled', {}, transaction);
  return rows.length;
}

// ---- Citizens' courses: no account, double opt-in ----

const CITIZEN_MESSAGES = { invalid: 'training:citizen.invalid', expired: 'training:citizen.expired', used: 'training:citizen.used', revoked: 'training:citizen.used' };

/**
 * A citizen asks for a seat: the registration waits (state pending, no seat) until the link mailed
 * to them is opened. The answer is the same whether or not the address was registered already.
 */
export async function requestCitizenSeat(platform: Platform, sessionId: number, input: unknown, ip: string | null): Promise<void> {
  const data = parseInput(citizenSchema, input);
  await platform.sequelize.transaction(async (transaction) => {
    const s = await lockSession(platform, sessionId, transaction);
    assertOpen(s, null);
    if (s.audience !== 'citizens') throw new NotFoundError('training:error.notFound');
    const [existing] = await platform.sequelize.query<{ id: number; state: string }>(
      `SELECT id, state FROM training_registrations WHERE session_id = :sessionId AND lower(citizen_email) = :email AND state <> 'cancelled'`,
      { replacements: { sessionId, email: data.email }, type: QueryTypes.SELECT, transaction },
    );
    if (existing && existing.state !== 'pending') return;
    let regId = existing?.id;
    if (!regId) {
      const [row] = await platform.sequelize.query<{ id: number }>(
        `INSERT INTO training_registrations (session_id, citizen_name, citizen_email, citizen_phone, state) VALUES (:sessionId, :name, :email, :phone, 'pending') RETURNING id`,
        { replacements: { sessionId, name: data.name, email: data.email, phone: data.phone }, type: QueryTypes.SELECT, transaction },
      );
      regId = row.id;
    }
    const { token } = await platform.tokens.issue({ purpose: CITIZEN_PURPOSE, subjectId: regId, ttlMs: CITIZEN_CONFIRM_HOURS * HOUR, replace: true }, transaction);
    await mailPerson(platform, { id: regId, user_id: null, citizen_name: data.name, citizen_email: data.email }, s, 'citizenConfirm', { confirmLink: `${platform.config.baseUrl}/formazione/conferma/${token}`, hours: CITIZEN_CONFIRM_HOURS }, transaction);
    await platform.audit.record(null, { action: 'training.citizen.request', subjectType: 'training_registration', subjectId: regId, details: { sessionId, ip } }, transaction);
  });
}

/** The citizen opened the link: the registration now takes a seat, or a place in the waiting list. */
export async function confirmCitizenSeat(platform: Platform, token: unknown): Promise<RegistrationResult & { sessionTitle: string }> {
  return platform.sequelize.transaction(async (transaction) => {
    const record = await platform.tokens.check(CITIZEN_PURPOSE, token, CITIZEN_MESSAGES, transaction);
    const found = await lockRegistration(platform, record.subjectId, transaction);
    if (!found || found.r.state !== 'pending') throw new GoneError(CITIZEN_MESSAGES.used, 'used');
    if (found.s.state === 'cancelled' || found.s.starts_at.getTime() <= Date.now()) throw new ConflictError(found.s.state === 'cancelled' ? 'training:error.sessionCancelled' : 'training:error.sessionPast');
    await platform.tokens.consume(CITIZEN_PURPOSE, token, CITIZEN_MESSAGES, transaction);
    const state = await allocate(platform, found.s, found.r.id, null, transaction);
    const position = state === 'waiting' ? await waitingPosition(platform, found.r.id, transaction) : null;
    await mailPerson(platform, found.r, found.s, state === 'confirmed' ? 'confirmed' : 'waiting', { position }, transaction);
    return { id: found.r.id, state, position, sessionId: found.s.id, sessionTitle: found.s.title };
  });
}

/**
 * The retention job: citizens' personal data goes once the cycle's retention period after the
 * session has passed (and unconfirmed requests after the link's time); the rows stay, without
 * names, as anonymous counts. Scoped to `sessionIds` when given.
 */
export async function runRetention(platform: Platform, opts: { sessionIds?: number[] } = {}): Promise<number> {
  const scope = opts.sessionIds ? 'AND r.session_id IN (:ids)' : '';
  const [, meta] = await platform.sequelize.query(
    `UPDATE training_registrations r SET citizen_name = NULL, citizen_email = NULL, citizen_phone = NULL, anonymised = true,
            state = CASE WHEN r.state = 'pending' THEN 'cancelled' ELSE r.state END,
            cancel_reason = CASE WHEN r.state = 'pending' THEN 'unconfirmed' ELSE r.cancel_reason END,
            cancelled_at = CASE WHEN r.state = 'pending' THEN now() ELSE r.cancelled_at END, updated_at = now()
       FROM training_sessions s JOIN training_cycles c ON c.id = s.cycle_id
      WHERE s.id = r.session_id AND r.user_id IS NULL AND NOT r.anonymised ${scope}
        AND (s.starts_at + make_interval(mins => s.duration_minutes) + make_interval(days => c.retention_days) < now()
             OR (r.state = 'pending' AND r.created_at < now() - interval '${CITIZEN_CONFIRM_HOURS} hours'))`,
    { replacements: { ids: opts.sessionIds?.length ? opts.sessionIds : [0] } },
  );
  return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
}

