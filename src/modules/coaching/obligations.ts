// The obligations calendar: the dated duties of a comune from the Piano triennale actions that carry
// a deadline (src/platform/reference/piano-triennale-azioni-pa.tsv), per body and per year, with the
// evidence the body records for each year (date done, link, note, files) and a reminder mailed to
// the body's RTD a configurable number of days before (a daily job; once per obligation and year).
//
// Which actions bind a comune is chosen here (OBLIGATION_SERIES); their dates come from the file:
// the month and year of its «deadline» column, the day its text names ("entro il 23 settembre")
// or the month's last day (so accessibility objectives by 31 March). The accessibility objectives
// and statement are yearly duties (L. 4/2004, AgID guidelines): they go on after the Piano's years.
import type { Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { formattersFor } from '../../platform/format.js';
import { pickLanguage } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { getSetting, setSetting } from '../../platform/settings.js';
import { parseInput } from '../../platform/validation.js';
import { pianoTriennaleAction } from '../../platform/vocabulary.js';
import { addDays, todayInRome } from '../tenders/index.js';
import { requireBody } from './assessments.js';
import { assertCanSee, assertCanWork, canWorkOnBody } from './policy.js';
import { obligationEvidenceSchema, reminderDaysSchema } from './schemas.js';
import { exec, one, rows } from './sql.js';

export const OBLIGATION_REMINDER_JOB = 'coaching.obligation-reminders';
export const REMINDER_DAYS_SETTING = 'coaching_obligation_reminder_days';
export const DEFAULT_REMINDER_DAYS = 30;

/** A duty of comuni: the Piano actions it is made of, and for which comuni (by population) it holds. */
export type ObligationSeries = {
  key: string;
  codes: readonly string[];
  /** A yearly duty: after the Piano's last year it comes back every year on the same day. */
  yearly?: boolean;
  /** Inhabitants, inclusive bounds (the Piano's open-data targets go by population). */
  population?: readonly [number, number];
};

// Labels: coaching:obligations.series.<key>
export const OBLIGATION_SERIES: readonly ObligationSeries[] = [
  { key: 'accessibilityObjectives', codes: ['CAP3.PA.09', 'CAP3.PA.13', 'CAP3.PA.15'], yearly: true },
  { key: 'accessibilityStatement', codes: ['CAP3.PA.11', 'CAP3.PA.14', 'CAP3.PA.16'], yearly: true },
  { key: 'strategicNeeds', codes: ['CAP2.PA.04', 'CAP2.PA.05', 'CAP2.PA.06'] },
  { key: 'digitalIndex', codes: ['CAP1.PA.11', 'CAP1.PA.12'] },
  { key: 'documentManagement', codes: ['CAP3.PA.17'] },
  { key: 'preservation', codes: ['CAP3.PA.18'] },
  { key: 'contractExecution', codes: ['CAP2.PA.02'] },
  { key: 'suapSolution', codes: ['CAP4.PA.13'] },
  { key: 'suapAdaptation', codes: ['CAP4.PA.14'] },
  { key: 'suapCatalogue', codes: ['CAP4.PA.16', 'CAP4.PA.17'] },
  { key: 'pagopa', codes: ['CAP4.PA.01'] },
  { key: 'appIo', codes: ['CAP4.PA.02'] },
  { key: 'send', codes: ['CAP4.PA.03'] },
  { key: 'openData', codes: ['CAP5.PA.10', 'CAP5.PA.15'], population: [5000, 9999] },
  { key: 'openData', codes: ['CAP5.PA.06', 'CAP5.PA.11', 'CAP5.PA.16'], population: [10000, 100000] },
  { key: 'openData', codes: ['CAP5.PA.07', 'CAP5.PA.12', 'CAP5.PA.17'], population: [100001, 250000] },
  { key: 'openData', codes: ['CAP5.PA.08', 'CAP5.PA.13', 'CAP5.PA.18'], population: [250001, Number.MAX_SAFE_INTEGER] },
  { key: 'aiPromotion', codes: ['CAP5.PA.21'] },
  { key: 'aiProcurement', codes: ['CAP5.PA.22'] },
  { key: 'aiDevelopment', codes: ['CAP5.PA.23'] },
  { key: 'aiApplications', codes: ['CAP5.PA.24'] },
  { key: 'nationalData', codes: ['CAP5.PA.25'] },
  { key: 'cloud', codes: ['CAP6.PA.10'] },
  { key: 'securityInventory', codes: ['CAP7.PA.09'] },
  { key: 'securityTools', codes: ['CAP7.PA.10'] },
  { key: 'cyberRisk', codes: ['CAP7.PA.11'] },
];

const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const iso = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/**
 * The due day of a Piano action from its deadline and text: "Marzo 2026" → 2026-03-31; "Settembre
 * 2026" with "entro il 23 settembre" in the text → 2026-09-23. null for an action without a date
 * ("Da marzo 2024" is a start, not a deadline; an empty deadline is an action in force).
 */
export function actionDueDate(deadline: string | null, text: string): string | null {
  const m = /^\s*([a-zà]+)\s+(\d{4})\s*$/i.exec(deadline ?? '');
  if (!m) return null;
  const month = MONTHS.indexOf(m[1].toLowerCase()) + 1;
  if (!month) return null;
  const year = Number(m[2]);
  const day = new RegExp(`entro il (\\d{1,2}) ${MONTHS[month - 1]}`, 'i').exec(text);
  const d = day ? Math.min(Number(day[1]), lastDay(year, month)) : lastDay(year, month);
  return iso(year, month, d);
}

export type Obligation = {
  series: string;
  code: string;
  year: number;
  dueOn: string;
  text: string;
  /** A yearly duty past the Piano's years (the code is the last one of its series). */
  recurring: boolean;
};

const applies = (s: ObligationSeries, population: number | null) => !s.population || (population !== null && population >= s.population[0] && population <= s.population[1]);

/** Every obligation of a comune of that population due in the year, by due day. */
export function obligationsOf(population: number | null, year: number): Obligation[] {
  const list: Obligation[] = [];
  for (const s of OBLIGATION_SERIES) {
    if (!applies(s, population)) continue;
    let last: Obligation | null = null;
    for (const code of s.codes) {
      const action = pianoTriennaleAction(code);
      const dueOn = action ? actionDueDate(action.deadline, action.text) : null;
      if (!action || !dueOn) continue;
      const o = { series: s.key, code: action.code, year: Number(dueOn.slice(0, 4)), dueOn, text: action.text, recurring: false };
      if (o.year === year) list.push(o);
      if (!last || o.dueOn > last.dueOn) last = o;
    }
    if (s.yearly && last && year > last.year) {
      const [, mm, dd] = last.dueOn.split('-').map(Number);
      list.push({ ...last, year, dueOn: iso(year, mm, Math.min(dd, lastDay(year, mm))), recurring: true });
    }
  }
  return list.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.code.localeCompare(b.code));
}

/** The years the calendar offers: the Piano's first year to the next one. */
export function calendarYears(today: string): number[] {
  const years: number[] = [];
  for (let y = 2024; y <= Number(today.slice(0, 4)) + 1; y++) years.push(y);
  return years;
}

export type ObligationState = 'done' | 'overdue' | 'soon' | 'todo';

export function obligationState(o: { dueOn: string; doneOn: string | null }, today: string, reminderDays: number): ObligationState {
  if (o.doneOn) return 'done';
  if (o.dueOn < today) return 'overdue';
  if (o.dueOn <= addDays(today, reminderDays)) return 'soon';
  return 'todo';
}

// ---- The body's calendar and its evidence ----

export async function reminderDays(platform: Platform): Promise<number> {
  const n = Number(await getSetting<number>(platform.sequelize, REMINDER_DAYS_SETTING, DEFAULT_REMINDER_DAYS));
  return Number.isInteger(n) && n >= 1 && n <= 180 ? n : DEFAULT_REMINDER_DAYS;
}

type RecordRow = { id: number; code: string; year: number; done_on: string | null; evidence_link: string | null; note: string | null; reminded_at: Date | null; updated_at: Date; updated_by_name: string | null };
type FileRow = { id: number; obligation_id: number; file_id: string; original_name: string; size: number };

export type ObligationView = Obligation & {
  state: ObligationState;
  doneOn: string | null;
  link: string | null;
  note: string | null;
  remindedAt: Date | null;
  updatedAt: Date | null;
  updatedBy: string | null;
  files: Array<{ id: number; name: string; size: number }>;
};

export async function obligationsPage(platform: Platform, viewer: Viewer, entityId: number, wantedYear: unknown) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const today = todayInRome();
  const years = calendarYears(today);
  const y = typeof wantedYear === 'string' && /^\d{4}$/.test(wantedYear) ? Number(wantedYear) : Number(today.slice(0, 4));
  const year = years.includes(y) ? y : Number(today.slice(0, 4));
  const days = await reminderDays(platform);
  const records = await rows<RecordRow>(
    platform,
    `SELECT o.id, o.code, o.year, o.done_on, o.evidence_link, o.note, o.reminded_at, o.updated_at, COALESCE(NULLIF(u.name, ''), u.email) AS updated_by_name
       FROM coaching_obligations o LEFT JOIN users u ON u.id = o.updated_by WHERE o.entity_id = :entityId AND o.year = :year`,
    { entityId, year },
  );
  const files = await rows<FileRow>(
    platform,
    `SELECT f.id, f.obligation_id, f.file_id, s.original_name, s.size FROM coaching_obligation_files f JOIN coaching_obligations o ON o.id = f.obligation_id JOIN stored_files s ON s.id = f.file_id
      WHERE o.entity_id = :entityId AND o.year = :year ORDER BY f.id`,
    { entityId, year },
  );
  const obligations: ObligationView[] = obligationsOf(body.population ?? null, year).map((o) => {
    const r = records.find((x) => x.code === o.code);
    return {
      ...o,
      state: obligationState({ dueOn: o.dueOn, doneOn: r?.done_on ?? null }, today, days),
      doneOn: r?.done_on ?? null,
      link: r?.evidence_link ?? null,
      note: r?.note ?? null,
      remindedAt: r?.reminded_at ?? null,
      updatedAt: r?.updated_at ?? null,
      updatedBy: r?.updated_by_name ?? null,
      files: r ? files.filter((f) => f.obligation_id === r.id).map((f) => ({ id: f.id, name: f.original_name, size: f.size })) : [],
    };
  });
  return { body, year, years, today, reminderDays: days, obligations, canRecord: canWorkOnBody(viewer, entityId), isStaffViewer: isStaff(viewer) };
}

/** One obligation of the body for a year, with its evidence (its page, where it is recorded). */
export async function obligationPage(platform: Platform, viewer: Viewer, entityId: number, year: number, code: string) {
  const data = await obligationsPage(platform, viewer, entityId, String(year));
  const obligation = data.year === year ? data.obligations.find((o) => o.code === code) : undefined;
  if (!obligation) throw new NotFoundError('coaching:error.notFound');
  return { body: data.body, year, obligation, reminderDays: data.reminderDays, canRecord: data.canRecord };
}

/** The obligation of the body with that code and year, or a 404 (another comune's, or not one of the calendar). */
function findObligation(population: number | null, year: number, code: string): Obligation {
  const o = obligationsOf(population, year).find((x) => x.code === code);
  if (!o) throw new NotFoundError('coaching:error.notFound');
  return o;
}

/**
 * Records the evidence of an obligation for a year: the day it was done (not in the future), a
 * link and a note, and a file (checked by the file store: empty, too large or disguised files are
 * refused) — all in one transaction, so a refused file saves nothing.
 */
export async function recordObligationEvidence(
  platform: Platform,
  actor: Actor,
  entityId: number,
  year: number,
  code: string,
  input: unknown,
  file: { path: string; originalName: string } | null,
): Promise<void> {
  assertCanWork(actor, entityId);
  const body = await requireBody(entityId);
  const o = findObligation(body.population ?? null, year, code);
  const data = parseInput(obligationEvidenceSchema, input);
  const today = todayInRome();
  if (data.doneOn > today) throw new ValidationError({ doneOn: msg('coaching:validation.doneInFuture') });
  await platform.sequelize.transaction(async (transaction) => {
    const existing = await one<{ id: number; evidence_link: string | null; files: number }>(
      platform,
      `SELECT o.id, o.evidence_link, (SELECT count(*)::int FROM coaching_obligation_files f WHERE f.obligation_id = o.id) AS files
         FROM coaching_obligations o WHERE o.entity_id = :entityId AND o.code = :code AND o.year = :year FOR UPDATE`,
      { entityId, code: o.code, year },
      transaction,
    );
    if (!file && !data.link && !existing?.evidence_link && !existing?.files) throw new ValidationError({ link: msg('coaching:validation.evidenceNeeded') });
    const row = await one<{ id: number }>(
      platform,
      `INSERT INTO coaching_obligations (entity_id, code, year, done_on, evidence_link, note, updated_by, updated_at)
       VALUES (:entityId, :code, :year, :doneOn, :link, :note, :by, now())
       ON CONFLICT (entity_id, code, year) DO UPDATE SET done_on = EXCLUDED.done_on, evidence_link = COALESCE(EXCLUDED.evidence_link, coaching_obligations.evidence_link),
         note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING id`,
      { entityId, code: o.code, year, doneOn: data.doneOn, link: data.link, note: data.note, by: actor.userId },
      transaction,
    );
    if (file) {
      const stored = await platform.files.save({ path: file.path, originalName: file.originalName, uploadedBy: actor.userId }, transaction);
      await exec(platform, `INSERT INTO coaching_obligation_files (obligation_id, file_id, uploaded_by) VALUES (:id, :fileId, :by)`, { id: row!.id, fileId: stored.id, by: actor.userId }, transaction);
    }
    await platform.audit.record(actor, { action: 'coaching.obligation.evidence', subjectType: 'coaching_obligation', subjectId: row!.id, entityId, details: { code: o.code, year, doneOn: data.doneOn, file: !!file } }, transaction);
  });
}

/** A file of an obligation's evidence, for whoever may see the body's coaching. */
export async function obligationFile(platform: Platform, viewer: Viewer, entityId: number, fileRowId: number): Promise<string> {
  assertCanSee(viewer, entityId);
  const r = await one<{ file_id: string }>(
    platform,
    `SELECT f.file_id FROM coaching_obligation_files f JOIN coaching_obligations o ON o.id = f.obligation_id WHERE f.id = :fileRowId AND o.entity_id = :entityId`,
    { fileRowId, entityId },
  );
  if (!r) throw new NotFoundError('coaching:error.notFound');
  return r.file_id;
}

/** Staff set how many days before its due day an obligation is reminded to the RTD (every body). */
export async function setReminderDays(platform: Platform, actor: Actor, input: unknown): Promise<number> {
  const { days } = parseInput(reminderDaysSchema, input);
  await setSetting(platform.sequelize, REMINDER_DAYS_SETTING, days);
  await platform.audit.record(actor, { action: 'coaching.obligation.reminderDays', subjectType: 'setting', subjectId: null, details: { days } });
  return days;
}

// ---- Reminders ----

type BodyRow = { id: number; name: string; population: number | null; rtd_email: string; rtd_name: string; rtd_locale: string | null };

/**
 * Mails the RTD of each adhering body about the obligations due within the reminder days that have
 * no evidence yet, once per obligation and year (a row claims it in the transaction that enqueues
 * the mail). `entityIds` limits the run (a test's own bodies). Returns the reminders sent.
 */
export async function sendObligationReminders(platform: Platform, opts: { today?: string; entityIds?: readonly number[] } = {}): Promise<number> {
  const today = opts.today ?? todayInRome();
  if (opts.entityIds && !opts.entityIds.length) return 0;
  const days = await reminderDays(platform);
  const until = addDays(today, days);
  const years = [...new Set([Number(today.slice(0, 4)), Number(until.slice(0, 4))])];
  const bodies = await rows<BodyRow>(
    platform,
    `SELECT e.id, e.name, e.population, u.email AS rtd_email, COALESCE(NULLIF(u.name, ''), u.email) AS rtd_name, u.locale AS rtd_locale
       FROM entities e JOIN users u ON u.id = e.rtd_user_id AND u.status = 'active'
      WHERE e.membership_status = 'active'${opts.entityIds ? ' AND e.id IN (:ids)' : ''} ORDER BY e.id`,
    { ids: opts.entityIds ?? [] },
  );
  let sent = 0;
  for (const b of bodies) {
    const due = years.flatMap((y) => obligationsOf(b.population, y)).filter((o) => o.dueOn >= today && o.dueOn <= until);
    for (const o of due) {
      const claimed = await platform.sequelize.transaction(async (transaction: Transaction) => {
        const row = await one<{ id: number }>(
          platform,
          `INSERT INTO coaching_obligations (entity_id, code, year, reminded_at) VALUES (:entityId, :code, :year, now())
           ON CONFLICT (entity_id, code, year) DO UPDATE SET reminded_at = now()
             WHERE coaching_obligations.reminded_at IS NULL AND coaching_obligations.done_on IS NULL
           RETURNING id`,
          { entityId: b.id, code: o.code, year: o.year },
          transaction,
        );
        if (!row) return false;
        const lang = pickLanguage(b.rtd_locale);
        const daysLeft = Math.round((Date.parse(`${o.dueOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
        const title = msg(`coaching:obligations.series.${o.series}`);
        await platform.mail.send(
          {
            to: b.rtd_email,
            lang,
            subject: msg('coaching:mail.obligation.subject', { title, days: daysLeft, body: b.name }),
            template: 'coaching-obligation',
            data: { name: b.rtd_name, body: b.name, title, code: o.code, text: o.text, due: formattersFor(lang).date(o.dueOn), days: daysLeft, link: `${platform.config.baseUrl}/affiancamento/${b.id}/scadenze?anno=${o.year}#obbligo-${o.code}` },
          },
          transaction,
        );
        await platform.audit.record(null, { action: 'coaching.obligation.remind', subjectType: 'coaching_obligation', subjectId: row.id, entityId: b.id, details: { code: o.code, year: o.year, dueOn: o.dueOn, days: daysLeft } }, transaction);
        return true;
      });
      if (claimed) sent++;
    }
  }
  return sent;
}

/** The next obligation without evidence of the body, for its page and the RTD's home. */
export async function nextObligation(platform: Platform, entityId: number, population: number | null): Promise<Obligation | null> {
  const today = todayInRome();
  const y = Number(today.slice(0, 4));
  const done = await rows<{ code: string; year: number }>(platform, `SELECT code, year FROM coaching_obligations WHERE entity_id = :entityId AND year IN (:years) AND done_on IS NOT NULL`, { entityId, years: [y, y + 1] });
  return [...obligationsOf(population, y), ...obligationsOf(population, y + 1)].find((o) => o.dueOn >= today && !done.some((d) => d.code === o.code && d.year === o.year)) ?? null;
}

