import { z } from 'zod';
import { ROLES } from '../../platform/actor.js';
import { LANGUAGES } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';

const password = z
  .string({ error: msg('accounts:error.passwordRequired') })
  .min(10, msg('accounts:error.passwordTooShort'))
  .max(200, msg('accounts:error.passwordTooLong'));

export const loginSchema = z.object({
  email: z.string().trim().max(254, msg('accounts:error.emailTooLong')).default(''),
  password: z.string().max(200, msg('accounts:error.passwordTooLong')).default(''),
});

/** The login form as typed: both fields filled in, not longer than an account's (the messages go next to the fields). */
export const loginFormSchema = z.object({
  email: form.text(254, msg('accounts:login.email')),
  password: form.text(200, msg('accounts:login.password')),
});

export const inviteSchema = z.object({
  email: form.email('accounts:field.email'),
  role: z.enum(ROLES, { error: msg('accounts:error.roleInvalid') }),
  entityId: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : null))
    .refine((v) => v === null || (Number.isInteger(v) && v > 0), msg('accounts:error.bodyInvalid')),
});

export const setPasswordSchema = z
  .object({
    name: form.text(120, 'accounts:field.name'),
    password,
    confirmPassword: z.string().default(''),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: msg('accounts:error.passwordsDiffer') });

export const resetPasswordSchema = z
  .object({ password, confirmPassword: z.string().default('') })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: msg('accounts:error.passwordsDiffer') });

export const forgotSchema = z.object({ email: form.email('accounts:field.email') });

export const profileSchema = z.object({
  name: form.text(120, 'accounts:field.name'),
  notifyOptional: form.checkbox(),
  /** The language of the mail the user receives (users.locale); a form without it keeps the current one. */
  locale: z.enum(LANGUAGES).optional(),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, msg('accounts:error.currentPasswordMissing')).max(200),
    newPassword: password,
    confirmPassword: z.string().default(''),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: msg('accounts:error.passwordsDiffer') });

export const roleChangeSchema = z.object({ role: z.enum(ROLES, { error: msg('accounts:error.roleInvalid') }) });

export const userFilterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  status: z.enum(['invited', 'active', 'disabled']).optional().catch(undefined),
  entityId: z.coerce.number().int().positive().optional().catch(undefined),
  /** A body typed by name or codice IPA (partials/body-filter): wins over `entityId` from a link. */
  entityName: z.string().trim().max(200).optional().catch(undefined),
});
