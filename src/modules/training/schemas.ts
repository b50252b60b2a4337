// zod schemas of the training forms. Labels and messages are keys of locales/<lang>/training.json.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { msg, type Message } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { syllabusCompetences } from '../../platform/vocabulary.js';

export const AUDIENCES = ['staff', 'administrators', 'rtd', 'citizens'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const LEVELS = ['base', 'intermediate', 'advanced'] as const;
export const MODES = ['online', 'presence', 'hybrid'] as const;
export type Mode = (typeof MODES)[number];
export const CYCLE_STATES = ['draft', 'published', 'cancelled'] as const;
export const ATTENDANCE = ['present', 'absent', 'late', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE)[number];
export const AGE_BANDS = ['14-17', '18-29', '30-54', '55-74', '75+'] as const;
export const GENDERS = ['f', 'm', 'x'] as const;
export const ZONE = 'Europe/Rome';

const label = (name: string): Message => msg(`training:field.${name}`);
const choice = <T extends readonly [string, ...string[]]>(values: T, message: Message) => z.enum(values, { error: message });
const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const required = <T>(schema: z.ZodType<T | null>, name: string) =>
  schema.transform((v, ctx) => {
    if (v === null) {
      ctx.addIssue({ code: 'custom', message: msg('common:validation.required', { label: label(name) }) });
      return z.NEVER;
    }
    return v;
  });
const hoursValue = (name: string) =>
  z
    .string({ error: msg('common:validation.required', { label: label(name) }) })
    .trim()
    .transform((v, ctx) => {
      const n = Number(v.replace(',', '.'));
      if (!v) {
        ctx.addIssue({ code: 'custom', message: msg('common:validation.required', { label: label(name) }) });
        return z.NEVER;
      }
      if (!/^\d{1,4}([.,]\d{1,2})?$/.test(v) || !(n > 0) || n > 1000) {
        ctx.addIssue({ code: 'custom', message: msg('training:error.hours', { label: label(name) }) });
        return z.NEVER;
      }
      return n;
    });
const url = (name: string) =>
  z
    .string()
    .trim()
    .max(500, msg('common:validation.tooLong', { label: label(name), max: 500 }))
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), 'training:error.url');

export const cycleSchema = z
  .object({
    title: form.text(200, label('title')),
    description: form.optionalText(5000, label('description')),
    audience: choice(AUDIENCES, 'training:error.chooseAudience'),
    competences: list,
    level: choice(LEVELS, 'training:error.chooseLevel'),
    hours: hoursValue('hours'),
    organiser: form.optionalText(200, label('organiser')),
    speakers: form.optionalText(500, label('speakers')),
    attendancePercent: required(form.optionalInt(1, 100, label('attendancePercent')), 'attendancePercent'),
    offerHours: required(form.optionalInt(1, 720, label('offerHours')), 'offerHours'),
    seatsPerBody: form.optionalInt(1, 1000, label('seatsPerBody')),
    reservedUntil: form.optionalDate(label('reservedUntil')),
    retentionDays: required(form.optionalInt(1, 3650, label('retentionDays')), 'retentionDays'),
    state: choice(CYCLE_STATES, 'training:error.chooseState'),
  })
  .transform((d, ctx) => {
    const known = new Set(syllabusCompetences().map((c) => c.code));
    const competences = [...new Set(d.competences.map((c) => c.trim()).filter(Boolean))];
    if (competences.some((c) => !known.has(c))) ctx.addIssue({ code: 'custom', path: ['competences'], message: 'training:error.chooseCompetence' });
    if (d.seatsPerBody !== null && d.reservedUntil === null) ctx.addIssue({ code: 'custom', path: ['reservedUntil'], message: 'training:error.reservedUntilRequired' });
    if (d.audience === 'citizens' && d.seatsPerBody !== null) ctx.addIssue({ code: 'custom', path: ['seatsPerBody'], message: 'training:error.noSeatsForCitizens' });
    return { ...d, competences, description: d.description ?? '', organiser: d.organiser ?? '', speakers: d.speakers ?? '' };
  });
export type CycleInput = z.output<typeof cycleSchema>;

export const sessionSchema = z
  .object({
    title: form.text(200, label('sessionTitle')),
    day: required(form.optionalDate(label('day')), 'day'),
    time: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) {
          ctx.addIssue({ code: 'custom', message: msg('common:validation.required', { label: label('time') }) });
          return z.NEVER;
        }
        if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) {
          ctx.addIssue({ code: 'custom', message: 'training:error.time' });
          return z.NEVER;
        }
        return v;
      }),
    durationMinutes: required(form.optionalInt(5, 1440, label('durationMinutes')), 'durationMinutes'),
    mode: choice(MODES, 'training:error.chooseMode'),
    link: url('link'),
    place: form.optionalText(300, label('place')),
    capacity: required(form.optionalInt(1, 100000, label('capacity')), 'capacity'),
  })
  .transform((d, ctx) => {
    if (d.mode !== 'presence' && !d.link) ctx.addIssue({ code: 'custom', path: ['link'], message: 'training:error.linkRequired' });
    if (d.mode !== 'online' && !d.place) ctx.addIssue({ code: 'custom', path: ['place'], message: 'training:error.placeRequired' });
    const startsAt = DateTime.fromISO(`${d.day}T${d.time}`, { zone: ZONE });
    if (!startsAt.isValid) ctx.addIssue({ code: 'custom', path: ['time'], message: 'training:error.time' });
    return { title: d.title, startsAt: startsAt.toJSDate(), durationMinutes: d.durationMinutes, mode: d.mode, link: d.mode === 'presence' ? null : d.link, place: d.mode === 'online' ? null : d.place, capacity: d.capacity };
  });
export type SessionInput = z.output<typeof sessionSchema>;

const id = (message: Message) => z.string({ error: message }).trim().regex(/^[1-9][0-9]{0,9}$/, message).transform(Number);

/** A referent or RTD registering a colleague of their body; staff any person. */
export const colleagueSchema = z.object({ userId: id('training:error.chooseColleague') });

export const citizenSchema = z.object({
  name: form.text(200, label('citizenName')),
  email: form.email(label('email')),
  phone: z
    .string()
    .trim()
    .max(30)
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || /^\+?[0-9 ]{6,20}$/.test(v), 'training:error.phone'),
  consent: form.checkbox().refine((v) => v, 'training:error.consent'),
});

export const attendanceRowSchema = z.object({
  status: choice(ATTENDANCE, 'training:error.chooseStatus'),
  note: form.optionalText(500, label('note')),
});

export const revokeSchema = z.object({ reason: form.text(500, label('reason')) });

export const externalSchema = z.object({
  userId: id('training:error.chooseColleague'),
  title: form.text(200, label('externalTitle')),
  provider: form.optionalText(200, label('provider')),
  completedOn: required(form.optionalDate(label('completedOn')), 'completedOn'),
  hours: hoursValue('hours'),
});

export const feedbackSchema = z.object({
  rating: z
    .string({ error: 'training:error.rating' })
    .trim()
    .regex(/^[1-5]$/, 'training:error.rating')
    .transform(Number),
  comment: form.optionalText(2000, label('comment')),
});

export const countsSchema = z.record(z.string(), z.string().optional());

export const MATERIAL_KINDS = ['slides', 'recording', 'link', 'file'] as const;

/** A session's material: a title, its kind, and a link (or a file sent with the form). */
export const materialSchema = z.object({
  kind: choice(MATERIAL_KINDS, 'training:error.chooseMaterialKind'),
  title: form.text(200, label('materialTitle')),
  url: url('materialUrl'),
});
