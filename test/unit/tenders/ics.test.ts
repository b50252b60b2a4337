import { expect } from 'chai';
import ICAL from 'ical.js';
import { milestoneUid, milestonesCalendar, type IcsMilestone, type IcsOptions } from '../../../src/modules/tenders/ics.js';

const milestonesToIcs = (milestones: IcsMilestone[], opts: IcsOptions) => milestonesCalendar(milestones, opts).toString();

const OPTS = {
  calendarName: 'Scadenze gara: servizi cloud',
  prodId: '//CIT Hub//Gare ICT//IT',
  timeZone: 'Europe/Rome',
  now: new Date('2026-02-01T09:00:00Z'),
};

const MILESTONES: IcsMilestone[] = [
  { id: 11, title: 'Scadenza raccolta fabbisogni', date: '2026-01-15', allDay: true },
  {
    id: 12,
    title: 'Scadenza presentazione offerte, ore 12',
    date: new Date('2026-03-05T11:00:00Z'),
    allDay: false,
    description: 'Offerte solo tramite la piattaforma telematica; niente PEC.',
    url: 'https://cithub.example.it/gare/2026-1',
  },
  // 23:30 UTC on 9 April is 10 April in Rome: the all-day event must fall on the 10th.
  { id: 13, title: 'Aggiudicazione', date: new Date('2026-04-09T23:30:00Z'), allDay: true },
  // A bare day is a whole day even if the caller forgot to say so.
  { id: 14, title: 'Stipula', date: '2026-05-20', allDay: false },
];

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
  return { calendar, events };
}

describe('tenders/ics', () => {
  it('writes one event per milestone with its summary and stable UID', () => {
    const { calendar, events } = parse(milestonesToIcs(MILESTONES, OPTS));
    expect(calendar.getFirstPropertyValue('prodid')).to.contain('CIT Hub');
    expect(calendar.getFirstPropertyValue('x-wr-calname')).to.equal(OPTS.calendarName);
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).to.equal('Europe/Rome');
    expect(events.map((e) => [e.uid, e.summary])).to.deep.equal([
      ['milestone-11@cithub', 'Scadenza raccolta fabbisogni'],
      ['milestone-12@cithub', 'Scadenza presentazione offerte, ore 12'],
      ['milestone-13@cithub', 'Aggiudicazione'],
      ['milestone-14@cithub', 'Stipula'],
    ]);
  });

  it('keeps the UID of a milestone across exports, so calendars update instead of duplicating', () => {
    const first = parse(milestonesToIcs(MILESTONES, OPTS)).events;
    const moved = MILESTONES.map((m) => (m.id === 12 ? { ...m, date: new Date('2026-03-12T11:00:00Z') } : m));
    const second = parse(milestonesToIcs(moved, { ...OPTS, now: new Date('2026-02-05T09:00:00Z') })).events;
    expect(second.map((e) => e.uid)).to.deep.equal(first.map((e) => e.uid));
    expect(second[1].startDate.toJSDate().toISOString()).to.equal('2026-03-12T11:00:00.000Z');
    expect(milestoneUid(12)).to.equal('milestone-12@cithub');
    expect(milestoneUid('a7', 'cit.example.it')).to.equal('milestone-a7@cit.example.it');
  });

  it('writes all-day milestones as dates on the right day in Rome', () => {
    const { events } = parse(milestonesToIcs(MILESTONES, OPTS));
    const days = events.filter((e) => e.startDate.isDate).map((e) => [e.uid, e.startDate.toString()]);
    expect(days).to.deep.equal([
      ['milestone-11@cithub', '2026-01-15'],
      ['milestone-13@cithub', '2026-04-10'],
      ['milestone-14@cithub', '2026-05-20'],
    ]);
  });

  it('writes timed milestones as exact instants', () => {
    const { events } = parse(milestonesToIcs(MILESTONES, OPTS));
    const offers = events[1];
    expect(offers.startDate.isDate).to.equal(false);
    expect(offers.startDate.zone?.tzid).to.equal('UTC');
    expect(offers.startDate.toJSDate().toISOString()).to.equal('2026-03-05T11:00:00.000Z');
    expect(offers.description).to.equal('Offerte solo tramite la piattaforma telematica; niente PEC.');
    expect(offers.component.getFirstPropertyValue('url')).to.equal('https://cithub.example.it/gare/2026-1');
  });

  it('stamps events with the given time and with the last change when known', () => {
    const withChange = [{ ...MILESTONES[0], updatedAt: new Date('2026-01-10T08:00:00Z') }, MILESTONES[1]];
    const { events } = parse(milestonesToIcs(withChange, OPTS));
    const stamp = (i: number) => (events[i].component.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString();
    expect(stamp(0)).to.equal('2026-01-10T08:00:00.000Z');
    expect(stamp(1)).to.equal('2026-02-01T09:00:00.000Z');
    const lastModified = events[0].component.getFirstPropertyValue('last-modified') as ICAL.Time;
    expect(lastModified.toJSDate().toISOString()).to.equal('2026-01-10T08:00:00.000Z');
  });

  it('escapes text so commas, semicolons and new lines survive', () => {
    const ics = milestonesToIcs(
      [{ id: 1, title: 'Lotti 1, 2; verifica', date: '2026-06-01', allDay: true, description: 'Riga 1\nRiga 2' }],
      OPTS,
    );
    const [event] = parse(ics).events;
    expect(event.summary).to.equal('Lotti 1, 2; verifica');
    expect(event.description).to.equal('Riga 1\nRiga 2');
  });

  it('gives an empty but valid calendar when there is nothing to show', () => {
    const { calendar, events } = parse(milestonesToIcs([], OPTS));
    expect(calendar.name).to.equal('vcalendar');
    expect(events).to.have.length(0);
  });

  it('refuses malformed dates and unknown time zones', () => {
    expect(() => milestonesToIcs([{ id: 1, title: 'x', date: '05/03/2026', allDay: true }], OPTS)).to.throw(RangeError);
    expect(() => milestonesToIcs([{ id: 1, title: 'x', date: 'domani', allDay: false }], OPTS)).to.throw(RangeError);
    expect(() => milestonesToIcs([], { ...OPTS, timeZone: 'Europe/Atlantide' })).to.throw(RangeError);
  });
});
