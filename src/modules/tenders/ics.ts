// The calendar of a dossier's milestones: milestones mapped to the platform's calendar events.
import { buildCalendar, type CalendarEvent, type ICalCalendar } from '../../platform/ics.js';

/** A milestone as a calendar event: its own id instead of the UID, which is derived from it. */
export type IcsMilestone = Omit<CalendarEvent, 'uid'> & { id: string | number };

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

/** Stable per milestone, so re-importing or refreshing a feed updates events instead of duplicating them. */
export function milestoneUid(id: string | number, uidDomain = 'cithub'): string {
  return `milestone-${id}@${uidDomain}`;
}

export function milestonesCalendar(milestones: readonly IcsMilestone[], opts: IcsOptions): ICalCalendar {
  return buildCalendar(
    milestones.map((m) => ({ ...m, uid: milestoneUid(m.id, opts.uidDomain) })),
    { name: opts.calendarName, prodId: opts.prodId, timeZone: opts.timeZone, now: opts.now },
  );
}
