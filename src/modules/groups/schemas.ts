// zod schemas of the working groups' forms. Labels and messages are keys of locales/<lang>/groups.json.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { msg, type Message } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { ACTION_STATES, ANSWERS, GROUP_KINDS, LINK_KINDS, MEMBER_ROLES, VISIBILITIES } from './states.js';

export const ZONE = 'Europe/Rome';
const label = (name: string): Message => msg(`groups:field.${name}`);
const choice = <T extends readonly [string, ...string[]]>(values: T, message: Message) => z.enum(values, { error: message });
const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const id = (message: Message) => z.string({ error: message }).trim().regex(/^[1-9][0-9]{0,9}$/, message).transform(Number);
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export const groupSchema = z.object({
  name: form.text(200, label('name')),
  kind: choice(GROUP_KINDS, 'groups:error.chooseKind'),
  purpose: form.optionalText(4000, label('purpose')),
  visibility: choice(VISIBILITIES, 'groups:error.chooseVisibility'),
  entityIds: list.transform((v) => [...new Set(v.filter((x) => /^[1-9][0-9]{0,9}$/.test(x)).map(Number))]),
});
export type GroupInput = z.output<typeof groupSchema>;

export const memberSchema = z.object({
  email: form.email(label('memberEmail')),
  role: choice(MEMBER_ROLES, 'groups:error.chooseRole'),
});

const requiredTime = (name: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) {
        ctx.addIssue({ code: 'custom', message: msg('common:validation.required', { label: label(name) }) });
        return z.NEVER;
      }
      if (!TIME.test(v)) {
        ctx.addIssue({ code: 'custom', message: 'groups:error.time' });
        return z.NEVER;
      }
      return v;
    });

const url = z
  .string()
  .trim()
  .max(500, msg('common:validation.tooLong', { label: label('link'), max: 500 }))
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), 'groups:error.url');

export const meetingSchema = z
  .object({
    title: form.text(200, label('title')),
    date: form.optionalDate(label('date')),
    startTime: requiredTime('startTime'),
    endTime: requiredTime('endTime'),
    place: form.optionalText(300, label('place')),
    link: url,
  })
  .transform((d, ctx) => {
    if (!d.date) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: msg('common:validation.required', { label: label('date') }) });
      return z.NEVER;
    }
    const startsAt = DateTime.fromISO(`${d.date}T${d.startTime}`, { zone: ZONE });
    const endsAt = DateTime.fromISO(`${d.date}T${d.endTime}`, { zone: ZONE });
    if (!startsAt.isValid || !endsAt.isValid) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: msg('common:validation.date', { label: label('date') }) });
      return z.NEVER;
    }
    if (endsAt <= startsAt) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'groups:error.endBeforeStart' });
    if (!d.place && !d.link) ctx.addIssue({ code: 'custom', path: ['place'], message: 'groups:error.placeOrLink' });
    return { title: d.title, startsAt: startsAt.toJSDate(), endsAt: endsAt.toJSDate(), place: d.place, link: d.link };
  });
export type MeetingInput = z.output<typeof meetingSchema>;

export const itemSchema = z.object({
  title: form.text(300, label('itemTitle')),
  description: form.optionalText(4000, label('itemDescription')),
  presenter: form.optionalText(200, label('presenter')),
  durationMinutes: form.optionalInt(1, 600, label('duration')),
});

export const guestSchema = z.object({
  name: form.text(200, label('guestName')),
  email: form.email(label('guestEmail')),
  organisation: form.optionalText(200, label('organisation')),
});

export const answerSchema = z.object({ answer: choice(ANSWERS, 'groups:error.chooseAnswer') });

export const summarySchema = z.object({ summary: form.optionalText(20_000, label('summary')) });

export const decisionSchema = z.object({ text: form.text(2000, label('decision')) });

export const actionSchema = z.object({
  ownerId: id('groups:error.chooseOwner'),
  title: form.text(500, label('actionTitle')),
  dueOn: form.optionalDate(label('dueOn')),
});

export const actionStatusSchema = z.object({ status: choice(ACTION_STATES, 'groups:error.chooseStatus') });

export const linkSchema = z.object({
  kind: choice(LINK_KINDS, 'groups:error.chooseLink'),
  // The dossier whose needs collection the owner's body joins (kind "tenders" only).
  dossierId: z.union([z.literal(''), id('groups:error.chooseDossier')]).optional().transform((v) => (v ? v : null)),
});

export const remarkSchema = z
  .object({ kind: choice(['confirm', 'comment'] as const, 'groups:error.chooseRemark'), text: form.optionalText(4000, label('remark')) })
  .refine((d) => d.kind === 'confirm' || !!d.text, { path: ['text'], message: msg('common:validation.required', { label: label('remark') }) });

export const correctionSchema = z.object({ note: form.text(2000, label('correctionNote')) });

export const notesSchema = z.object({ notes: form.optionalText(20_000, label('minutesNotes')) });
