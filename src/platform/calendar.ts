// Business calendar shared by every area: desk SLA targets, tender reminders
// ("three business days before the deadline"), training reminders.
//
// All inputs and outputs are `Date` objects meaning UTC instants; every rule
// (working days, opening hours, holidays) is applied in the configured time
// zone, so results stay correct across daylight-saving changes.
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { z } from 'zod';

/** ISO weekday numbers: 1 = Monday … 7 = Sunday (as in luxon). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * A local holiday: 'MM-DD' recurs every year (a patron saint's day),
 * 'YYYY-MM-DD' happens once (a closure decided by the lead body).
 */
export type LocalHolidayInput = string | { date: string; name?: string };

export interface BusinessCalendarOptions {
  /** IANA time zone; default 'Europe/Rome'. */
  timeZone?: string;
  /** ISO weekdays on which the office is open; default Monday–Friday. */
  workingDays?: readonly IsoWeekday[];
  /** 'HH:MM', default '09:00'. */
  openingTime?: string;
  /** 'HH:MM' (or '24:00'), default '17:00'; must be after the opening time. */
  closingTime?: string;
  /** ISO country whose public holidays apply (date-holidays); default 'IT'; null for none. */
  country?: string | null;
  localHolidays?: readonly LocalHolidayInput[];
}

/** The options after defaults and validation. */
export interface BusinessCalendarConfig {
  timeZone: string;
  workingDays: IsoWeekday[];
  openingTime: string;
  closingTime: string;
  country: string | null;
  localHolidays: Array<{ date: string; name: string }>;
}

/** A calendar day, either an instant (read in the calendar's zone) or a local 'YYYY-MM-DD'. */
export type DayInput = Date | string;

export interface BusinessCalendar {
  readonly config: Readonly<BusinessCalendarConfig>;
  /** Open on that local day: a working weekday and not a holiday. */
  isBusinessDay(date: DayInput): boolean;
  /** Opening time ≤ instant < closing time on a business day. */
  isWithinBusinessHours(instant: Date): boolean;
  /**
   * Name of the holiday on that local day (national or local), or null: a national holiday is named in
   * `lang` (Italian by default); a local one keeps the name it was given.
   */
  holidayName(date: DayInput, lang?: string): string | null;
  /**
   * The instant at which `minutes` of business time have elapsed from `start`;
   * a start outside business hours begins counting at the next opening.
   * Fractional minutes are honoured to the millisecond.
   */
  addBusinessMinutes(start: Date, minutes: number): Date;
  /** Business minutes in [from, to); negative when `to` precedes `from`. May be fractional. */
  businessMinutesBetween(from: Date, to: Date): number;
  /**
   * Moves n business days forward (backward if n < 0), keeping the local time of day.
   * Each step lands on the next business day, so Saturday + 1 is Monday; n = 0 returns
   * the same instant even on a non-business day.
   */
  addBusinessDays(date: Date, n: number): Date;
  /** addBusinessDays(date, -n): "three business days before the deadline". */
  subtractBusinessDays(date: Date, n: number): Date;
  /** The earliest instant ≥ `instant` within business hours (the instant itself when open). */
  nextOpening(instant: Date): Date;
}

const MINUTE_MS = 60_000;
// A calendar whose every day is closed would make the day-stepping loops endless.
const MAX_SEARCH_DAYS = 3_660;
const DEFAULT_LOCAL_HOLIDAY_NAME = 'Festività locale';

const timeOfDay = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "L'orario deve essere nel formato HH:MM");

const localHolidayDate = z
  .string()
  .regex(/^(?:\d{4}-)?\d{2}-\d{2}$/, "La festività locale deve essere 'MM-GG' o 'AAAA-MM-GG'")
  .refine(isValidHolidayDate, 'Data della festività locale inesistente');

const optionsSchema = z
  .object({
    timeZone: z
      .string()
      .default('Europe/Rome')
      .refine((zone) => DateTime.now().setZone(zone).isValid, 'Fuso orario sconosciuto'),
    workingDays: z
      .array(z.number().int().min(1).max(7))
      .min(1, 'Serve almeno un giorno lavorativo')
      .default([1, 2, 3, 4, 5]),
    openingTime: timeOfDay.default('09:00'),
    closingTime: timeOfDay.default('17:00'),
    country: z
      .string()
      .nullable()
      .default('IT')
      .refine((code) => code === null || isKnownCountry(code), 'Paese non gestito da date-holidays'),
    localHolidays: z
      .array(
        z.union([
          localHolidayDate,
          z.object({ date: localHolidayDate, name: z.string().trim().min(1).optional() }),
        ]),
      )
      .default([]),
  })
  .refine((o) => toMinutes(o.openingTime) < toMinutes(o.closingTime), {
    message: "L'orario di apertura deve precedere quello di chiusura",
    path: ['closingTime'],
  });

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function isValidHolidayDate(value: string): boolean {
  const parts = value.split('-').map(Number);
  // A recurring date is checked against a leap year so that '02-29' is accepted.
  const [year, month, day] = parts.length === 3 ? parts : [2024, parts[0], parts[1]];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

let countryCodes: Set<string> | undefined;
function isKnownCountry(code: string): boolean {
  countryCodes ??= new Set(Object.keys(new Holidays().getCountries()));
  return countryCodes.has(code.toUpperCase());
}

// Local calendar days are handled as "day numbers" (days since 1970-01-01 of the
// civil calendar), so stepping a day is integer arithmetic unaffected by DST.
function dayNumberOf(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

function civilDate(dayNumber: number): { year: number; month: number; day: number } {
  const d = new Date(dayNumber * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isoWeekday(dayNumber: number): IsoWeekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((dayNumber + 3) % 7) + 7) % 7 + 1) as IsoWeekday;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

interface DayInfo {
  holiday: string | null;
  business: boolean;
  /** Opening and closing instants (ms) when `business`. */
  open: number;
  close: number;
}

function toMillis(value: Date, what: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`${what}: expected a valid Date`);
  }
  return value.getTime();
}

/** Builds a calendar; throws a RangeError naming each invalid option. */
export function createBusinessCalendar(options: BusinessCalendarOptions = {}): BusinessCalendar {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
    throw new RangeError(`Invalid business calendar options (${problems.join('; ')})`);
  }
  const parsed = result.data;
  const config: BusinessCalendarConfig = {
    timeZone: parsed.timeZone,
    workingDays: [...new Set(parsed.workingDays)].sort((a, b) => a - b) as IsoWeekday[],
    openingTime: parsed.openingTime,
    closingTime: parsed.closingTime,
    country: parsed.country === null ? null : parsed.country.toUpperCase(),
    localHolidays: parsed.localHolidays.map((h) =>
      typeof h === 'string'
        ? { date: h, name: DEFAULT_LOCAL_HOLIDAY_NAME }
        : { date: h.date, name: h.name ?? DEFAULT_LOCAL_HOLIDAY_NAME },
    ),
  };
  Object.freeze(config.workingDays);
  Object.freeze(config.localHolidays);
  Object.freeze(config);

  const zone = config.timeZone;
  const working = new Set<number>(config.workingDays);
  const openMinutes = toMinutes(config.openingTime);
  const closeMinutes = toMinutes(config.closingTime);
  const recurring = new Map<string, string>();
  const oneOff = new Map<string, string>();
  for (const h of config.localHolidays) {
    (h.date.length === 5 ? recurring : oneOff).set(h.date, h.name);
  }

  const holidays = config.country ? new Holidays(config.country, { languages: ['it'] }) : null;
  // Keyed by language and year, then 'MM-DD': date-holidays is slow enough to be worth caching.
  const nationalByYear = new Map<string, Map<string, string>>();
  function nationalHolidays(year: number, lang = 'it'): Map<string, string> {
    let byDay = nationalByYear.get(`${lang}:${year}`);
    if (byDay) return byDay;
    byDay = new Map();
    for (const h of holidays ? holidays.getHolidays(year, lang) : []) {
      if (h.type !== 'public') continue;
      // `date` is the local start date; rules spanning several days are expanded.
      const [y, m, d] = h.date.slice(0, 10).split('-').map(Number);
      const span = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
      for (let i = 0; i < span; i += 1) {
        const c = civilDate(dayNumberOf(y, m, d) + i);
        if (c.year !== year) continue;
        const key = `${pad2(c.month)}-${pad2(c.day)}`;
        if (!byDay.has(key)) byDay.set(key, h.name);
      }
    }
    nationalByYear.set(`${lang}:${year}`, byDay);
    return byDay;
  }

  const dayCache = new Map<number, DayInfo>();
  function dayInfo(dayNumber: number): DayInfo {
    const cached = dayCache.get(dayNumber);
    if (cached) return cached;
    const { year, month, day } = civilDate(dayNumber);
    const mmdd = `${pad2(month)}-${pad2(day)}`;
    const holiday =
      nationalHolidays(year).get(mmdd) ?? oneOff.get(`${year}-${mmdd}`) ?? recurring.get(mmdd) ?? null;
    const business = holiday === null && working.has(isoWeekday(dayNumber));
    let open = 0;
    let close = 0;
    if (business) {
      // Built from wall-clock fields (not midnight + minutes) so each time gets its own UTC offset.
      const at = (minutes: number) =>
        minutes === 24 * 60
          ? DateTime.fromObject({ year, month, day }, { zone }).plus({ days: 1 }).toMillis()
          : DateTime.fromObject(
              { year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
              { zone },
            ).toMillis();
      open = at(openMinutes);
      close = at(closeMinutes);
    }
    const info: DayInfo = { holiday, business, open, close };
    // Bounded so a long-running process that scans far dates does not grow forever.
    if (dayCache.size >= 20_000) dayCache.clear();
    dayCache.set(dayNumber, info);
    return info;
  }

  function localDayNumber(ms: number): number {
    const local = DateTime.fromMillis(ms, { zone });
    return dayNumberOf(local.year, local.month, local.day);
  }

  function dayNumberOfInput(date: DayInput): number {
    if (typeof date === 'string') {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (!match || !isValidHolidayDate(date)) throw new TypeError(`Invalid local date '${date}'`);
      return dayNumberOf(Number(match[1]), Number(match[2]), Number(match[3]));
    }
    return localDayNumber(toMillis(date, 'date'));
  }

  /** Earliest open instant ≥ ms, as [instant, dayNumber]. */
  function openingFrom(ms: number): [number, number] {
    let dn = localDayNumber(ms);
    for (let i = 0; i <= MAX_SEARCH_DAYS; i += 1, dn += 1) {
      const info = dayInfo(dn);
      if (info.business && ms < info.close) return [Math.max(ms, info.open), dn];
    }
    throw new RangeError('No business day found: check working days and holidays');
  }

  function addBusinessMillis(startMs: number, amount: number): number {
    let [t, dn] = openingFrom(startMs);
    let remaining = amount;
    let idle = 0;
    for (;;) {
      const info = dayInfo(dn);
      if (info.business && t < info.close) {
        idle = 0;
        t = Math.max(t, info.open);
        const available = info.close - t;
        if (remaining <= available) return t + remaining;
        remaining -= available;
      } else if (++idle > MAX_SEARCH_DAYS) {
        throw new RangeError('No business day found: check working days and holidays');
      }
      dn += 1;
      t = Number.NEGATIVE_INFINITY;
    }
  }

  function businessMillisBetween(fromMs: number, toMs: number): number {
    if (toMs < fromMs) return -businessMillisBetween(toMs, fromMs);
    let total = 0;
    const lastDay = localDayNumber(toMs);
    for (let dn = localDayNumber(fromMs); dn <= lastDay; dn += 1) {
      const info = dayInfo(dn);
      if (!info.business) continue;
      const start = Math.max(fromMs, info.open);
      const end = Math.min(toMs, info.close);
      if (end > start) total += end - start;
    }
    return total;
  }

  function shiftBusinessDays(date: Date, n: number): Date {
    const ms = toMillis(date, 'date');
    if (!Number.isInteger(n)) throw new RangeError('The number of business days must be an integer');
    if (n === 0) return new Date(ms);
    const local = DateTime.fromMillis(ms, { zone });
    let dn = dayNumberOf(local.year, local.month, local.day);
    const step = n > 0 ? 1 : -1;
    let left = Math.abs(n);
    let idle = 0;
    while (left > 0) {
      dn += step;
      if (dayInfo(dn).business) {
        left -= 1;
        idle = 0;
      } else if (++idle > MAX_SEARCH_DAYS) {
        throw new RangeError('No business day found: check working days and holidays');
      }
    }
    const target = civilDate(dn);
    return DateTime.fromObject(
      {
        ...target,
        hour: local.hour,
        minute: local.minute,
        second: local.second,
        millisecond: local.millisecond,
      },
      { zone },
    ).toJSDate();
  }

  return {
    config,
    isBusinessDay(date) {
      return dayInfo(dayNumberOfInput(date)).business;
    },
    isWithinBusinessHours(instant) {
      const ms = toMillis(instant, 'instant');
      const info = dayInfo(localDayNumber(ms));
      return info.business && ms >= info.open && ms < info.close;
    },
    holidayName(date, lang = 'it') {
      const info = dayInfo(dayNumberOfInput(date));
      if (info.holiday === null || lang === 'it') return info.holiday;
      const { year, month, day } = civilDate(dayNumberOfInput(date));
      return nationalHolidays(year, lang).get(`${pad2(month)}-${pad2(day)}`) ?? info.holiday;
    },
    addBusinessMinutes(start, minutes) {
      const ms = toMillis(start, 'start');
      if (!Number.isFinite(minutes) || minutes < 0) {
        throw new RangeError('Business minutes must be a finite number ≥ 0');
      }
      return new Date(addBusinessMillis(ms, Math.round(minutes * MINUTE_MS)));
    },
    businessMinutesBetween(from, to) {
      return businessMillisBetween(toMillis(from, 'from'), toMillis(to, 'to')) / MINUTE_MS;
    },
    addBusinessDays(date, n) {
      return shiftBusinessDays(date, n);
    },
    subtractBusinessDays(date, n) {
      return shiftBusinessDays(date, n === 0 ? 0 : -n);
    },
    nextOpening(instant) {
      return new Date(openingFrom(toMillis(instant, 'instant'))[0]);
    },
  };
}
