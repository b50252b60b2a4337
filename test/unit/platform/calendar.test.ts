import { expect } from 'chai';
import { createBusinessCalendar } from '../../../src/platform/calendar.js';

// Instants are written in UTC on purpose: Rome is UTC+1 until 29 March 2026 02:00,
// UTC+2 until 25 October 2026 03:00, then UTC+1 again (UTC+2 from 28 March 2027).
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('platform/calendar', () => {
  const cal = createBusinessCalendar();

  describe('options', () => {
    it('defaults to Mon–Fri 9–17 Europe/Rome with Italian holidays', () => {
      expect(cal.config).to.deep.equal({
        timeZone: 'Europe/Rome',
        workingDays: [1, 2, 3, 4, 5],
        openingTime: '09:00',
        closingTime: '17:00',
        country: 'IT',
        localHolidays: [],
      });
    });

    it('refuses an opening time that is not before the closing time', () => {
      expect(() => createBusinessCalendar({ openingTime: '17:00', closingTime: '17:00' })).to.throw(
        RangeError,
        /closingTime/,
      );
      expect(() => createBusinessCalendar({ openingTime: '18:00' })).to.throw(RangeError);
    });

    it('refuses malformed times, zones, countries, working days and local holidays', () => {
      expect(() => createBusinessCalendar({ openingTime: '9:00' })).to.throw(RangeError, /openingTime/);
      expect(() => createBusinessCalendar({ closingTime: '25:00' })).to.throw(RangeError, /closingTime/);
      expect(() => createBusinessCalendar({ timeZone: 'Europe/Atlantide' })).to.throw(RangeError, /timeZone/);
      expect(() => createBusinessCalendar({ country: 'XX' })).to.throw(RangeError, /country/);
      expect(() => createBusinessCalendar({ workingDays: [] })).to.throw(RangeError, /workingDays/);
      expect(() => createBusinessCalendar({ localHolidays: ['13-01'] })).to.throw(RangeError, /localHolidays/);
      expect(() => createBusinessCalendar({ localHolidays: ['2026-02-29'] })).to.throw(RangeError);
      expect(() => createBusinessCalendar({ localHolidays: ['26/08'] })).to.throw(RangeError);
    });

    it('accepts a recurring 29 February and a closing time of 24:00', () => {
      const c = createBusinessCalendar({ localHolidays: ['02-29'], closingTime: '24:00' });
      expect(c.isBusinessDay('2028-02-29')).to.equal(false);
      expect(c.isBusinessDay('2027-03-01')).to.equal(true);
      // Monday 2 March 2026, 23:59:59.999 Rome is still open
      expect(c.isWithinBusinessHours(at('2026-03-02T22:59:59.999Z'))).to.equal(true);
      expect(c.isWithinBusinessHours(at('2026-03-02T23:00:00.000Z'))).to.equal(false);
    });
  });

  describe('business days and holidays', () => {
    it('treats Saturday and Sunday as closed', () => {
      expect(cal.isBusinessDay('2026-03-27')).to.equal(true); // Friday
      expect(cal.isBusinessDay('2026-03-28')).to.equal(false);
      expect(cal.isBusinessDay('2026-03-29')).to.equal(false);
      expect(cal.isBusinessDay('2026-03-30')).to.equal(true);
    });

    it('reads an instant as the local day in Rome, not the UTC day', () => {
      // Friday 23:30 UTC is already Saturday 00:30 in Rome
      expect(cal.isBusinessDay(at('2026-03-27T23:30:00Z'))).to.equal(false);
      // Sunday 22:30 UTC (summer) is already Monday 00:30 in Rome
      expect(cal.isBusinessDay(at('2026-03-29T22:30:00Z'))).to.equal(true);
    });

    it('knows every Italian national public holiday of 2026 by its Italian name', () => {
      const expected: Record<string, string> = {
        '2026-01-01': 'Capodanno',
        '2026-01-06': 'Epifania',
        '2026-04-05': 'Domenica di Pasqua',
        '2026-04-06': 'Lunedì dell’Angelo',
        '2026-04-25': 'Liberazione dal nazifascismo (1945)',
        '2026-05-01': 'Festa del lavoro',
        '2026-06-02': 'Festa della Repubblica',
        '2026-08-15': 'Assunzione di Maria',
        '2026-11-01': 'Ognissanti',
        '2026-12-08': 'Immacolata Concezione',
        '2026-12-25': 'Natale di Gesù',
        '2026-12-26': 'Santo Stefano',
      };
      for (const [day, name] of Object.entries(expected)) {
        expect(cal.holidayName(day), day).to.equal(name);
        expect(cal.isBusinessDay(day), day).to.equal(false);
      }
    });

    it('closes on Easter Monday 2026 (6 April) and 2027 (29 March)', () => {
      expect(cal.isBusinessDay('2026-04-06')).to.equal(false);
      expect(cal.isBusinessDay(at('2026-04-06T08:00:00Z'))).to.equal(false);
      expect(cal.isBusinessDay('2027-03-29')).to.equal(false);
      expect(cal.holidayName('2027-03-29')).to.equal('Lunedì dell’Angelo');
      expect(cal.isBusinessDay('2026-04-07')).to.equal(true);
      expect(cal.isBusinessDay('2027-04-05')).to.equal(true); // a Monday, not Easter Monday in 2027
    });

    it('follows date-holidays for 4 October, a national holiday again from 2026', () => {
      expect(cal.holidayName('2027-10-04')).to.equal("Festa nazionale di San Francesco d'Assisi");
      expect(cal.isBusinessDay('2027-10-04')).to.equal(false);
      expect(cal.isBusinessDay('2024-10-04')).to.equal(true);
    });

    it('names national holidays in the language asked for, local ones as they were given', () => {
      expect(cal.holidayName('2026-12-25', 'en')).to.equal('Christmas Day');
      expect(cal.holidayName('2026-06-02', 'en')).to.equal('Republic Day');
      expect(cal.holidayName('2026-06-02', 'it')).to.equal('Festa della Repubblica');
      const lecce = createBusinessCalendar({ localHolidays: [{ date: '08-26', name: "Sant'Oronzo" }] });
      expect(lecce.holidayName('2026-08-26', 'en')).to.equal("Sant'Oronzo");
      expect(cal.holidayName('2026-03-27', 'en')).to.equal(null);
    });

    it('returns null as holiday name on ordinary days', () => {
      expect(cal.holidayName('2026-03-27')).to.equal(null);
      expect(cal.holidayName('2026-03-28')).to.equal(null); // weekends are not holidays
    });

    it('counts only public holidays, not observances or bank holidays', () => {
      const de = createBusinessCalendar({ country: 'DE', timeZone: 'Europe/Berlin' });
      expect(de.isBusinessDay('2026-04-02')).to.equal(true); // Gründonnerstag: observance
      expect(de.isBusinessDay('2026-12-24')).to.equal(true); // Heiliger Abend: bank
      expect(de.holidayName('2026-12-24')).to.equal(null);
      expect(de.isBusinessDay('2026-04-03')).to.equal(false); // Karfreitag: public
      expect(de.isBusinessDay('2026-10-02')).to.equal(true);
    });

    it('ignores national holidays when the country is null', () => {
      const c = createBusinessCalendar({ country: null });
      expect(c.isBusinessDay('2026-04-06')).to.equal(true);
      expect(c.holidayName('2026-12-25')).to.equal(null);
    });

    it('closes on a recurring local holiday every year (Sant’Oronzo, 26 August)', () => {
      const lecce = createBusinessCalendar({ localHolidays: [{ date: '08-26', name: "Sant'Oronzo" }] });
      expect(lecce.isBusinessDay('2026-08-26')).to.equal(false); // Wednesday
      expect(lecce.isBusinessDay('2027-08-26')).to.equal(false); // Thursday
      expect(lecce.holidayName('2027-08-26')).to.equal("Sant'Oronzo");
      expect(lecce.isBusinessDay('2026-08-27')).to.equal(true);
      expect(cal.isBusinessDay('2026-08-26')).to.equal(true);
    });

    it('closes on a one-off local holiday only in its year, with a default name', () => {
      const c = createBusinessCalendar({ localHolidays: ['2026-12-24'] });
      expect(c.isBusinessDay('2026-12-24')).to.equal(false);
      expect(c.holidayName('2026-12-24')).to.equal('Festività locale');
      expect(c.isBusinessDay('2027-12-24')).to.equal(true);
    });

    it('lets a national holiday name win over a local one on the same day', () => {
      const c = createBusinessCalendar({ localHolidays: [{ date: '12-25', name: 'Festa locale' }] });
      expect(c.holidayName('2026-12-25')).to.equal('Natale di Gesù');
    });

    it('supports other working days', () => {
      const sixDays = createBusinessCalendar({ workingDays: [1, 2, 3, 4, 5, 6] });
      expect(sixDays.isBusinessDay('2026-03-28')).to.equal(true);
      expect(sixDays.isBusinessDay('2026-03-29')).to.equal(false);
    });

    it('places opening and closing in the right offset on a working day of a DST change', () => {
      const everyDay = createBusinessCalendar({ workingDays: [1, 2, 3, 4, 5, 6, 7] });
      // Sunday 29 March 2026: the clocks jump at 02:00, so 9:00 is already summer time
      expect(iso(everyDay.nextOpening(at('2026-03-29T00:00:00Z')))).to.equal('2026-03-29T07:00:00.000Z');
      // Sunday 25 October 2026: back to winter time at 03:00, so 17:00 is UTC+1
      expect(everyDay.isWithinBusinessHours(at('2026-10-25T15:30:00Z'))).to.equal(true);
      expect(everyDay.isWithinBusinessHours(at('2026-10-25T16:00:00Z'))).to.equal(false);
      expect(everyDay.businessMinutesBetween(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).to.equal(480);
    });

    it('refuses malformed local dates', () => {
      expect(() => cal.isBusinessDay('2026-02-30')).to.throw(TypeError);
      expect(() => cal.holidayName('27/03/2026')).to.throw(TypeError);
      expect(() => cal.isBusinessDay(new Date('not a date'))).to.throw(TypeError);
    });
  });

  describe('isWithinBusinessHours', () => {
    it('is open from 9:00 inclusive to 17:00 exclusive, in winter time', () => {
      expect(cal.isWithinBusinessHours(at('2026-03-27T07:59:59.999Z'))).to.equal(false);
      expect(cal.isWithinBusinessHours(at('2026-03-27T08:00:00Z'))).to.equal(true);
      expect(cal.isWithinBusinessHours(at('2026-03-27T15:59:59.999Z'))).to.equal(true);
      expect(cal.isWithinBusinessHours(at('2026-03-27T16:00:00Z'))).to.equal(false);
    });

    it('shifts with summer time', () => {
      expect(cal.isWithinBusinessHours(at('2026-03-30T06:59:00Z'))).to.equal(false);
      expect(cal.isWithinBusinessHours(at('2026-03-30T07:00:00Z'))).to.equal(true);
      expect(cal.isWithinBusinessHours(at('2026-03-30T14:59:00Z'))).to.equal(true);
      expect(cal.isWithinBusinessHours(at('2026-03-30T15:00:00Z'))).to.equal(false);
    });

    it('is closed all day on weekends and holidays', () => {
      expect(cal.isWithinBusinessHours(at('2026-03-28T10:00:00Z'))).to.equal(false);
      expect(cal.isWithinBusinessHours(at('2026-04-06T10:00:00Z'))).to.equal(false);
    });

    it('uses the configured zone', () => {
      const london = createBusinessCalendar({ timeZone: 'Europe/London', country: null });
      expect(london.isWithinBusinessHours(at('2026-01-12T09:00:00Z'))).to.equal(true);
      expect(london.isWithinBusinessHours(at('2026-01-12T08:30:00Z'))).to.equal(false);
      expect(cal.isWithinBusinessHours(at('2026-01-12T08:30:00Z'))).to.equal(true);
    });
  });

  describe('nextOpening', () => {
    it('returns the instant itself during business hours', () => {
      expect(iso(cal.nextOpening(at('2026-03-27T10:15:00Z')))).to.equal('2026-03-27T10:15:00.000Z');
    });

    it('moves an early-morning instant to 9:00 the same day', () => {
      expect(iso(cal.nextOpening(at('2026-03-30T05:00:00Z')))).to.equal('2026-03-30T07:00:00.000Z');
    });

    it('moves Friday evening and the weekend to Monday 9:00 (summer time begins in between)', () => {
      expect(iso(cal.nextOpening(at('2026-03-27T16:00:00Z')))).to.equal('2026-03-30T07:00:00.000Z');
      expect(iso(cal.nextOpening(at('2026-03-28T10:00:00Z')))).to.equal('2026-03-30T07:00:00.000Z');
    });

    it('skips holidays', () => {
      // Friday 3 April 2026 18:00 Rome → Tuesday 7 April 9:00 (Easter Monday closed)
      expect(iso(cal.nextOpening(at('2026-04-03T16:00:00Z')))).to.equal('2026-04-07T07:00:00.000Z');
    });

    it('fails clearly when no day can ever be open', () => {
      const allMonday = createBusinessCalendar({ workingDays: [1], localHolidays: [] });
      expect(iso(allMonday.nextOpening(at('2026-03-31T10:00:00Z')))).to.equal('2026-04-13T07:00:00.000Z');
      const everyDayOff = Array.from({ length: 12 }, (_, m) =>
        Array.from({ length: 31 }, (_, d) => `${String(m + 1).padStart(2, '0')}-${String(d + 1).padStart(2, '0')}`),
      )
        .flat()
        .filter((d) => !['02-30', '02-31', '04-31', '06-31', '09-31', '11-31'].includes(d));
      const never = createBusinessCalendar({ localHolidays: everyDayOff });
      expect(() => never.nextOpening(at('2026-03-31T10:00:00Z'))).to.throw(RangeError);
      expect(() => never.addBusinessDays(at('2026-03-31T10:00:00Z'), 1)).to.throw(RangeError);
    });
  });

  describe('addBusinessMinutes', () => {
    it('carries an 8-hour target over the weekend of the spring DST change', () => {
      // Friday 27 March 2026 16:00 Rome → Monday 30 March 16:00 Rome (14:00 UTC)
      expect(iso(cal.addBusinessMinutes(at('2026-03-27T15:00:00Z'), 480))).to.equal('2026-03-30T14:00:00.000Z');
    });

    it('carries an 8-hour target over the weekend of the autumn DST change', () => {
      // Friday 23 October 2026 16:00 Rome (14:00 UTC) → Monday 26 October 16:00 Rome (15:00 UTC)
      expect(iso(cal.addBusinessMinutes(at('2026-10-23T14:00:00Z'), 480))).to.equal('2026-10-26T15:00:00.000Z');
    });

    it('ends at closing time when the target fits the day exactly', () => {
      expect(iso(cal.addBusinessMinutes(at('2026-03-27T08:00:00Z'), 480))).to.equal('2026-03-27T16:00:00.000Z');
    });

    it('starts counting at the next opening from the evening, a Saturday, a holiday or before 9:00', () => {
      // Thursday 2 April 2026 19:00 Rome + 2 h → Friday 11:00
      expect(iso(cal.addBusinessMinutes(at('2026-04-02T17:00:00Z'), 120))).to.equal('2026-04-03T09:00:00.000Z');
      // Saturday 28 March 2026 10:00 + 1 h → Monday 30 March 10:00 (summer time)
      expect(iso(cal.addBusinessMinutes(at('2026-03-28T09:00:00Z'), 60))).to.equal('2026-03-30T08:00:00.000Z');
      // Easter Monday 2026 10:00 + 1 h → Tuesday 7 April 10:00
      expect(iso(cal.addBusinessMinutes(at('2026-04-06T08:00:00Z'), 60))).to.equal('2026-04-07T08:00:00.000Z');
      // Tuesday 7 April 2026 07:30 + 30 min → 9:30
      expect(iso(cal.addBusinessMinutes(at('2026-04-07T05:30:00Z'), 30))).to.equal('2026-04-07T07:30:00.000Z');
    });

    it('skips Easter Monday 2026 and 2027', () => {
      // Friday 3 April 2026 15:00 + 8 h: 2 h on Friday, 6 h on Tuesday 7 April
      expect(iso(cal.addBusinessMinutes(at('2026-04-03T13:00:00Z'), 480))).to.equal('2026-04-07T13:00:00.000Z');
      // Friday 26 March 2027 9:00 (winter) + 16 h: all Friday, all Tuesday 30 March (summer)
      expect(iso(cal.addBusinessMinutes(at('2027-03-26T08:00:00Z'), 960))).to.equal('2027-03-30T15:00:00.000Z');
    });

    it('skips local holidays', () => {
      const lecce = createBusinessCalendar({ localHolidays: ['08-26', '2026-08-27'] });
      // Tuesday 25 August 2026 16:00 + 2 h → Friday 28 August 10:00
      expect(iso(lecce.addBusinessMinutes(at('2026-08-25T14:00:00Z'), 120))).to.equal('2026-08-28T08:00:00.000Z');
    });

    it('spans several weeks and holidays', () => {
      // Monday 21 December 2026 9:00 + 10 business days: 21–24, 28–31 Dec, 4–5 Jan (6 Jan closed)
      expect(iso(cal.addBusinessMinutes(at('2026-12-21T08:00:00Z'), 4800))).to.equal('2027-01-05T16:00:00.000Z');
      expect(iso(cal.addBusinessMinutes(at('2026-12-21T08:00:00Z'), 4801))).to.equal('2027-01-07T08:01:00.000Z');
    });

    it('returns the next opening for zero minutes and honours fractions of a minute', () => {
      expect(iso(cal.addBusinessMinutes(at('2026-03-27T10:00:00Z'), 0))).to.equal('2026-03-27T10:00:00.000Z');
      expect(iso(cal.addBusinessMinutes(at('2026-03-28T10:00:00Z'), 0))).to.equal('2026-03-30T07:00:00.000Z');
      expect(iso(cal.addBusinessMinutes(at('2026-03-27T15:59:30Z'), 1))).to.equal('2026-03-30T07:00:30.000Z');
      expect(iso(cal.addBusinessMinutes(at('2026-03-27T10:00:00Z'), 0.5))).to.equal('2026-03-27T10:00:30.000Z');
    });

    it('refuses negative or non-finite amounts', () => {
      expect(() => cal.addBusinessMinutes(at('2026-03-27T10:00:00Z'), -1)).to.throw(RangeError);
      expect(() => cal.addBusinessMinutes(at('2026-03-27T10:00:00Z'), Number.NaN)).to.throw(RangeError);
    });

    it('works with custom hours and a working Saturday', () => {
      const c = createBusinessCalendar({ workingDays: [1, 2, 3, 4, 5, 6], openingTime: '08:30', closingTime: '13:30' });
      // Friday 27 March 13:00 + 1 h: 30 min Friday, 30 min Saturday from 8:30
      expect(iso(c.addBusinessMinutes(at('2026-03-27T12:00:00Z'), 60))).to.equal('2026-03-28T08:00:00.000Z');
    });

    it('is the inverse of businessMinutesBetween', () => {
      const start = at('2026-03-20T13:17:00Z');
      for (const minutes of [1, 59, 480, 481, 2400, 9999]) {
        const end = cal.addBusinessMinutes(start, minutes);
        expect(cal.businessMinutesBetween(start, end), String(minutes)).to.equal(minutes);
      }
    });

    // Speed is measured by `npm run bench -- calendar`, not asserted here.
    it('computes thousands of due dates, each exactly the business minutes asked after its start', () => {
      for (let i = 0; i < 5000; i += 1) {
        const start = at(`2026-01-0${(i % 9) + 1}T0${i % 10}:00:00Z`);
        const minutes = 2400 + (i % 480);
        const due = cal.addBusinessMinutes(start, minutes);
        expect(due.getTime(), start.toISOString()).to.be.greaterThan(start.getTime());
        expect(cal.businessMinutesBetween(start, due), `${start.toISOString()} + ${minutes}`).to.equal(minutes);
      }
    });
  });

  describe('businessMinutesBetween', () => {
    it('counts 8 hours from Friday 16:00 to Monday 16:00 across both DST changes', () => {
      expect(cal.businessMinutesBetween(at('2026-03-27T15:00:00Z'), at('2026-03-30T14:00:00Z'))).to.equal(480);
      expect(cal.businessMinutesBetween(at('2026-10-23T14:00:00Z'), at('2026-10-26T15:00:00Z'))).to.equal(480);
    });

    it('counts 8 hours per business day whatever the DST', () => {
      // Monday 23 March 00:00 → Monday 30 March 00:00 Rome (the week of the spring change)
      expect(cal.businessMinutesBetween(at('2026-03-22T23:00:00Z'), at('2026-03-29T22:00:00Z'))).to.equal(2400);
      // Monday 19 October 00:00 → Monday 26 October 00:00 Rome (the week of the autumn change)
      expect(cal.businessMinutesBetween(at('2026-10-18T22:00:00Z'), at('2026-10-25T23:00:00Z'))).to.equal(2400);
    });

    it('leaves out weekends and holidays', () => {
      // Easter week 2026: Monday 6 April closed
      expect(cal.businessMinutesBetween(at('2026-04-05T22:00:00Z'), at('2026-04-12T22:00:00Z'))).to.equal(1920);
      expect(cal.businessMinutesBetween(at('2026-03-28T00:00:00Z'), at('2026-03-29T21:00:00Z'))).to.equal(0);
    });

    it('counts partial days and is negative when reversed', () => {
      // Thursday 2 April 2026 16:30 → Friday 3 April 9:45 Rome: 30 + 45 min
      const from = at('2026-04-02T14:30:00Z');
      const to = at('2026-04-03T07:45:00Z');
      expect(cal.businessMinutesBetween(from, to)).to.equal(75);
      expect(cal.businessMinutesBetween(to, from)).to.equal(-75);
      expect(cal.businessMinutesBetween(from, from)).to.equal(0);
    });

    it('returns fractions of a minute', () => {
      expect(cal.businessMinutesBetween(at('2026-04-02T10:00:00Z'), at('2026-04-02T10:00:30Z'))).to.equal(0.5);
    });
  });

  describe('addBusinessDays and subtractBusinessDays', () => {
    it('subtracts business days across Easter Monday keeping the local time', () => {
      // Wednesday 8 April 2026 10:00 − 3 → Thursday 2 April 10:00
      expect(iso(cal.subtractBusinessDays(at('2026-04-08T08:00:00Z'), 3))).to.equal('2026-04-02T08:00:00.000Z');
    });

    it('finds "three business days before" a tender deadline over New Year and Epiphany', () => {
      // Thursday 7 January 2027 12:00 − 3 → Thursday 31 December 2026 12:00 (6 Jan and 1 Jan closed)
      expect(iso(cal.subtractBusinessDays(at('2027-01-07T11:00:00Z'), 3))).to.equal('2026-12-31T11:00:00.000Z');
    });

    it('keeps the local time of day across DST changes', () => {
      // Monday 30 March 2026 10:00 summer − 1 → Friday 27 March 10:00 winter
      expect(iso(cal.subtractBusinessDays(at('2026-03-30T08:00:00Z'), 1))).to.equal('2026-03-27T09:00:00.000Z');
      // Friday 23 October 2026 12:00 summer + 1 → Monday 26 October 12:00 winter
      expect(iso(cal.addBusinessDays(at('2026-10-23T10:00:00Z'), 1))).to.equal('2026-10-26T11:00:00.000Z');
    });

    it('skips weekends and local holidays when adding', () => {
      const lecce = createBusinessCalendar({ localHolidays: ['08-26'] });
      // Monday 24 August 2026 18:30 + 3 → Thursday 27 is the 2nd, Friday 28 the 3rd
      expect(iso(lecce.addBusinessDays(at('2026-08-24T16:30:00Z'), 3))).to.equal('2026-08-28T16:30:00.000Z');
      expect(iso(cal.addBusinessDays(at('2026-08-24T16:30:00Z'), 3))).to.equal('2026-08-27T16:30:00.000Z');
    });

    it('lands a weekend start on the next or previous business day', () => {
      const saturday = at('2026-03-28T11:00:00Z'); // 12:00 Rome
      expect(iso(cal.addBusinessDays(saturday, 1))).to.equal('2026-03-30T10:00:00.000Z');
      expect(iso(cal.subtractBusinessDays(saturday, 1))).to.equal('2026-03-27T11:00:00.000Z');
    });

    it('returns the same instant for n = 0 and treats negative n as the other direction', () => {
      const saturday = at('2026-03-28T11:00:00Z');
      expect(iso(cal.addBusinessDays(saturday, 0))).to.equal(iso(saturday));
      expect(iso(cal.subtractBusinessDays(saturday, 0))).to.equal(iso(saturday));
      const wednesday = at('2026-04-08T08:00:00Z');
      expect(iso(cal.addBusinessDays(wednesday, -3))).to.equal(iso(cal.subtractBusinessDays(wednesday, 3)));
      expect(iso(cal.subtractBusinessDays(wednesday, -1))).to.equal('2026-04-09T08:00:00.000Z');
    });

    it('refuses fractional day counts', () => {
      expect(() => cal.addBusinessDays(at('2026-04-08T08:00:00Z'), 1.5)).to.throw(RangeError);
    });
  });
});
