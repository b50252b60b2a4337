// The attendance register of a session: by hand (present / absent / late / excused, a note), or from
// the participants report of a webinar platform (name, email, join, leave, duration; several rows
// per person summed, overlaps counted once, time outside the session not counted). The cycle's rule
// (at least N % of the duration) decides who counts as present, and each line says why.
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { canTakeAttendance } from './policy.js';
import { ATTENDANCE, ZONE, type AttendanceStatus } from './schemas.js';
import { getSession, sessionRegistrations } from './service.js';

/** Minutes needed to count as present. */
export const minutesNeeded = (durationMinutes: number, percent: number): number => Math.ceil((durationMinutes * percent) / 100);

/** Whether an attendance counts toward the certificate, and why (a Message). */
export function attendanceVerdict(status: string | null, minutes: number | null, durationMinutes: number, percent: number): { passes: boolean; why: Message } {
  const need = minutesNeeded(durationMinutes, percent);
  if (status === null) return { passes: false, why: 'training:verdict.notRecorded' };
  const passes = status === 'present' || status === 'late';
  if (minutes !== null) {
    const share = Math.round((minutes / durationMinutes) * 100);
    return { passes, why: msg(passes ? 'training:verdict.minutesYes' : 'training:verdict.minutesNo', { minutes, duration: durationMinutes, share, percent, need }) };
  }
  return { passes, why: msg(`training:verdict.marked.${status}`) };
}

/** The session's attendance register for who may take it (404 otherwise): also checked before an upload is read. */
export async function registerOf(platform: Platform, viewer: Viewer, sessionId: number) {
  const { session, cycle } = await getSession(platform, viewer, sessionId);
  if (!canTakeAttendance(viewer, session.speakerUserId)) throw new NotFoundError('training:error.notFound', 'training.attendance');
  return { session, cycle };
}

export async function attendancePage(platform: Platform, viewer: Viewer, sessionId: number) {
  const { session, cycle } = await registerOf(platform, viewer, sessionId);
  const rows = (await sessionRegistrations(platform, sessionId)).filter((r) => r.state === 'confirmed');
  const notes = await platform.sequelize.query<{ registration_id: number; note: string | null }>(`SELECT registration_id, note FROM training_attendance WHERE session_id = :sessionId`, { replacements: { sessionId }, type: QueryTypes.SELECT });
  const noteOf = new Map(notes.map((n) => [n.registration_id, n.note]));
  return {
    session,
    cycle,
    need: minutesNeeded(session.durationMinutes, cycle.attendancePercent),
    rows: rows.map((r) => ({ ...r, note: noteOf.get(r.id) ?? '', verdict: attendanceVerdict(r.attendance, r.minutes, session.durationMinutes, cycle.attendancePercent) })),
  };
}

/** Saves the register typed by hand: `status.<registrationId>` and `note.<registrationId>` fields. */
export async function saveAttendance(platform: Platform, actor: Actor, sessionId: number, input: unknown): Promise<number> {
  const { session } = await registerOf(platform, actor, sessionId);
  const body = (input ?? {}) as Record<string, unknown>;
  const confirmed = (await sessionRegistrations(platform, sessionId)).filter((r) => r.state === 'confirmed');
  const fields: Record<string, Message> = {};
  const changes: Array<{ id: number; status: AttendanceStatus; note: string | null }> = [];
  for (const r of confirmed) {
    const status = body[`status.${r.id}`] ?? body[`status_${r.id}`];
    const noteRaw = body[`note.${r.id}`] ?? body[`note_${r.id}`];
    if (status === undefined || status === '') continue;
    if (typeof status !== 'string' || !(ATTENDANCE as readonly string[]).includes(status)) {
      fields[`status_${r.id}`] = 'training:error.chooseStatus';
      continue;
    }
    const note = typeof noteRaw === 'string' ? noteRaw.trim() : '';
    if (note.length > 500) fields[`note_${r.id}`] = msg('common:validation.tooLong', { label: msg('training:field.note'), max: 500 });
    changes.push({ id: r.id, status: status as AttendanceStatus, note: note || null });
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  await platform.sequelize.transaction(async (transaction) => {
    for (const c of changes) {
      await platform.sequelize.query(
        `INSERT INTO training_attendance (registration_id, session_id, status, note, source, recorded_by) VALUES (:id, :sessionId, :status, :note, 'manual', :by)
         ON CONFLICT (registration_id) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, recorded_by = EXCLUDED.recorded_by, updated_at = now()`,
        { replacements: { ...c, sessionId: session.id, by: actor.userId }, transaction },
      );
    }
    await platform.audit.record(actor, { action: 'training.attendance.save', subjectType: 'training_session', subjectId: session.id, details: { rows: changes.length } }, transaction);
  });
  return changes.length;
}

// ---- The participants report ----

const COLUMN_NAMES: Record<'name' | 'email' | 'join' | 'leave' | 'duration', string[]> = {
  name: ['name', 'nome', 'full name', 'nome completo', 'partecipante', 'participant', 'nome (nome originale)', 'name (original name)'],
  email: ['email', 'e-mail', 'mail', 'indirizzo email', 'indirizzo e-mail', 'user email', 'email address'],
  join: ['join time', 'join', 'ingresso', 'ora di ingresso', 'ora ingresso', 'entrata', 'first join', 'joined', 'orario di ingresso'],
  leave: ['leave time', 'leave', 'uscita', 'ora di uscita', 'ora uscita', 'last leave', 'left', 'orario di uscita'],
  duration: ['duration', 'durata', 'duration (minutes)', 'durata (minuti)', 'minutes', 'minuti', 'in-meeting duration', 'durata in riunione'],
};

export type ImportPerson = { email: string; name: string; rows: number; minutes: number; overlapped: boolean; passes: boolean; why: Message };
export type ImportReport = { people: ImportPerson[]; unknown: Array<{ email: string; name: string }>; saved: number };

function parseInstant(value: string, day: DateTime): DateTime | null {
  const v = value.trim().replace(/\s+/g, ' ').replace(', ', ' ');
  const formats = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm', 'dd/MM/yyyy HH:mm:ss', 'dd/MM/yyyy HH:mm', 'd/M/yyyy H:mm:ss', 'd/M/yyyy H:mm', 'dd/MM/yy HH:mm:ss', 'dd/MM/yy HH:mm', 'dd.MM.yyyy HH:mm:ss', 'dd.MM.yyyy HH:mm'];
  const iso = DateTime.fromISO(v.replace(' ', 'T'), { zone: ZONE });
  if (iso.isValid && /^\d{4}-\d{2}-\d{2}/.test(v)) return iso;
  for (const f of formats) {
    const d = DateTime.fromFormat(v, f, { zone: ZONE });
    if (d.isValid) return d;
  }
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (t && Number(t[1]) < 24 && Number(t[2]) < 60) return day.set({ hour: Number(t[1]), minute: Number(t[2]), second: Number(t[3] ?? 0), millisecond: 0 });
  return null;
}

/** Reads the report; throws a ValidationError on the `file` field naming the line of the first problem. */
export function readParticipantsReport(bytes: Buffer, sessionStart: Date, sessionMinutes: number): Map<string, { name: string; rows: number; intervals: Array<[number, number]> }> {
  const fail = (m: Message): never => {
    throw new ValidationError({ file: m });
  };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('training:import.encoding');
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim()) fail('training:import.empty');
  const firstLine = text.split(/\r?\n/, 1)[0];
  const delimiter = [';', '\t', ','].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch {
    return fail('training:import.unreadable');
  }
  const header = records[0].map((h) => h.toLowerCase().replace(/\s+/g, ' ').trim());
  const col = (k: keyof typeof COLUMN_NAMES) => header.findIndex((h) => COLUMN_NAMES[k].includes(h));
  const at = { name: col('name'), email: col('email'), join: col('join'), leave: col('leave'), duration: col('duration') };
  const missing = (['email', 'join', 'leave'] as const).filter((k) => at[k] < 0);
  if (missing.length) fail(msg('training:import.missingColumns', { columns: missing.map((k) => COLUMN_NAMES[k][0]).join(', ') }));
  const day = DateTime.fromJSDate(sessionStart).setZone(ZONE).startOf('day');
  const from = sessionStart.getTime();
  const to = from + sessionMinutes * 60_000;
  const people = new Map<string, { name: string; rows: number; intervals: Array<[number, number]> }>();
  for (let i = 1; i < records.length; i++) {
    const line = i + 1;
    const rec = records[i];
    if (rec.every((c) => !c)) continue;
    const email = (rec[at.email] ?? '').trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail(msg('training:import.badEmail', { line }));
    const join = parseInstant(rec[at.join] ?? '', day);
    const leave = parseInstant(rec[at.leave] ?? '', day);
    if (!join || !leave) fail(msg('training:import.badTime', { line }));
    if (leave!.toMillis() < join!.toMillis()) fail(msg('training:import.reversed', { line }));
    const p = people.get(email) ?? { name: at.name >= 0 ? (rec[at.name] ?? '').trim() : '', rows: 0, intervals: [] };
    p.rows++;
    // Only the time inside the session counts.
    const a = Math.max(join!.toMillis(), from);
    const b = Math.min(leave!.toMillis(), to);
    if (b > a) p.intervals.push([a, b]);
    people.set(email, p);
  }
  if (!people.size) fail('training:import.noRows');
  return people;
}

/** The union of intervals, in minutes, and whether any two overlapped. */
export function unionMinutes(intervals: Array<[number, number]>): { minutes: number; overlapped: boolean } {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  let total = 0;
  let overlapped = false;
  let cur: [number, number] | null = null;
  for (const iv of sorted) {
    if (cur && iv[0] < cur[1]) {
      overlapped = true;
      cur[1] = Math.max(cur[1], iv[1]);
    } else {
      if (cur) total += cur[1] - cur[0];
      cur = [iv[0], iv[1]];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return { minutes: Math.floor(total / 60_000), overlapped };
}

/** Imports the report: every registered person found gets present or absent by the rule, in one transaction. */
export async function importParticipants(platform: Platform, actor: Actor, sessionId: number, bytes: Buffer): Promise<ImportReport> {
  const { session, cycle } = await registerOf(platform, actor, sessionId);
  const people = readParticipantsReport(bytes, session.startsAt, session.durationMinutes);
  const confirmed = (await sessionRegistrations(platform, sessionId)).filter((r) => r.state === 'confirmed' && r.email);
  const byEmail = new Map(confirmed.map((r) => [r.email!.toLowerCase(), r]));
  const need = minutesNeeded(session.durationMinutes, cycle.attendancePercent);
  const report: ImportReport = { people: [], unknown: [], saved: 0 };
  await platform.sequelize.transaction(async (transaction) => {
    for (const [email, p] of people) {
      const reg = byEmail.get(email);
      if (!reg) {
        report.unknown.push({ email, name: p.name });
        continue;
      }
      const { minutes, overlapped } = unionMinutes(p.intervals);
      const status: AttendanceStatus = minutes >= need ? 'present' : 'absent';
      const verdict = attendanceVerdict(status, minutes, session.durationMinutes, cycle.attendancePercent);
      await platform.sequelize.query(
        `INSERT INTO training_attendance (registration_id, session_id, status, minutes, source, recorded_by) VALUES (:id, :sessionId, :status, :minutes, 'import', :by)
         ON CONFLICT (registration_id) DO UPDATE SET status = EXCLUDED.status, minutes = EXCLUDED.minutes, source = 'import', recorded_by = EXCLUDED.recorded_by, updated_at = now()`,
        { replacements: { id: reg.id, sessionId: session.id, status, minutes, by: actor.userId }, transaction },
      );
      report.people.push({ email, name: reg.name, rows: p.rows, minutes, overlapped, passes: verdict.passes, why: verdict.why });
      report.saved++;
    }
    await platform.audit.record(actor, { action: 'training.attendance.import', subjectType: 'training_session', subjectId: session.id, details: { saved: report.saved, unknown: report.unknown.length } }, transaction);
  });
  return report;
}
