// Amounts are integer euro cents everywhere: floats cannot represent most decimal amounts
// exactly, and a tender value that drifts by a cent is a wrong figure in a public record.
import type { Message } from '../../platform/messages.js';

/** € 10 miliardi: no dossier of an adhering body comes near it, so a larger figure is a typo. */
export const MAX_CENTS = 1_000_000_000_000;

export type ParseEuroResult = { ok: true; cents: number } | { ok: false; error: Message };

/**
 * Messages (keys of tenders.json) that complete the name of the field: shown as
 * msg('tenders:money.labelled', { label, error }), e.g. "Valore stimato: l'importo non può essere negativo."
 */
export const MONEY_ERRORS = {
  empty: 'tenders:money.empty',
  notANumber: 'tenders:money.notANumber',
  negative: 'tenders:money.negative',
  fractionalCents: 'tenders:money.fractionalCents',
  tooLarge: 'tenders:money.tooLarge',
} as const satisfies Record<string, Message>;

/**
 * Reads an amount typed by a person, in the Italian form ("1.234.567,89", "€ 140.000") or the
 * plain one ("1234567.89", "140000").
 *
 * Rules, in order of precedence:
 * - "€", "EUR" or "euro" around the number and spaces (also as thousands separators) are ignored;
 * - with both "." and ",", the last one is the decimal separator and the other groups thousands;
 * - a lone "," is always decimal (Italian usage), several commas are an error;
 * - several "." are thousands separators; a single "." followed by exactly three digits after
 *   one to three digits ("140.000") is a thousands separator too, because read as a decimal it
 *   would be a fraction of a cent; any other single "." is decimal ("1234567.89", "12.5");
 * - thousands groups must have exactly three digits.
 */
export function parseEuroToCents(input: string): ParseEuroResult {
  let text = (input ?? '').normalize('NFKC').trim();
  text = text.replace(/^(€|eur(o)?\b)/i, '').replace(/(€|\beur(o)?)$/i, '').trim();
  // NFKC turns no-break spaces into plain ones; apostrophes are not accepted as separators.
  text = text.replace(/\s+/g, ' ');
  if (text === '') return { ok: false, error: MONEY_ERRORS.empty };

  let negative = false;
  if (text.startsWith('-') || text.startsWith('\u2212')) {
    negative = true;
    text = text.slice(1).trim();
  }
  if (text.startsWith('€')) text = text.slice(1).trim();
  const compact = text.replace(/ /g, '');
  if (compact === '' || !/^[0-9.,]+$/.test(compact)) return { ok: false, error: MONEY_ERRORS.notANumber };
  // Spaces are accepted only where a thousands separator would be.
  if (text.includes(' ') && !/^\d{1,3}( \d{3})+([.,]\d*)?$/.test(text)) {
    return { ok: false, error: MONEY_ERRORS.notANumber };
  }

  const split = splitNumber(compact);
  if (!split) return { ok: false, error: MONEY_ERRORS.notANumber };
  const { integerPart, fractionPart } = split;
  if (negative && (/[1-9]/.test(integerPart) || /[1-9]/.test(fractionPart))) {
    return { ok: false, error: MONEY_ERRORS.negative };
  }
  if (fractionPart.length > 2) return { ok: false, error: MONEY_ERRORS.fractionalCents };

  const cents = BigInt(integerPart) * 100n + BigInt(fractionPart.padEnd(2, '0'));
  if (cents > BigInt(MAX_CENTS)) return { ok: false, error: MONEY_ERRORS.tooLarge };
  return { ok: true, cents: Number(cents) };
}

function splitNumber(s: string): { integerPart: string; fractionPart: string } | null {
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let decimalSep: '.' | ',' | null;
  let groupSep: '.' | ',' | null;
  if (lastDot >= 0 && lastComma >= 0) {
    decimalSep = lastDot > lastComma ? '.' : ',';
    groupSep = decimalSep === '.' ? ',' : '.';
  } else if (lastComma >= 0) {
    if (s.indexOf(',') !== lastComma) return null;
    decimalSep = ',';
    groupSep = null;
  } else if (lastDot >= 0) {
    if (s.indexOf('.') !== lastDot || /^\d{1,3}\.\d{3}$/.test(s)) {
      decimalSep = null;
      groupSep = '.';
    } else {
      decimalSep = '.';
      groupSep = null;
    }
  } else {
    decimalSep = null;
    groupSep = null;
  }

  let integerText = s;
  let fractionPart = '';
  if (decimalSep) {
    const at = s.lastIndexOf(decimalSep);
    integerText = s.slice(0, at);
    fractionPart = s.slice(at + 1);
    if (fractionPart === '' || !/^\d+$/.test(fractionPart)) return null;
  }
  if (integerText === '') return null;
  let integerPart = integerText;
  if (groupSep && integerText.includes(groupSep)) {
    const groups = integerText.split(groupSep);
    if (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return null;
    integerPart = groups.join('');
  }
  if (!/^\d+$/.test(integerPart)) return null;
  return { integerPart, fractionPart };
}

function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Not an integer amount of cents: ${cents}`);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/**
 * "€ 1.234.567,89". Grouping is done by hand because Intl's it-IT leaves four-digit numbers
 * ungrouped ("1234,50"), which looks inconsistent next to larger amounts in the same table.
 */
export function formatCents(cents: number): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.trunc(abs / 100);
  const rest = abs % 100;
  return `€ ${sign}${groupThousands(String(euros))},${String(rest).padStart(2, '0')}`;
}

/**
 * Cents as a JSON number of euros (OCDS amounts), built from the exact decimal text rather than
 * by dividing, so 123456789 always becomes 1234567.89 and never 1234567.8900000001.
 */
export function centsToAmount(cents: number): number {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return Number(`${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`);
}
