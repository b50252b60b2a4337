// Formatting of dates (Europe/Rome), numbers and sizes: one copy for views, mails and CSVs. Italian
// by default; pages in English get British conventions (dd/mm/yyyy, 24-hour clock, 1,234.5).
import type { Language } from './i18n.js';

const LOCALES: Record<Language, string> = { it: 'it-IT', en: 'en-GB' };

function build(lang: Language) {
  const locale = LOCALES[lang];
  const dateFormat = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Rome' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Rome' });
  // Always grouped: Intl's it-IT leaves four-digit numbers bare (6103 next to 52.518 in one column).
  const numberFormat = new Intl.NumberFormat(locale, { useGrouping: true });
  const decimal = lang === 'it' ? ',' : '.';
  return {
    date: (d: Date | string | null | undefined) => (d ? dateFormat.format(typeof d === 'string' ? new Date(`${d.slice(0, 10)}T12:00:00Z`) : d) : ''),
    dateTime: (d: Date | string | null | undefined) => (d ? dateTimeFormat.format(typeof d === 'string' ? new Date(d) : d) : ''),
    number: (n: number | null | undefined) => (n == null ? '' : numberFormat.format(n)),
    bytes: (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / (1024 * 1024)).toFixed(1).replace('.', decimal)} MB`),
  };
}

export type Formatters = ReturnType<typeof build>;

const romeHour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Rome' });

/** The part of the day in Europe/Rome, for a greeting: morning until 13, afternoon until 18, then evening. */
export function partOfDay(at: Date = new Date()): 'morning' | 'afternoon' | 'evening' {
  const hour = Number(romeHour.format(at));
  if (hour >= 5 && hour < 13) return 'morning';
  if (hour >= 13 && hour < 18) return 'afternoon';
  return 'evening';
}

const byLanguage: Record<Language, Formatters> = { it: build('it'), en: build('en') };

/** The formatters of a language (pages use the reader's, via res.locals.fmt). */
export const formattersFor = (lang: Language): Formatters => byLanguage[lang];

/** Italian formatters, for mails and CSVs written for Italian readers. */
export const formatters = byLanguage.it;
