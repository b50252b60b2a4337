// Helpers to build the area's Messages (src/platform/messages.ts) from several parts: a list of
// names ("a, b, c") or several sentences in one field error. Each part is itself a Message, so it
// is translated with the rest, in the reader's language.
import { msg, type Message } from '../../platform/messages.js';
import { centsToAmount } from './money.js';

const MAX_PARTS = 10;

function numbered(key: string, parts: readonly Message[]): Message {
  if (parts.length === 0) return '';
  if (parts.length === 1) return parts[0];
  if (parts.length > MAX_PARTS) {
    // Larger lists nest: the first MAX_PARTS - 1 parts, then the rest as one part.
    return numbered(key, [...parts.slice(0, MAX_PARTS - 1), numbered(key, parts.slice(MAX_PARTS - 1))]);
  }
  return msg(`${key}.${parts.length}`, Object.fromEntries(parts.map((p, i) => [`p${i}`, p])));
}

/** Several sentences shown as one text, separated by a space. */
export function joinMessages(parts: readonly Message[]): Message {
  return numbered('tenders:join', parts);
}

/** Names shown as a list: "a, b, c" (or "a; b; c" with key 'tenders:joinSemicolons'). */
export function listMessage(parts: readonly Message[], key: 'tenders:joinList' | 'tenders:joinSemicolons' = 'tenders:joinList'): Message {
  return numbered(key, parts);
}

/**
 * An amount for a reader: "€ 1.234.567,89" in Italian, "€1,234,567.89" in English (the number is
 * formatted when the Message is translated, in the reader's language).
 */
export function money(cents: number): Message {
  return msg('tenders:money.amount', { value: centsToAmount(cents) });
}

/** A whole quantity for a reader ("1.500" in Italian, "1,500" in English). */
export function quantity(n: number): Message {
  return msg('tenders:quantity', { value: n });
}

/** A day and an optional time of day ("15/03/2026" or "15/03/2026 ore 12:00"). */
export function dueMessage(day: string, time: string | null): Message {
  return time ? msg('tenders:date.dayTime', { day, time }) : day;
}
