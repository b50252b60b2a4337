// The desk's forms and query strings, validated with zod; every message is a Message (desk:error.*).
import { z } from 'zod';
import { msg, type Message } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { REQUEST_CATEGORIES, REQUEST_CHANNELS, REQUEST_PRIORITIES, REQUEST_STATES, type RequestCategory } from './states.js';

/** A required text field with its own messages (they name the field the way a sentence would). */
const required = (max: number, missing: Message, tooLong: Message) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);

const optionalId = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n >= 2 ** 31) {
      ctx.addIssue({ code: 'custom', message: msg('common:validation.invalid') });
      return z.NEVER;
    }
    return n;
  });

export const SUBJECT_MAX = 200;
export const TEXT_MAX = 20_000;

export const requestSchema = z.object({
  category: z.enum(REQUEST_CATEGORIES, { error: msg('desk:error.categoryMissing') }),
  subject: required(SUBJECT_MAX, msg('desk:error.subjectMissing'), msg('desk:error.subjectTooLong', { max: SUBJECT_MAX })),
  description: required(TEXT_MAX, msg('desk:error.descriptionMissing'), msg('desk:error.descriptionTooLong', { max: TEXT_MAX })),
  priority: z.enum(REQUEST_PRIORITIES, { error: msg('desk:error.priorityMissing') }).default('normal'),
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

/**
 * A request staff record for a body (a phone call, an e-mail, a visit to the counter, a meeting): the
 * body, and either one of its users or a named person of the body who has no account yet.
 */
export const recordedRequestSchema = requestSchema
  .omit({ entityId: true })
  .extend({
    entityId: optionalId.refine((v) => v !== null, msg('desk:error.entityMissing')),
    channel: z.enum(REQUEST_CHANNELS, { error: msg('desk:error.channelMissing') }),
    requesterId: optionalId,
    contactName: form.optionalText(200, msg('desk:field.contactName')),
    contactEmail: z
      .string()
      .trim()
      .toLowerCase()
      .max(254)
      .optional()
      .transform((v) => v || null)
      .pipe(z.email(msg('desk:error.contactEmailInvalid')).nullable()),
    contactPhone: z
      .string()
      .trim()
      .max(40, msg('desk:error.contactPhoneInvalid'))
      .optional()
      .transform((v) => v || null)
      .refine((v) => v === null || /^[+0-9 ()./-]{3,40}$/.test(v), msg('desk:error.contactPhoneInvalid')),
  })
  .superRefine((v, ctx) => {
    if (v.requesterId === null && !v.contactName) ctx.addIssue({ code: 'custom', path: ['requesterId'], message: msg('desk:error.requesterMissing') });
    if (v.requesterId !== null && v.contactName) ctx.addIssue({ code: 'custom', path: ['contactName'], message: msg('desk:error.requesterOrContact') });
  });
export type RecordedRequestInput = z.output<typeof recordedRequestSchema>;

export const AFTER_REPLY = ['', 'in_progress', 'waiting', 'resolved'] as const;

export const messageSchema = z.object({
  body: required(TEXT_MAX, msg('desk:error.messageMissing'), msg('desk:error.messageTooLong', { max: TEXT_MAX })),
  internal: form.checkbox(),
  then: z.enum(AFTER_REPLY, { error: msg('desk:error.stateInvalid') }).optional().default(''),
});

export const transitionSchema = z.object({
  action: z.enum(['assign', 'start', 'ask_requester', 'resume', 'resolve', 'close', 'reopen'], { error: msg('desk:error.actionInvalid') }),
});

export const assignSchema = z.object({
  assigneeId: z
    .string({ error: msg('desk:error.assigneeMissing') })
    .trim()
    .min(1, msg('desk:error.assigneeMissing'))
    .regex(/^\d{1,9}$/, msg('desk:error.assigneeMissing'))
    .transform(Number),
});

export const bulkAssignSchema = assignSchema.extend({
  ids: z
    .union([z.string(), z.array(z.string())], { error: msg('desk:error.selectionMissing') })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().regex(/^\d{1,9}$/, msg('desk:error.selectionInvalid')).transform(Number)).min(1, msg('desk:error.selectionMissing')).max(200, msg('desk:error.selectionTooMany', { max: 200 }))),
});

export const classifySchema = z.object({
  category: z.enum(REQUEST_CATEGORIES, { error: msg('desk:error.categoryChoose') }),
  priority: z.enum(REQUEST_PRIORITIES, { error: msg('desk:error.priorityMissing') }),
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
  entityName: queryText(200),
  assignee: lenient(z.union([z.literal('me'), z.literal('none'), z.string().regex(/^\d{1,9}$/)])),
  overdue: lenient(z.literal('1')),
  sort: lenient(z.enum(QUEUE_SORTS)),
  q: queryText(200),
});
export type QueueFilter = z.output<typeof queueFilterSchema>;

export const surveySchema = z.object({
  rating: z
    .string({ error: msg('desk:error.ratingMissing') })
    .regex(/^[1-5]$/, msg('desk:error.ratingMissing'))
    .transform(Number),
  comment: form.optionalText(2000, 'desk:field.comment'),
});

export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export const articleSchema = z.object({
  title: required(200, msg('desk:error.titleMissing'), msg('desk:error.titleTooLong', { max: 200 })),
  summary: z
    .string()
    .trim()
    .max(500, msg('desk:error.summaryTooLong', { max: 500 }))
    .optional()
    .transform((v) => v ?? ''),
  body: required(TEXT_MAX, msg('desk:error.textMissing'), msg('desk:error.textTooLong', { max: TEXT_MAX })),
  category: z.enum(REQUEST_CATEGORIES, { error: msg('desk:error.categoryChoose') }),
  tags: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const tags = [...new Set((v ?? '').split(',').map((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))];
      if (tags.length > 10) ctx.addIssue({ code: 'custom', message: msg('desk:error.tagsTooMany', { max: 10 }) });
      if (tags.some((t) => t.length > 40)) ctx.addIssue({ code: 'custom', message: msg('desk:error.tagTooLong', { max: 40 }) });
      return tags;
    }),
  status: z.enum(ARTICLE_STATUSES, { error: msg('desk:error.statusMissing') }).default('draft'),
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

/** `label` names the target, e.g. msg('desk:settings.firstResponseOf', { category: 'desk:category.legal' }). */
const hours = (label: Message) =>
  z
    .string({ error: msg('desk:error.hoursMissing', { label }) })
    .trim()
    .regex(/^\d{1,4}([.,]\d{1,2})?$/, msg('desk:error.hoursFormat', { label }))
    .transform((v) => Math.round(Number(v.replace(',', '.')) * 60))
    .refine((m) => m >= 15 && m <= 2000 * 60, msg('desk:error.hoursRange', { label, max: 2000 }));

export function deskSettingsSchema(categories: readonly RequestCategory[]) {
  const shape: Record<string, z.ZodType> = {
    autoCloseBusinessDays: z
      .string({ error: msg('desk:error.autoCloseMissing') })
      .trim()
      .regex(/^\d{1,3}$/, msg('desk:error.autoCloseFormat'))
      .transform(Number)
      .refine((n) => n >= 1 && n <= 120, msg('desk:error.autoCloseRange', { min: 1, max: 120 })),
    warningPercent: z
      .string({ error: msg('desk:error.warningMissing') })
      .trim()
      .regex(/^\d{1,3}$/, msg('desk:error.warningFormat'))
      .transform(Number)
      .refine((n) => n >= 50 && n <= 99, msg('desk:error.warningRange', { min: 50, max: 99 })),
    supervisorIds: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^\d{1,9}$/, msg('desk:error.selectionInvalid')).transform(Number)).max(50)),
  };
  for (const c of categories) {
    shape[`firstResponse_${c}`] = hours(msg('desk:settings.firstResponseOf', { category: `desk:category.${c}` }));
    shape[`resolution_${c}`] = hours(msg('desk:settings.resolutionOf', { category: `desk:category.${c}` }));
  }
  return z.object(shape);
}

/** ISO weekdays, Monday first; their names are desk:weekday.<n>. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const timeField = (which: 'opening' | 'closing') =>
  z
    .string({ error: msg(`desk:error.${which}Missing`) })
    .trim()
    .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, msg(`desk:error.${which}Format`));

export const calendarHoursSchema = z
  .object({
    openingTime: timeField('opening'),
    closingTime: timeField('closing'),
    workingDays: z
      .union([z.string(), z.array(z.string())], { error: msg('desk:error.workingDaysMissing') })
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().regex(/^[1-7]$/, msg('desk:error.dayInvalid')).transform(Number)).min(1, msg('desk:error.workingDaysMissing'))),
  })
  .refine((v) => v.openingTime < v.closingTime, { message: msg('desk:error.closingBeforeOpening'), path: ['closingTime'] });

export const holidaySchema = z.object({
  date: z
    .string({ error: msg('desk:error.holidayDateMissing') })
    .trim()
    .min(1, msg('desk:error.holidayDateMissing'))
    .regex(/^(?:\d{4}-)?\d{2}-\d{2}$/, msg('desk:error.holidayDateFormat'))
    .refine((v) => {
      const parts = v.split('-').map(Number);
      const [y, m, d] = parts.length === 3 ? parts : [2024, parts[0], parts[1]];
      return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
    }, msg('desk:error.holidayDateNotExists')),
  name: required(80, msg('desk:error.holidayNameMissing'), msg('desk:error.holidayNameTooLong', { max: 80 })),
});
