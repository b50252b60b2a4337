// Validation at every boundary with zod. Every message is a Message (src/platform/messages.ts):
// a key of locales/<lang>/common.json under `validation`, with the field's label as a value, so the
// same failed check reads in Italian or English depending on who sees it.
import { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors.js';
import { msg, type Message } from './messages.js';

// zod's own checks (a wrong type, a value outside an enum, a too-short string) speak our keys too.
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined || issue.input === null || issue.input === '' ? msg('common:validation.requiredField') : msg('common:validation.invalid');
      case 'too_small':
        return issue.origin === 'string' ? (Number(issue.minimum) <= 1 ? msg('common:validation.requiredField') : msg('common:validation.tooShort', { min: Number(issue.minimum) })) : msg('common:validation.tooSmall', { min: Number(issue.minimum) });
      case 'too_big':
        return issue.origin === 'string' ? msg('common:validation.tooLongField', { max: Number(issue.maximum) }) : issue.origin === 'array' ? msg('common:validation.tooMany', { max: Number(issue.maximum) }) : msg('common:validation.tooBig', { max: Number(issue.maximum) });
      case 'invalid_format':
        return issue.format === 'email' ? msg('common:validation.emailField') : msg('common:validation.invalid');
      case 'invalid_value':
        return msg('common:validation.choice');
      default:
        return msg('common:validation.invalid');
    }
  },
});

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    if (!fields[key]) fields[key] = issue.message;
  }
  return fields;
}

/** Parses input or throws a ValidationError carrying one Message per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

/**
 * Form helpers: HTML forms send '' for empty fields and 'on' for checked boxes. `label` is the
 * field's name as a Message (e.g. msg('desk:field.subject')), shown inside the error.
 */
/** A Message naming the field when it has a label ("required"), a generic one otherwise ("requiredField"). */
function about(key: string, label: Message | undefined, params: Record<string, number> = {}): Message {
  return label ? msg(`common:validation.${key}`, { label, ...params }) : msg(`common:validation.${key}Field`, params);
}

export const form = {
  text: (max: number, label?: Message) =>
    z
      .string({ error: about('required', label) })
      .trim()
      .min(1, about('required', label))
      .max(max, about('tooLong', label, { max })),
  optionalText: (max: number, label?: Message) =>
    z
      .string()
      .trim()
      .max(max, about('tooLong', label, { max }))
      .optional()
      .transform((v) => (v ? v : null)),
  checkbox: () =>
    z
      .union([z.literal('on'), z.literal('true'), z.literal('1'), z.literal('')])
      .optional()
      .transform((v) => v === 'on' || v === 'true' || v === '1'),
  optionalInt: (min: number, max: number, label?: Message) =>
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        const n = Number(v.replace(/\./g, ''));
        if (!Number.isInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: about('intRange', label, { min, max }) });
          return z.NEVER;
        }
        return n;
      }),
  optionalDate: (label?: Message) =>
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        const iso = isoDay(v);
        if (!iso) {
          ctx.addIssue({ code: 'custom', message: about('date', label) });
          return z.NEVER;
        }
        return iso;
      }),
  email: (label?: Message) =>
    z
      .string({ error: about('required', label) })
      .trim()
      .toLowerCase()
      .min(1, about('required', label))
      .max(254, about('tooLong', label, { max: 254 }))
      .pipe(z.email(about('email', label))),
};

/**
 * A calendar day as YYYY-MM-DD, from what a date input sends (YYYY-MM-DD) or from what a person types
 * where the browser offers a plain text box: the Italian gg/mm/aaaa (also with "-" or ".").
 */
export function isoDay(raw: string): string | null {
  const italian = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(raw);
  const v = italian ? `${italian[3]}-${italian[2].padStart(2, '0')}-${italian[1].padStart(2, '0')}` : raw;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) ? v : null;
}
