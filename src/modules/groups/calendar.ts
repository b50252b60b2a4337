// The meetings as iCalendar: the invitation sent with the convocation (METHOD:REQUEST, the
// recipient among the attendees), a meeting's own file and the group's feed.
import type { Platform } from '../../platform/context.js';
import { buildCalendar, type CalendarEvent, type ICalCalendar } from '../../platform/ics.js';
import { messageTranslator } from '../../platform/i18n.js';

type Meeting = { id: number; title: string; starts_at: Date; ends_at: Date; place: string | null; link: string | null; state: string; sequence: number; updated_at: Date };
type Group = { id: number; name: string };
type Item = { title: string; presenter: string | null };
type Person = { name: string; email: string; answer: 'yes' | 'no' | null };

const PROD_ID = '//CIT Hub//Tavoli e gruppi di lavoro//IT';
const tm = messageTranslator('it');

export const meetingUid = (platform: Platform, id: number): string => `groups-meeting-${id}@${new URL(platform.config.baseUrl).hostname}`;

function eventOf(platform: Platform, m: Meeting, group: Group, items: readonly Item[] = []): CalendarEvent {
  const agenda = items.map((i, n) => `${n + 1}. ${i.title}${i.presenter ? ` (${i.presenter})` : ''}`).join('\n');
  return {
    uid: meetingUid(platform, m.id),
    title: `${group.name}: ${m.title}`,
    date: m.starts_at,
    end: m.ends_at,
    allDay: false,
    location: [m.place, m.link].filter(Boolean).join(' · ') || null,
    description: [agenda ? `${tm('groups:agenda.title')}:\n${agenda}` : '', m.link ?? ''].filter(Boolean).join('\n\n') || null,
    url: `${platform.config.baseUrl}/tavoli/sedute/${m.id}`,
    updatedAt: m.updated_at,
    sequence: m.sequence,
    status: m.state === 'cancelled' ? 'cancelled' : 'confirmed',
  };
}

/** The invitation one person receives with the convocation. */
export function meetingInvitation(platform: Platform, data: { meeting: Meeting; group: Group; items: readonly Item[] }, to: Person): ICalCalendar {
  const event = eventOf(platform, data.meeting, data.group, data.items);
  event.organizer = { name: platform.config.centre.name, email: platform.config.centre.email };
  event.attendees = [{ name: to.name, email: to.email, answer: to.answer === 'yes' ? 'accepted' : to.answer === 'no' ? 'declined' : null }];
  return buildCalendar([event], { name: data.group.name, prodId: PROD_ID, timeZone: 'Europe/Rome', method: 'REQUEST' });
}

/** The withdrawal of an invitation when the sitting is cancelled: same UID, the raised SEQUENCE, STATUS:CANCELLED. */
export function meetingCancellation(platform: Platform, data: { meeting: Meeting; group: Group; items: readonly Item[] }, to: Person): ICalCalendar {
  const event = eventOf(platform, data.meeting, data.group, data.items);
  event.status = 'cancelled';
  event.organizer = { name: platform.config.centre.name, email: platform.config.centre.email };
  event.attendees = [{ name: to.name, email: to.email, answer: to.answer === 'yes' ? 'accepted' : to.answer === 'no' ? 'declined' : null }];
  return buildCalendar([event], { name: data.group.name, prodId: PROD_ID, timeZone: 'Europe/Rome', method: 'CANCEL' });
}

/** One meeting's .ics (to add it to a calendar by hand). */
export function meetingCalendar(platform: Platform, meeting: Meeting, group: Group, items: readonly Item[]): ICalCalendar {
  return buildCalendar([eventOf(platform, meeting, group, items)], { name: group.name, prodId: PROD_ID, timeZone: 'Europe/Rome' });
}

/** The group's feed: every meeting that was convened. */
export function groupFeed(platform: Platform, group: Group, meetings: readonly Meeting[]): ICalCalendar {
  return buildCalendar(
    meetings.map((m) => eventOf(platform, m, group)),
    { name: group.name, prodId: PROD_ID, timeZone: 'Europe/Rome' },
  );
}
