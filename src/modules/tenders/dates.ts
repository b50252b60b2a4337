// Calendar helpers of the area: every day is a day in Rome.
import { DateTime } from 'luxon';
import type { Message } from '../../platform/messages.js';
import { dueMessage } from './messages.js';
import { TIME_ZONE, type DateInput } from './procurement.js';

export function todayInRome(now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone: TIME_ZONE }).toISODate()!;
}

export function addDays(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: TIME_ZONE }).plus({ days: n }).toISODate()!;
}

/** A milestone's due moment: the instant when it has a time of day, else the calendar day. */
export function milestoneDate(m: { dueOn: string; dueTime: string | null }): DateInput {
  return m.dueTime ? DateTime.fromISO(`${m.dueOn}T${m.dueTime}`, { zone: TIME_ZONE }).toJSDate() : m.dueOn;
}

/** The instant a day-only deadline ends (23:59:59.999 in Rome), or the instant itself. */
export function endOf(m: { dueOn: string; dueTime: string | null }): Date {
  return m.dueTime
    ? DateTime.fromISO(`${m.dueOn}T${m.dueTime}`, { zone: TIME_ZONE }).toJSDate()
    : DateTime.fromISO(m.dueOn, { zone: TIME_ZONE }).endOf('day').toJSDate();
}

/** "15/03/2026", or a Message for "15/03/2026 ore 12:00" ("15/03/2026 at 12:00"). */
export function formatDue(m: { dueOn: string; dueTime: string | null }): Message {
  return dueMessage(DateTime.fromISO(m.dueOn, { zone: TIME_ZONE }).toFormat('dd/MM/yyyy'), m.dueTime);
}

export function formatDay(day: string): string {
  return DateTime.fromISO(day, { zone: TIME_ZONE }).toFormat('dd/MM/yyyy');
}
