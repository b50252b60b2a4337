import { z } from 'zod';
import { msg } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { ENTITY_KINDS, MEMBERSHIP_STATUSES } from './models.js';

// The names of kinds and membership states are locale keys: entities:kind.<code>, entities:membership.<code>.

/** codiceIPA as IndicePA writes it: lower-case letters, digits and underscores (e.g. c_h501, p_bs). */
export const ipaCode = z
  .string({ error: msg('entities:error.ipaRequired') })
  .trim()
  .toLowerCase()
  .min(1, msg('entities:error.ipaRequired'))
  .max(20, msg('entities:error.ipaTooLong'))
  .regex(/^[a-z0-9][a-z0-9_]{1,19}$/, msg('entities:error.ipaInvalid'));

const provinceCode = z
  .string()
  .trim()
  .toUpperCase()
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^[A-Z]{2}$/.test(v), msg('entities:error.provinceInvalid'));

export const entitySchema = z
  .object({
    ipaCode,
    name: form.text(200, 'entities:field.name'),
    fiscalCode: form
      .optionalText(11, 'entities:field.fiscalCode')
      .refine((v) => v === null || /^\d{11}$/.test(v), msg('entities:error.fiscalCodeInvalid')),
    istatCode: form.optionalText(6, 'entities:field.istatCode').refine((v) => v === null || /^\d{6}$/.test(v), msg('entities:error.istatInvalid')),
    kind: z.enum(ENTITY_KINDS, { error: msg('entities:error.kindRequired') }),
    provinceCode,
    region: form.optionalText(60, 'entities:field.region'),
    population: form.optionalInt(0, 10_000_000, 'entities:field.population'),
    membershipStatus: z.enum(MEMBERSHIP_STATUSES, { error: msg('entities:error.membershipRequired') }),
    joinedOn: form.optionalDate('entities:field.joinedOn'),
    conventionExpiresOn: form.optionalDate('entities:field.conventionExpiresOn'),
    isLead: form.checkbox(),
    isCedent: form.checkbox(),
    rtdUserId: z
      .string()
      .optional()
      .transform((v) => (v ? Number(v) : null))
      .refine((v) => v === null || (Number.isInteger(v) && v > 0), msg('entities:error.rtdInvalid')),
    email: form.optionalText(254, 'entities:field.email').refine((v) => v === null || z.email().safeParse(v).success, msg('entities:error.emailInvalid')),
    website: form
      .optionalText(300, 'entities:field.website')
      .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), msg('entities:error.websiteInvalid')),
  })
  .refine((v) => !v.joinedOn || !v.conventionExpiresOn || v.joinedOn <= v.conventionExpiresOn, {
    path: ['conventionExpiresOn'],
    message: msg('entities:error.conventionBeforeJoin'),
  });

export type EntityInput = z.output<typeof entitySchema>;

export const entityFilterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  province: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/).optional().catch(undefined),
  kind: z.enum(ENTITY_KINDS).optional().catch(undefined),
  status: z.enum(MEMBERSHIP_STATUSES).optional().catch(undefined),
});
