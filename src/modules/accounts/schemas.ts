import { z } from 'zod';
import { ROLES } from '../../platform/actor.js';
import { form } from '../../platform/validation.js';

const password = z
  .string({ error: 'La password è obbligatoria.' })
  .min(10, 'La password deve avere almeno 10 caratteri.')
  .max(200, 'La password può avere al massimo 200 caratteri.');

export const loginSchema = z.object({
  email: z.string().trim().max(254, "L'indirizzo email è troppo lungo.").default(''),
  password: z.string().max(200, 'La password è troppo lunga.').default(''),
});

export const inviteSchema = z.object({
  email: form.email(),
  role: z.enum(ROLES, { error: 'Scegli un ruolo valido.' }),
  entityId: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : null))
    .refine((v) => v === null || (Number.isInteger(v) && v > 0), 'Scegli un ente valido.'),
});

export const setPasswordSchema = z
  .object({
    name: form.text(120, 'accounts:field.name'),
    password,
    confirmPassword: z.string().default(''),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'Le due password non coincidono.' });

export const resetPasswordSchema = z
  .object({ password, confirmPassword: z.string().default('') })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'Le due password non coincidono.' });

export const forgotSchema = z.object({ email: form.email() });

export const profileSchema = z.object({
  name: form.text(120, 'accounts:field.name'),
  notifyOptional: form.checkbox(),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Inserisci la password attuale.').max(200),
    newPassword: password,
    confirmPassword: z.string().default(''),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'Le due password non coincidono.' });

export const roleChangeSchema = z.object({ role: z.enum(ROLES, { error: 'Scegli un ruolo valido.' }) });

export const userFilterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  status: z.enum(['invited', 'active', 'disabled']).optional().catch(undefined),
  entityId: z.coerce.number().int().positive().optional().catch(undefined),
});
