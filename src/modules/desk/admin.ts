// Admin settings of the desk: the business calendar (opening hours, working days, local holidays such
// as the lead body's patron saint) and the desk's SLA targets, auto-close delay and supervisors.
import { DateTime } from 'luxon';
import type { Actor } from '../../platform/actor.js';
import { createBusinessCalendar, type BusinessCalendar, type IsoWeekday, type LocalHolidayInput } from '../../platform/calendar.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { CALENDAR_SETTING, getSetting, setSetting, type CalendarSetting } from '../../platform/settings.js';
import { parseInput } from '../../platform/validation.js';
import { activeStaff, findPeople, STAFF_ROLES } from '../accounts/index.js';
import { deskConfig, saveDeskSettings, type DeskSettings } from './config.js';
import { canManageSettings } from './policy.js';
import { calendarHoursSchema, deskSettingsSchema, holidaySchema } from './schemas.js';
import { REQUEST_CATEGORIES } from './states.js';

export const SLA_RECOMPUTE_JOB = 'desk.sla-recompute';

function assertAdmin(actor: Actor, action: string): void {
  if (!canManageSettings(actor)) throw new ForbiddenError(msg('desk:error.adminOnly'), action);
}

export type NormalisedCalendar = { openingTime: string; closingTime: string; workingDays: IsoWeekday[]; localHolidays: Array<{ date: string; name: string }> };

export async function calendarSetting(platform: Platform): Promise<NormalisedCalendar> {
  const stored = await getSetting<Partial<CalendarSetting>>(platform.sequelize, CALENDAR_SETTING, {});
  // A holiday stored without a name is called "local holiday" in the reader's language (a Message; views print tm(name)).
  const unnamed = msg('desk:calendar.localHoliday');
  const holidays = (stored.localHolidays ?? []).map((h: LocalHolidayInput) => (typeof h === 'string' ? { date: h, name: unnamed } : { date: h.date, name: h.name ?? unnamed }));
  return {
    openingTime: stored.openingTime ?? '09:00',
    closingTime: stored.closingTime ?? '17:00',
    workingDays: [...(stored.workingDays ?? [1, 2, 3, 4, 5])] as IsoWeekday[],
    localHolidays: holidays.sort((a, b) => (a.date.length - b.date.length) || a.date.localeCompare(b.date)),
  };
}

async function saveCalendar(platform: Platform, actor: Actor, next: NormalisedCalendar, details: Record<string, unknown>): Promise<void> {
  try {
    createBusinessCalendar({ timeZone: 'Europe/Rome', ...next });
  } catch (err) {
    throw new ValidationError({ _form: msg('desk:error.calendarInvalid', { reason: (err as Error).message }) });
  }
  await setSetting(platform.sequelize, CALENDAR_SETTING, next);
  await platform.audit.record(actor, { action: 'desk.calendar-updated', subjectType: 'setting', subjectId: CALENDAR_SETTING, details });
  await platform.jobs.send(SLA_RECOMPUTE_JOB, {}, { singletonKey: 'desk-sla-recompute' });
}

export async function saveCalendarHours(platform: Platform, actor: Actor, input: unknown): Promise<void> {
  assertAdmin(actor, 'desk.calendar');
  const data = parseInput(calendarHoursSchema, input);
  const current = await calendarSetting(platform);
  const workingDays = [...new Set(data.workingDays)].sort() as IsoWeekday[];
  await saveCalendar(platform, actor, { ...current, openingTime: data.openingTime, closingTime: data.closingTime, workingDays }, { openingTime: data.openingTime, closingTime: data.closingTime, workingDays });
}

export async function addLocalHoliday(platform: Platform, actor: Actor, input: unknown): Promise<{ date: string; name: string }> {
  assertAdmin(actor, 'desk.calendar');
  const data = parseInput(holidaySchema, input);
  const current = await calendarSetting(platform);
  if (current.localHolidays.some((h) => h.date === data.date)) throw new ValidationError({ date: msg('desk:error.holidayExists') });
  await saveCalendar(platform, actor, { ...current, localHolidays: [...current.localHolidays, data] }, { added: data });
  return data;
}

export async function removeLocalHoliday(platform: Platform, actor: Actor, date: unknown): Promise<boolean> {
  assertAdmin(actor, 'desk.calendar');
  const current = await calendarSetting(platform);
  const remaining = current.localHolidays.filter((h) => h.date !== date);
  if (remaining.length === current.localHolidays.length) return false;
  await saveCalendar(platform, actor, { ...current, localHolidays: remaining }, { removed: date });
  return true;
}

/** Closed days (national and local holidays on working days) in the next `days` days, national ones named in `lang`; `weekday` is ISO (1 = Monday, named by desk:weekday.<n>). */
export function upcomingHolidays(calendar: BusinessCalendar, from: Date, lang = 'it', days = 366): Array<{ date: string; name: string; weekday: number }> {
  const out: Array<{ date: string; name: string; weekday: number }> = [];
  let day = DateTime.fromJSDate(from, { zone: calendar.config.timeZone }).startOf('day');
  for (let i = 0; i < days; i++, day = day.plus({ days: 1 })) {
    const iso = day.toISODate()!;
    const name = calendar.holidayName(iso, lang);
    if (name) out.push({ date: iso, name, weekday: day.weekday });
  }
  return out;
}

export async function deskSettingsView(platform: Platform) {
  const { settings, calendar } = await deskConfig(platform.sequelize);
  const staff = await activeStaff();
  return { settings, calendar, staff };
}

export function deskSettingsValues(settings: DeskSettings): Record<string, unknown> {
  const values: Record<string, unknown> = {
    autoCloseBusinessDays: String(settings.autoCloseBusinessDays),
    warningPercent: String(Math.round(settings.warningRatio * 100)),
    supervisorIds: settings.supervisorIds.map(String),
  };
  for (const c of REQUEST_CATEGORIES) {
    values[`firstResponse_${c}`] = String(settings.slaTargets[c].firstResponseMinutes / 60).replace('.', ',');
    values[`resolution_${c}`] = String(settings.slaTargets[c].resolutionMinutes / 60).replace('.', ',');
  }
  return values;
}

export async function saveDeskSettingsForm(platform: Platform, actor: Actor, input: unknown): Promise<void> {
  assertAdmin(actor, 'desk.settings');
  const data = parseInput(deskSettingsSchema(REQUEST_CATEGORIES), input) as Record<string, unknown>;
  const slaTargets = {} as DeskSettings['slaTargets'];
  const fields: Record<string, string> = {};
  for (const c of REQUEST_CATEGORIES) {
    const first = data[`firstResponse_${c}`] as number;
    const resolution = data[`resolution_${c}`] as number;
    if (resolution < first) fields[`resolution_${c}`] = msg('desk:error.resolutionBeforeFirst', { category: `desk:category.${c}` });
    slaTargets[c] = { firstResponseMinutes: first, resolutionMinutes: resolution };
  }
  const supervisorIds = data.supervisorIds as number[];
  if (supervisorIds.length) {
    const valid = (await findPeople(supervisorIds)).filter((u) => STAFF_ROLES.includes(u.role)).length;
    if (valid !== new Set(supervisorIds).size) fields.supervisorIds = msg('desk:error.supervisorsInvalid');
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const { settings } = await deskConfig(platform.sequelize);
  const next: DeskSettings = { ...settings, slaTargets, autoCloseBusinessDays: data.autoCloseBusinessDays as number, warningRatio: (data.warningPercent as number) / 100, supervisorIds: [...new Set(supervisorIds)] };
  await saveDeskSettings(platform.sequelize, next);
  await platform.audit.record(actor, { action: 'desk.settings-updated', subjectType: 'setting', subjectId: 'desk', details: { autoCloseBusinessDays: next.autoCloseBusinessDays, warningRatio: next.warningRatio, supervisors: next.supervisorIds.length } });
  await platform.jobs.send(SLA_RECOMPUTE_JOB, {}, { singletonKey: 'desk-sla-recompute' });
}
