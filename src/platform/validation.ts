// Validation at every boundary with zod, with Italian messages by default.
import { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors.js';

z.config(z.locales.it());

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    if (!fields[key]) fields[key] = issue.message;
  }
  return fields;
}

/** Parses input or throws a ValidationError carrying one Italian message per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

/** Form helpers: HTML forms send '' for empty fields and 'on' for checked boxes. */
export const form = {
  text: (max: number, label = 'Il campo') =>
    z.string({ error: `${label} è obbligatorio.` }).trim().min(1, `${label} è obbligatorio.`).max(max, `${label} può avere al massimo ${max} caratteri.`),
  optionalText: (max: number, label = 'Il campo') =>
    z
      .string()
      .trim()
      .max(max, `${label} può avere al massimo ${max} caratteri.`)
      .optional()
      .transform((v) => (v ? v : null)),
  checkbox: () =>
    z
      .union([z.literal('on'), z.literal('true'), z.literal('1'), z.literal('')])
      .optional()
      .transform((v) => v === 'on' || v === 'true' || v === '1'),
  optionalInt: (min: number, max: number, label = 'Il valore') =>
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        const n = Number(v.replace(/\./g, ''));
        if (!Number.isInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `${label} deve essere un numero intero tra ${min} e ${max}.` });
          return z.NEVER;
        }
        return n;
      }),
  optionalDate: (label = 'La data') =>
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        const ok = /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
        if (!ok) {
          ctx.addIssue({ code: 'custom', message: `${label} non è valida: usa il formato AAAA-MM-GG.` });
          return z.NEVER;
        }
        return v;
      }),
  email: (label = "L'indirizzo email") =>
    z
      .string({ error: `${label} è obbligatorio.` })
      .trim()
      .toLowerCase()
      .min(1, `${label} è obbligatorio.`)
      .max(254, `${label} è troppo lungo.`)
      .pipe(z.email(`${label} non è valido.`)),
};
