// Around the sessions: the ICS of a session and a personal feed (a secret URL), reminders the day
// before and one hour before, the satisfaction survey after a session, and the anonymous counts of
// citizens' courses (age band and gender).
import { createHash, randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { formattersFor } from '../../platform/format.js';
import { buildCalendar, type CalendarEvent, type ICalCalendar } from '../../platform/ics.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { canManageTraining } from './policy.js';
import { AGE_BANDS, GENDERS, ZONE, feedbackSchema } from './schemas.js';
import { getSession, type SessionView } from './service.js';

const PROD_ID = '//CIT Hub//Formazione//IT';

function sessionEvent(platform: Platform, s: Pick<SessionView, 'id' | 'title' | 'startsAt' | 'durationMinutes' | 'mode' | 'place'> & { link: string | null; cycleTitle: string; updatedAt?: Date }): CalendarEvent & { end: Date } {
  const url = `${platform.config.baseUrl}/formazione/sessioni/${s.id}`;
  const where = [s.place, s.link].filter(Boolean).join(' — ');
  return { uid: `training-session-${s.id}@cithub`, title: `${s.title} (${s.cycleTitle})`, date: s.startsAt, allDay: false, description: [where, url].filter(Boolean).join('\n'), url, updatedAt: s.updatedAt ?? null, end: new Date(s.startsAt.getTime() + s.durationMinutes * 60_000) };
}

/** ical-generator events with their end (the shared builder writes the start; sessions have a duration). */
function calendarOf(events: Array<CalendarEvent & { end: Date }>, name: string): ICalCalendar {
  const cal = buildCalendar(events, { name, prodId: PROD_ID, timeZone: ZONE });
  const byUid = new Map(events.map((e) => [e.uid, e.end]));
  for (const ev of cal.events()) {
    const end = byUid.get(ev.id());
    if (end) ev.end(end);
  }
  return cal;
}

/** The ICS of one session: public facts; the link only for those who may see it. */
export async function sessionCalendar(platform: Platform, viewer: Viewer, sessionId: number, withLink: boolean): Promise<ICalCalendar> {
  const { session, cycle } = await getSession(platform, viewer, sessionId);
  return calendarOf([sessionEvent(platform, { ...session, link: withLink ? session.link : null, cycleTitle: cycle.title })], session.title);
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** The secret URL of the viewer's feed, made on first use (or replaced on demand). */
export async function feedUrl(platform: Platform, actor: Actor, replace = false): Promise<string | null> {
  if (!replace) {
    const [row] = await platform.sequelize.query<{ token_hash: string }>(`SELECT token_hash FROM training_feeds WHERE user_id = :id`, { replacements: { id: actor.userId }, type: QueryTypes.SELECT });
    if (row) return null;
  }
  const secret = randomBytes(32).toString('base64url');
  await platform.sequelize.query(
    `INSERT INTO training_feeds (user_id, token_hash) VALUES (:id, :hash) ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
    { replacements: { id: actor.userId, hash: hash(secret) } },
  );
  return `${platform.config.baseUrl}/formazione/calendario/${secret}.ics`;
}

export async function hasFeed(platform: Platform, userId: number): Promise<boolean> {
  const [row] = await platform.sequelize.query(`SELECT 1 FROM training_feeds WHERE user_id = :userId`, { replacements: { userId }, type: QueryTypes.SELECT });
  return !!row;
}

/** The personal feed behind a secret: the person's confirmed sessions, links included. */
export async function personalFeed(platform: Platform, secret: unknown): Promise<ICalCalendar> {
  if (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(secret)) throw new NotFoundError('training:error.notFound');
  const [feed] = await platform.sequelize.query<{ user_id: number }>(`SELECT user_id FROM training_feeds WHERE token_hash = :hash`, { replacements: { hash: hash(secret) }, type: QueryTypes.SELECT });
  if (!feed) throw new NotFoundError('training:error.notFound');
  const rows = await platform.sequelize.query<{ id: number; title: string; starts_at: Date; duration_minutes: number; mode: 'online' | 'presence' | 'hybrid'; place: string | null; link: string | null; cycle_title: string; updated_at: Date }>(
    `SELECT s.id, s.title, s.starts_at, s.duration_minutes, s.mode, s.place, s.link, c.title AS cycle_title, greatest(s.updated_at, r.updated_at) AS updated_at
       FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id JOIN training_cycles c ON c.id = s.cycle_id
      WHERE r.user_id = :userId AND r.state = 'confirmed' AND s.state = 'scheduled' AND s.starts_at > now() - interval '180 days' ORDER BY s.starts_at`,
    { replacements: { userId: feed.user_id }, type: QueryTypes.SELECT },
  );
  return calendarOf(
    rows.map((r) => sessionEvent(platform, { id: r.id, title: r.title, startsAt: r.starts_at, durationMinutes: r.duration_minutes, mode: r.mode, place: r.place, link: r.link, cycleTitle: r.cycle_title, updatedAt: r.updated_at })),
    'Formazione CIT',
  );
}

// ---- Reminders and the survey invitation ----

/**
 * Sends what is due, once per registration and kind: the day-before reminder (session within 24 h,
 * more than an hour away), the one-hour reminder, and the survey invitation after the end (within
 * 7 days). Scoped to `sessionIds` when given (tests).
 */
export async function runReminders(platform: Platform, opts: { sessionIds?: number[] } = {}): Promise<number> {
  const scope = opts.sessionIds ? 'AND s.id IN (:ids)' : '';
  const windows: Array<{ kind: 'day' | 'hour' | 'survey'; when: string }> = [
    { kind: 'day', when: `s.starts_at > now() + interval '1 hour' AND s.starts_at <= now() + interval '24 hours'` },
    { kind: 'hour', when: `s.starts_at > now() AND s.starts_at <= now() + interval '1 hour'` },
    { kind: 'survey', when: `s.starts_at + make_interval(mins => s.duration_minutes) <= now() AND s.starts_at + make_interval(mins => s.duration_minutes) > now() - interval '7 days'` },
  ];
  let sent = 0;
  for (const w of windows) {
    await platform.sequelize.transaction(async (transaction) => {
      const rows = await platform.sequelize.query<{ registration_id: number; session_id: number; title: string; cycle_title: string; starts_at: Date; link: string | null; place: string | null; email: string; name: string; locale: string | null }>(
        `WITH due AS (
           INSERT INTO training_reminders (registration_id, kind)
           SELECT r.id, :kind FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id JOIN training_cycles c ON c.id = s.cycle_id
            WHERE r.state = 'confirmed' AND s.state = 'scheduled' AND c.state = 'published' AND ${w.when} ${scope}
              AND (r.user_id IS NOT NULL OR r.citizen_email IS NOT NULL) ${w.kind === 'survey' ? `AND c.audience <> 'citizens'` : ''}
           ON CONFLICT DO NOTHING RETURNING registration_id)
         SELECT due.registration_id, s.id AS session_id, s.title, c.title AS cycle_title, s.starts_at, s.link, s.place,
                COALESCE(u.email, r.citizen_email) AS email, COALESCE(u.name, r.citizen_name) AS name, u.locale
           FROM due JOIN training_registrations r ON r.id = due.registration_id JOIN training_sessions s ON s.id = r.session_id
           JOIN training_cycles c ON c.id = s.cycle_id LEFT JOIN users u ON u.id = r.user_id`,
        { replacements: { kind: w.kind, ids: opts.sessionIds?.length ? opts.sessionIds : [0] }, type: QueryTypes.SELECT, transaction },
      );
      for (const r of rows) {
        await platform.mail.send(
          {
            to: r.email,
            lang: r.locale === 'en' ? 'en' : 'it',
            subject: msg(`training:mail.subject.${w.kind === 'survey' ? 'survey' : w.kind === 'day' ? 'reminderDay' : 'reminderHour'}`, { session: r.title }),
            template: 'training-reminder',
            data: { kind: w.kind, name: r.name ?? '', sessionTitle: r.title, cycleTitle: r.cycle_title, when: formattersFor(r.locale === 'en' ? 'en' : 'it').dateTime(r.starts_at), link: r.link, place: r.place, sessionLink: `${platform.config.baseUrl}/formazione/sessioni/${r.session_id}` },
          },
          transaction,
        );
      }
      sent += rows.length;
    });
  }
  return sent;
}

// ---- Satisfaction survey ----

/** The viewer's confirmed registration of an ended session, and their answer if any. */
export async function surveyState(platform: Platform, viewer: Viewer, sessionId: number): Promise<{ registrationId: number; answered: { rating: number; comment: string | null } | null } | null> {
  if (!viewer) return null;
  const [row] = await platform.sequelize.query<{ id: number; rating: number | null; comment: string | null }>(
    `SELECT r.id, f.rating, f.comment FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id LEFT JOIN training_feedback f ON f.registration_id = r.id
      WHERE r.session_id = :sessionId AND r.user_id = :userId AND r.state = 'confirmed' AND s.starts_at + make_interval(mins => s.duration_minutes) <= now()`,
    { replacements: { sessionId, userId: viewer.userId }, type: QueryTypes.SELECT },
  );
  if (!row) return null;
  return { registrationId: row.id, answered: row.rating === null ? null : { rating: row.rating, comment: row.comment } };
}

export async function answerSurvey(platform: Platform, actor: Actor, sessionId: number, input: unknown): Promise<void> {
  const state = await surveyState(platform, actor, sessionId);
  if (!state) throw new NotFoundError('training:error.notFound');
  if (state.answered) throw new ConflictError('training:error.surveyAnswered');
  const data = parseInput(feedbackSchema, input);
  await platform.sequelize.query(`INSERT INTO training_feedback (registration_id, session_id, rating, comment) VALUES (:id, :sessionId, :rating, :comment) ON CONFLICT DO NOTHING`, {
    replacements: { id: state.registrationId, sessionId, rating: data.rating, comment: data.comment },
  });
}

export async function surveySummary(platform: Platform, sessionId: number) {
  const rows = await platform.sequelize.query<{ rating: number; comment: string | null }>(`SELECT rating, comment FROM training_feedback WHERE session_id = :sessionId ORDER BY created_at`, { replacements: { sessionId }, type: QueryTypes.SELECT });
  const count = rows.length;
  const average = count ? Math.round((rows.reduce((a, r) => a + r.rating, 0) / count) * 10) / 10 : null;
  const byRating = [1, 2, 3, 4, 5].map((n) => rows.filter((r) => r.rating === n).length);
  return { count, average, byRating, comments: rows.map((r) => r.comment).filter((c): c is string => !!c) };
}

// ---- Citizens' courses: anonymous counts ----

export async function citizenCounts(platform: Platform, sessionId: number): Promise<Record<string, number>> {
  const rows = await platform.sequelize.query<{ age_band: string; gender: string; people: number }>(`SELECT age_band, gender, people FROM training_citizen_counts WHERE session_id = :sessionId`, { replacements: { sessionId }, type: QueryTypes.SELECT });
  return Object.fromEntries(rows.map((r) => [`${r.age_band}|${r.gender}`, r.people]));
}

/** Saves the counts of a session (fields `count.<band>.<gender>`): whole numbers from 0. */
export async function saveCitizenCounts(platform: Platform, actor: Actor, sessionId: number, input: unknown): Promise<number> {
  if (!canManageTraining(actor)) throw new NotFoundError('training:error.notFound');
  const { session, cycle } = await getSession(platform, actor, sessionId);
  if (cycle.audience !== 'citizens') throw new NotFoundError('training:error.notFound');
  const body = (input ?? {}) as Record<string, unknown>;
  const fields: Record<string, Message> = {};
  const values: Array<{ band: string; gender: string; people: number }> = [];
  for (const band of AGE_BANDS) {
    for (const gender of GENDERS) {
      const name = `count_${band}_${gender}`;
      const raw = typeof body[name] === 'string' ? (body[name] as string).trim() : '';
      if (!raw) {
        values.push({ band, gender, people: 0 });
        continue;
      }
      if (!/^\d{1,5}$/.test(raw)) {
        fields[name] = 'training:error.count';
        continue;
      }
      values.push({ band, gender, people: Number(raw) });
    }
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  await platform.sequelize.transaction(async (transaction) => {
    for (const v of values) {
      await platform.sequelize.query(
        `INSERT INTO training_citizen_counts (session_id, age_band, gender, people) VALUES (:sessionId, :band, :gender, :people)
         ON CONFLICT (session_id, age_band, gender) DO UPDATE SET people = EXCLUDED.people`,
        { replacements: { sessionId: session.id, ...v }, transaction },
      );
    }
    await platform.audit.record(actor, { action: 'training.citizens.counts', subjectType: 'training_session', subjectId: session.id, details: { total: values.reduce((a, v) => a + v.people, 0) } }, transaction);
  });
  return values.reduce((a, v) => a + v.people, 0);
}

/** The counts of every session of a citizens' cycle, one row per session, band and gender (for the CSV). */
export async function* cycleCountsRows(platform: Platform, cycleId: number): AsyncGenerator<unknown[]> {
  const rows = await platform.sequelize.query<{ day: string; title: string; age_band: string; gender: string; people: number; registered: string }>(
    `SELECT to_char(s.starts_at AT TIME ZONE 'Europe/Rome', 'YYYY-MM-DD') AS day, s.title, k.age_band, k.gender, k.people,
            (SELECT count(*) FROM training_registrations r WHERE r.session_id = s.id AND r.state = 'confirmed') AS registered
       FROM training_sessions s JOIN training_citizen_counts k ON k.session_id = s.id WHERE s.cycle_id = :cycleId AND k.people > 0
      ORDER BY s.starts_at, s.id, k.age_band, k.gender`,
    { replacements: { cycleId }, type: QueryTypes.SELECT },
  );
  for (const r of rows) yield [r.day, r.title, r.age_band, r.gender, r.people, Number(r.registered)];
}
