// zod schemas of the coaching forms and of the template format (YAML/CSV, docs/coaching-template-format.md).
import { z } from 'zod';
import { msg } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { ACTION_STATUSES, ANSWERS, parseReference } from './core.js';

const code = z
  .string({ error: msg('coaching:validation.code') })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{1,20}$/, msg('coaching:validation.code'));

const weight = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return 1;
    const n = typeof v === 'number' ? v : Number(String(v).trim().replace(',', '.'));
    if (!Number.isFinite(n) || n <= 0 || n > 100) {
      ctx.addIssue({ code: 'custom', message: msg('coaching:validation.weight') });
      return z.NEVER;
    }
    return Math.round(n * 100) / 100;
  });

const reference = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    const r = parseReference(v);
    if (!r) {
      ctx.addIssue({ code: 'custom', message: msg('coaching:validation.reference', { value: v }) });
      return z.NEVER;
    }
    return r;
  });

export const questionSchema = z.object({
  code,
  text: form.text(1000, msg('coaching:field.questionText')),
  guidance: form.optionalText(2000, msg('coaching:field.guidance')).nullable(),
  reference,
  weight,
});

export const areaSchema = z.object({ code, title: form.text(200, msg('coaching:field.areaTitle')) });

export const templateFileSchema = z.object({
  title: form.text(200, msg('coaching:field.templateTitle')),
  description: form.optionalText(4000).nullable(),
  areas: z
    .array(areaSchema.extend({ questions: z.array(questionSchema).min(1, msg('coaching:validation.areaEmpty')) }), { error: msg('coaching:validation.areas') })
    .min(1, msg('coaching:validation.areas')),
});
export type TemplateFile = z.output<typeof templateFileSchema>;

export const areaFormSchema = areaSchema;
export const questionFormSchema = questionSchema.extend({ areaId: z.string().regex(/^\d{1,9}$/, msg('coaching:validation.area')).transform(Number) });

const answer = z.enum(ANSWERS, { error: msg('coaching:validation.answer') });

/** One answer as the fill-in form sends it (fields `answer[<qid>]`, … read into this shape). */
export const answerSchema = z.object({
  questionId: z.number().int().positive(),
  answer: z.union([answer, z.literal('')], { error: msg('coaching:validation.answer') }).transform((v) => (v === '' ? null : v)),
  maturity: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!/^[0-4]$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: msg('coaching:validation.maturity') });
        return z.NEVER;
      }
      return Number(v);
    }),
  note: form.optionalText(4000, msg('coaching:field.note')).nullable(),
  links: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const links = (v ?? '').split(/\s+/).map((l) => l.trim()).filter(Boolean);
      if (links.length > 10) {
        ctx.addIssue({ code: 'custom', message: msg('coaching:validation.tooManyLinks') });
        return z.NEVER;
      }
      for (const l of links) {
        let ok: boolean;
        try {
          const u = new URL(l);
          ok = (u.protocol === 'https:' || u.protocol === 'http:') && l.length <= 500;
        } catch {
          ok = false;
        }
        if (!ok) {
          ctx.addIssue({ code: 'custom', message: msg('coaching:validation.link', { value: l.slice(0, 80) }) });
          return z.NEVER;
        }
      }
      return links;
    }),
  confirm: form.checkbox(),
});
export type AnswerInput = z.output<typeof answerSchema>;

export const reviewSchema = z.object({
  decision: z.enum(['approved', 'returned'], { error: msg('coaching:validation.decision') }),
  reviewNote: form.optionalText(4000, msg('coaching:field.reviewNote')).nullable(),
});

export const goalSchema = z.object({
  title: form.text(300, msg('coaching:field.goalTitle')),
  description: form.optionalText(4000, msg('coaching:field.description')).nullable(),
  reference,
});

const optionalId = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    if (!/^\d{1,9}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: msg('coaching:validation.owner') });
      return z.NEVER;
    }
    return Number(v);
  });

export const actionSchema = z.object({
  title: form.text(300, msg('coaching:field.actionTitle')),
  goalId: optionalId,
  ownerId: optionalId,
  dueOn: form.optionalDate(msg('coaching:field.dueOn')),
  status: z.enum(ACTION_STATUSES, { error: msg('coaching:validation.status') }).default('todo'),
  progress: form.optionalInt(0, 100, msg('coaching:field.progress')),
  note: form.optionalText(2000, msg('coaching:field.note')).nullable(),
});

export const sourceSchema = z.object({
  kind: z.string().trim().min(1).max(40),
  id: z.union([z.string(), z.number()]).transform(String),
  label: z.string().trim().min(1).max(300),
  href: z.string().trim().startsWith('/').max(500),
});

export const externalActionSchema = z.object({
  entityId: z.number().int().positive(),
  title: form.text(300, msg('coaching:field.actionTitle')),
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
  ownerUserId: z.number().int().positive().nullable().optional(),
  source: sourceSchema,
});

export const sessionSchema = z
  .object({
    startsAt: z
      .string({ error: msg('coaching:validation.startsAt') })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, msg('coaching:validation.startsAt')),
    durationMinutes: form.optionalInt(15, 600, msg('coaching:field.duration')),
    mode: z.enum(['presence', 'online'], { error: msg('coaching:validation.mode') }),
    place: form.optionalText(300, msg('coaching:field.place')).nullable(),
    link: form.optionalText(500, msg('coaching:field.link')).nullable(),
    participants: form.optionalText(2000, msg('coaching:field.participants')).nullable(),
    agenda: form.optionalText(4000, msg('coaching:field.agenda')).nullable(),
    minutes: form.optionalText(20000, msg('coaching:field.minutes')).nullable(),
    nextSteps: form.optionalText(4000, msg('coaching:field.nextSteps')).nullable(),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'online') {
      let ok: boolean;
      try {
        ok = !!v.link && new URL(v.link).protocol === 'https:';
      } catch {
        ok = false;
      }
      if (!ok) ctx.addIssue({ code: 'custom', path: ['link'], message: msg('coaching:validation.onlineLink') });
    }
  });

/** A decision of a session: an existing action's new status/progress, or a new action. */
export const decisionSchema = z.object({
  actionId: optionalId,
  status: z.enum(ACTION_STATUSES, { error: msg('coaching:validation.status') }),
  progress: form.optionalInt(0, 100, msg('coaching:field.progress')),
  newTitle: form.optionalText(300, msg('coaching:field.actionTitle')).nullable(),
  dueOn: form.optionalDate(msg('coaching:field.dueOn')),
  note: form.optionalText(2000, msg('coaching:field.note')).nullable(),
});

/** The evidence of an obligation for a year: the day it was done, a link (http/https) and a note. */
export const obligationEvidenceSchema = z.object({
  doneOn: form.optionalDate(msg('coaching:field.doneOn')).transform((v, ctx) => {
    if (!v) {
      ctx.addIssue({ code: 'custom', message: msg('coaching:validation.doneOn') });
      return z.NEVER;
    }
    return v;
  }),
  link: z
    .string()
    .trim()
    .max(500, msg('coaching:validation.link', { value: '' }))
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      let ok: boolean;
      try {
        const u = new URL(v);
        ok = u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        ok = false;
      }
      if (!ok) {
        ctx.addIssue({ code: 'custom', message: msg('coaching:validation.link', { value: v.slice(0, 80) }) });
        return z.NEVER;
      }
      return v;
    }),
  note: form.optionalText(2000, msg('coaching:field.note')).nullable(),
});

export const reminderDaysSchema = z.object({
  days: z
    .string({ error: msg('coaching:validation.reminderDays') })
    .trim()
    .regex(/^\d{1,3}$/, msg('coaching:validation.reminderDays'))
    .transform(Number)
    .refine((n) => n >= 1 && n <= 180, msg('coaching:validation.reminderDays')),
});
