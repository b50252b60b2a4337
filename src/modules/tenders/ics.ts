// ICS feed of a dossier's milestones, built with ical-generator.
import ical, { type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';

export interface IcsMilestone {
  id: string | number;
  title: string;
  /** An instant, or a calendar day as "YYYY-MM-DD" (a day is always an all-day event). */
  date: Date | string;
  allDay: boolean;
  description?: string | null;
  url?: string | null;
  /** When the milestone last changed: clients compare it to notice an update. */
  updatedAt?: Date | null;
}

export interface IcsOptions {
  calendarName: string;
  /** e.g. "//CIT Hub//Gare ICT//IT". */
  prodId: string;
  timeZone: string;
  /** Right-hand side of the UIDs; "cithub" gives "milestone-12@cithub". */
  uidDomain?: string;
  /** DTSTAMP of the events; defaults to the current time. */
  now?: Date;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Stable per milestone, so re-importing or refreshing a feed updates events instead of duplicating them. */
export function milestoneUid(id: string | number, uidDomain = 'cithub'): string {
  return `milestone-${id}@${uidDomain}`;
}

/**
 * Timed milestones are written in UTC: that is exact without a VTIMEZONE block, which
 * ical-generator can only add through an external time-zone database. The zone still goes into
 * X-WR-TIMEZONE for clients that use it for display, and it decides the calendar day of all-day
 * milestones given as a Date.
 */
export function milestonesToIcs(milestones: readonly IcsMilestone[], opts: IcsOptions): string {
  if (!DateTime.local().setZone(opts.timeZone).isValid) throw new RangeError(`Unknown time zone: ${opts.timeZone}`);
  const calendar: ICalCalendar = ical({ name: opts.calendarName, prodId: opts.prodId });
  calendar.x('X-WR-TIMEZONE', opts.timeZone);
  const stamp = opts.now ?? new Date();

  for (const m of milestones) {
    const isDayString = typeof m.date === 'string' && DAY_RE.test(m.date);
    const allDay = m.allDay || isDayString;
    const start = allDay ? dayOf(m.date, opts.timeZone) : instantOf(m.date);
    const event = calendar.createEvent({
      id: milestoneUid(m.id, opts.uidDomain),
      summary: m.title,
      start,
      allDay,
      stamp: m.updatedAt ?? stamp,
    });
    if (m.updatedAt) event.lastModified(m.updatedAt);
    if (m.description) event.description(m.description);
    if (m.url) event.url(m.url);
  }
  return calendar.toString();
}

/** A luxon DateTime at the start of the day in the zone: ical-generator writes it as VALUE=DATE. */
function dayOf(date: Date | string, zone: string): DateTime {
  const at =
    date instanceof Date
      ? DateTime.fromJSDate(date, { zone })
      : DateTime.fromISO(date, { zone, setZone: false });
  if (!at.isValid) throw new RangeError(`Invalid milestone date: ${String(date)}`);
  return at.setZone(zone).startOf('day');
}

function instantOf(date: Date | string): Date {
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime()) || (typeof date === 'string' && !DateTime.fromISO(date).isValid)) {
    throw new RangeError(`Invalid milestone date: ${String(date)}`);
  }
  return d;
}
