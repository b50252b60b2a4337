// The one iCalendar builder (over ical-generator): a calendar and its events, right about days and
// instants in a time zone. Areas map their own records to CalendarEvents; the web layer answers
// with icsResponse (src/web/responders.ts).
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';

export type { ICalCalendar };

export interface CalendarEvent {
  /** Stable across exports, so re-importing or refreshing a feed updates events instead of duplicating them. */
  uid: string;
  title: string;
  /** An instant, or a calendar day as "YYYY-MM-DD" (a day is always an all-day event). */
  date: Date | string;
  allDay: boolean;
  description?: string | null;
  url?: string | null;
  /** When the record last changed: clients compare it to notice an update. */
  updatedAt?: Date | null;
  /** The end of a timed event (an instant after `date`). */
  end?: Date | null;
  location?: string | null;
  /** An invitation's organiser and attendees (with their answer so far). */
  organizer?: { name: string; email: string } | null;
  attendees?: ReadonlyArray<{ name: string; email: string; answer?: 'accepted' | 'declined' | null }>;
  /** Revision of an invitation: raise it at every change, so clients replace the earlier copy. */
  sequence?: number;
  status?: 'confirmed' | 'cancelled' | null;
}

export interface CalendarOptions {
  name: string;
  /** e.g. "//CIT Hub//Gare ICT//IT". */
  prodId: string;
  timeZone: string;
  /** DTSTAMP of the events without updatedAt; defaults to the current time. */
  now?: Date;
  /** iTIP method: REQUEST for an invitation sent by mail, CANCEL for its withdrawal; none for a feed. */
  method?: 'REQUEST' | 'CANCEL' | 'PUBLISH';
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Timed events are written in UTC: that is exact without a VTIMEZONE block, which ical-generator can
 * only add through an external time-zone database. The zone still goes into X-WR-TIMEZONE for clients
 * that use it for display, and it decides the calendar day of all-day events given as a Date.
 */
export function buildCalendar(events: readonly CalendarEvent[], opts: CalendarOptions): ICalCalendar {
  if (!DateTime.local().setZone(opts.timeZone).isValid) throw new RangeError(`Unknown time zone: ${opts.timeZone}`);
  const calendar = ical({ name: opts.name, prodId: opts.prodId });
  if (opts.method) calendar.method(ICalCalendarMethod[opts.method]);
  calendar.x('X-WR-TIMEZONE', opts.timeZone);
  const stamp = opts.now ?? new Date();
  for (const e of events) {
    const allDay = e.allDay || (typeof e.date === 'string' && DAY_RE.test(e.date));
    const event = calendar.createEvent({
      id: e.uid,
      summary: e.title,
      start: allDay ? dayOf(e.date, opts.timeZone) : instantOf(e.date),
      allDay,
      stamp: e.updatedAt ?? stamp,
    });
    if (e.updatedAt) event.lastModified(e.updatedAt);
    if (e.description) event.description(e.description);
    if (e.url) event.url(e.url);
    if (e.end && !allDay) event.end(instantOf(e.end));
    if (e.location) event.location(e.location);
    if (e.organizer) event.organizer({ name: e.organizer.name, email: e.organizer.email });
    for (const a of e.attendees ?? []) {
      const status = a.answer === 'accepted' ? ICalAttendeeStatus.ACCEPTED : a.answer === 'declined' ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.NEEDSACTION;
      event.createAttendee({ name: a.name, email: a.email, role: ICalAttendeeRole.REQ, status, rsvp: !a.answer });
    }
    if (e.sequence !== undefined) event.sequence(e.sequence);
    if (e.status) event.status(e.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED);
  }
  return calendar;
}

/** A luxon DateTime at the start of the day in the zone: ical-generator writes it as VALUE=DATE. */
function dayOf(date: Date | string, zone: string): DateTime {
  const at = date instanceof Date ? DateTime.fromJSDate(date, { zone }) : DateTime.fromISO(date, { zone, setZone: false });
  if (!at.isValid) throw new RangeError(`Invalid event date: ${String(date)}`);
  return at.setZone(zone).startOf('day');
}

function instantOf(date: Date | string): Date {
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime()) || (typeof date === 'string' && !DateTime.fromISO(date).isValid)) {
    throw new RangeError(`Invalid event date: ${String(date)}`);
  }
  return d;
}
