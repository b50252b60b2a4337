// The desk's forms and query strings, validated with zod and Italian messages.
import { z } from 'zod';
import { form } from '../../platform/validation.js';
import { REQUEST_CATEGORIES, REQUEST_PRIORITIES, REQUEST_STATES } from './states.js';

/** A required text field with a message that agrees with the field's gender. */
const required = (max: number, missing: string, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);

const optionalId = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n >= 2 ** 31) {
      ctx.addIssue({ code: 'custom', message: 'Valore non valido.' });
      return z.NEVER;
    }
    return n;
  });

export const SUBJECT_MAX = 200;
export const TEXT_MAX = 20_000;

export const requestSchema = z.object({
  category: z.enum(REQUEST_CATEGORIES, { error: 'Scegli la categoria della richiesta.' }),
  subject: required(SUBJECT_MAX, "L'oggetto è obbligatorio.", `L'oggetto può avere al massimo ${SUBJECT_MAX} caratteri.`),
  description: required(TEXT_MAX, 'La descrizione è obbligatoria.', `La descrizione può avere al massimo ${TEXT_MAX} caratteri.`),
  priority: z.enum(REQUEST_PRIORITIES, { error: 'Scegli la priorità.' }).default('normal'),
  /** Only the caller's own body is accepted; the field exists so that a forged one is refused, not ignored. */
  entityId: optionalId,
  asset: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => v || null),
});
export type RequestInput = z.output<typeof requestSchema>;

export const AFTER_REPLY = ['', 'in_progress', 'waiting', 'resolved'] as const;

export const messageSchema = z.object({
  body: required(TEXT_MAX, 'Scrivi il testo del messaggio.', `Il messaggio può avere al massimo ${TEXT_MAX} caratteri.`),
  internal: form.checkbox(),
  then: z.enum(AFTER_REPLY, { error: 'Scegli uno stato valido.' }).optional().default(''),
});

export const transitionSchema = z.object({
  action: z.enum(['assign', 'start', 'ask_requester', 'resume', 'resolve', 'close', 'reopen'], { error: 'Operazione non valida.' }),
});

export const assignSchema = z.object({
  assigneeId: z
    .string({ error: 'Scegli a chi assegnare la richiesta.' })
    .trim()
    .min(1, 'Scegli a chi assegnare la richiesta.')
    .regex(/^\d{1,9}$/, 'Scegli a chi assegnare la richiesta.')
    .transform(Number),
});

export const bulkAssignSchema = assignSchema.extend({
  ids: z
    .union([z.string(), z.array(z.string())], { error: 'Seleziona almeno una richiesta.' })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().regex(/^\d{1,9}$/, 'Selezione non valida.').transform(Number)).min(1, 'Seleziona almeno una richiesta.').max(200, 'Puoi assegnare al massimo 200 richieste alla volta.')),
});

export const classifySchema = z.object({
  category: z.enum(REQUEST_CATEGORIES, { error: 'Scegli la categoria.' }),
  priority: z.enum(REQUEST_PRIORITIES, { error: 'Scegli la priorità.' }),
});

/** Query strings are parsed leniently: an unknown value is ignored rather than refused. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const queryText = (max: number) =>
  lenient(
    z
      .string()
      .trim()
      .max(max)
      .transform((v) => v || undefined),
  );
const queryId = lenient(z.string().regex(/^\d{1,9}$/).transform(Number));

export const QUEUE_SORTS = ['due', 'updated', 'created', 'priority'] as const;
export const queueFilterSchema = z.object({
  state: lenient(z.enum([...REQUEST_STATES, 'open', 'all'])),
  category: lenient(z.enum(REQUEST_CATEGORIES)),
  priority: lenient(z.enum(REQUEST_PRIORITIES)),
  entity: queryId,
  assignee: lenient(z.union([z.literal('me'), z.literal('none'), z.string().regex(/^\d{1,9}$/)])),
  overdue: lenient(z.literal('1')),
  sort: lenient(z.enum(QUEUE_SORTS)),
  q: queryText(200),
});
export type QueueFilter = z.output<typeof queueFilterSchema>;

export const surveySchema = z.object({
  rating: z
    .string({ error: 'Scegli un voto da 1 a 5.' })
    .regex(/^[1-5]$/, 'Scegli un voto da 1 a 5.')
    .transform(Number),
  comment: form.optionalText(2000, 'desk:field.comment'),
});

export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export const articleSchema = z.object({
  title: required(200, 'Il titolo è obbligatorio.', 'Il titolo può avere al massimo 200 caratteri.'),
  summary: z
    .string()
    .trim()
    .max(500, 'Il sommario può avere al massimo 500 caratteri.')
    .optional()
    .transform((v) => v ?? ''),
  body: required(TEXT_MAX, 'Il testo è obbligatorio.', `Il testo può avere al massimo ${TEXT_MAX} caratteri.`),
  category: z.enum(REQUEST_CATEGORIES, { error: 'Scegli la categoria.' }),
  tags: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const tags = [...new Set((v ?? '').split(',').map((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))];
      if (tags.length > 10) ctx.addIssue({ code: 'custom', message: 'Puoi indicare al massimo 10 etichette.' });
      if (tags.some((t) => t.length > 40)) ctx.addIssue({ code: 'custom', message: 'Ogni etichetta può avere al massimo 40 caratteri.' });
      return tags;
    }),
  status: z.enum(ARTICLE_STATUSES, { error: 'Scegli lo stato.' }).default('draft'),
  showBody: form.checkbox(),
  sourceRequestId: optionalId,
});
export type ArticleInput = z.output<typeof articleSchema>;

export const kbFilterSchema = z.object({
  q: queryText(200),
  category: lenient(z.enum(REQUEST_CATEGORIES)),
  tag: queryText(40),
  status: lenient(z.enum(ARTICLE_STATUSES)),
});

const hours = (label: string) =>
  z
    .string({ error: `${label}: indica un numero di ore.` })
    .trim()
    .regex(/^\d{1,4}([.,]\d{1,2})?$/, `${label}: indica un numero di ore (es. 8 o 0,5).`)
    .transform((v) => Math.round(Number(v.replace(',', '.')) * 60))
    .refine((m) => m >= 15 && m <= 2000 * 60, `${label}: indica almeno un quarto d'ora e al massimo 2000 ore.`);

export function deskSettingsSchema(categoryLabels: Record<string, string>) {
  const shape: Record<string, z.ZodType> = {
    autoCloseBusinessDays: z
      .string({ error: 'Indica dopo quanti giorni lavorativi chiudere le richieste risolte.' })
      .trim()
      .regex(/^\d{1,3}$/, 'Indica un numero intero di giorni lavorativi.')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 120, 'Indica un numero di giorni lavorativi tra 1 e 120.'),
    warningPercent: z
      .string({ error: 'Indica la soglia di preavviso.' })
      .trim()
      .regex(/^\d{1,3}$/, 'Indica una percentuale intera.')
      .transform(Number)
      .refine((n) => n >= 50 && n <= 99, 'Indica una percentuale tra 50 e 99.'),
    supervisorIds: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^\d{1,9}$/, 'Selezione non valida.').transform(Number)).max(50)),
  };
  for (const [c, label] of Object.entries(categoryLabels)) {
    shape[`firstResponse_${c}`] = hours(`${label}, prima risposta`);
    shape[`resolution_${c}`] = hours(`${label}, risoluzione`);
  }
  return z.object(shape);
}

export const WEEKDAY_LABELS: Record<number, string> = { 1: 'Lunedì', 2: 'Martedì', 3: 'Mercoledì', 4: 'Giovedì', 5: 'Venerdì', 6: 'Sabato', 7: 'Domenica' };

const timeField = (label: string) =>
  z
    .string({ error: `${label} è obbligatorio.` })
    .trim()
    .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, `${label} deve essere nel formato HH:MM (es. 09:00).`);

export const calendarHoursSchema = z
  .object({
    openingTime: timeField("L'orario di apertura"),
    closingTime: timeField("L'orario di chiusura"),
    workingDays: z
      .union([z.string(), z.array(z.string())], { error: 'Scegli almeno un giorno lavorativo.' })
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^[1-7]$/, 'Giorno non valido.').transform(Number)).min(1, 'Scegli almeno un giorno lavorativo.')),
  })
  .refine((v) => v.openingTime < v.closingTime, { message: "L'orario di chiusura deve seguire quello di apertura.", path: ['closingTime'] });

export const holidaySchema = z.object({
  date: z
    .string({ error: 'Indica la data.' })
    .trim()
    .min(1, 'Indica la data.')
    .regex(/^(?:\d{4}-)?\d{2}-\d{2}$/, "Indica la data come MM-GG (ogni anno, es. 02-14) oppure AAAA-MM-GG (una volta sola).")
    .refine((v) => {
      const parts = v.split('-').map(Number);
      const [y, m, d] = parts.length === 3 ? parts : [2024, parts[0], parts[1]];
      return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
    }, 'La data non esiste.'),
  name: required(80, 'Indica il nome della festività (es. Santo patrono).', 'Il nome può avere al massimo 80 caratteri.'),
});
