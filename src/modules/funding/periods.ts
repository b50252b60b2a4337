// Reporting periods of impact indicators: a month, a quarter, a semester or a year, written as
// `2026-03`, `2026-Q1`, `2026-S1` or `2026`. Pure: days in, periods out.
import { msg, type Message } from '../../platform/messages.js';

export const PERIOD_KINDS = ['month', 'quarter', 'semester', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
// Labels: funding:periodKind.<kind>

const SPAN: Record<PeriodKind, number> = { month: 1, quarter: 3, semester: 6, year: 12 };

const PATTERN: Record<PeriodKind, RegExp> = {
  month: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  semester: /^(\d{4})-S([12])$/,
  year: /^(\d{4})$/,
};

/** The period of a day (`YYYY-MM-DD`). */
export function periodOf(kind: PeriodKind, day: string): string {
  const year = day.slice(0, 4);
  const month = Number(day.slice(5, 7));
  switch (kind) {
    case 'month':
      return `${year}-${String(month).padStart(2, '0')}`;
    case 'quarter':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'semester':
      return `${year}-S${month <= 6 ? 1 : 2}`;
    default:
      return year;
  }
}

/** The first day of a period, or null when the text is not a period of that kind. */
export function periodStart(kind: PeriodKind, period: string): string | null {
  const m = PATTERN[kind].exec(period);
  if (!m) return null;
  const n = m[2] ? Number(m[2]) : 1;
  const month = kind === 'month' ? n : (n - 1) * SPAN[kind] + 1;
  return `${m[1]}-${String(month).padStart(2, '0')}-01`;
}

/** The periods from the one holding `from` to the one holding `to`, latest first, at most `max`. */
export function periodsBetween(kind: PeriodKind, from: string, to: string, max = 40): string[] {
  if (from > to) return [periodOf(kind, to)];
  const out: string[] = [];
  let year = Number(to.slice(0, 4));
  let month = Number(to.slice(5, 7));
  const first = periodOf(kind, from);
  for (;;) {
    const p = periodOf(kind, `${year}-${String(month).padStart(2, '0')}-01`);
    if (out[out.length - 1] !== p) out.push(p);
    if (p === first || out.length >= max) return out;
    month -= SPAN[kind];
    while (month < 1) {
      month += 12;
      year -= 1;
    }
  }
}

/** "1° trimestre 2026", "03/2026", "2026". */
export function periodLabel(period: string): Message {
  let m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return msg('funding:period.quarter', { n: Number(m[2]), year: m[1] });
  m = /^(\d{4})-S([12])$/.exec(period);
  if (m) return msg('funding:period.semester', { n: Number(m[2]), year: m[1] });
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return msg('funding:period.month', { month: m[2], year: m[1] });
  return msg('funding:period.year', { year: period });
}
