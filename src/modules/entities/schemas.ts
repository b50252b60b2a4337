import { z } from 'zod';
import { form } from '../../platform/validation.js';
import { ENTITY_KINDS, MEMBERSHIP_STATUSES } from './models.js';

export const ENTITY_KIND_LABELS: Record<(typeof ENTITY_KINDS)[number], string> = {
  comune: 'Comune',
  unione: 'Unione di comuni',
  provincia: 'Provincia',
  citta_metropolitana: 'Città metropolitana',
  comunita_montana: 'Comunità montana',
  regione: 'Regione',
  altro: 'Altro ente',
};

export const MEMBERSHIP_LABELS: Record<(typeof MEMBERSHIP_STATUSES)[number], string> = {
  prospect: 'In adesione',
  active: 'Aderente',
  suspended: 'Sospeso',
  withdrawn: 'Receduto',
};

/** codiceIPA as IndicePA writes it: lower-case letters, digits and underscores (e.g. c_h501, p_bs). */
export const ipaCode = z
  .string({ error: 'Il codice IPA è obbligatorio.' })
  .trim()
  .toLowerCase()
  .min(1, 'Il codice IPA è obbligatorio.')
  .max(20, 'Il codice IPA può avere al massimo 20 caratteri.')
  .regex(/^[a-z0-9][a-z0-9_]{1,19}$/, 'Il codice IPA non è valido: usa lettere, cifre e trattino basso (es. c_h501).');

const provinceCode = z
  .string()
  .trim()
  .toUpperCase()
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^[A-Z]{2}$/.test(v), 'La sigla della provincia ha due lettere (es. LE).');

export const entitySchema = z
  .object({
    ipaCode,
    name: form.text(200, 'entities:field.name'),
    fiscalCode: form
      .optionalText(11, 'Il codice fiscale')
      .refine((v) => v === null || /^\d{11}$/.test(v), 'Il codice fiscale di un ente ha 11 cifre.'),
    istatCode: form.optionalText(6, 'entities:field.istatCode').refine((v) => v === null || /^\d{6}$/.test(v), 'Il codice ISTAT ha 6 cifre.'),
    kind: z.enum(ENTITY_KINDS, { error: 'Scegli la tipologia dell’ente.' }),
    provinceCode,
    region: form.optionalText(60, 'entities:field.region'),
    population: form.optionalInt(0, 10_000_000, 'entities:field.population'),
    membershipStatus: z.enum(MEMBERSHIP_STATUSES, { error: 'Scegli lo stato di adesione.' }),
    joinedOn: form.optionalDate('entities:field.joinedOn'),
    conventionExpiresOn: form.optionalDate('entities:field.conventionExpiresOn'),
    isLead: form.checkbox(),
    isCedent: form.checkbox(),
    rtdUserId: z
      .string()
      .optional()
      .transform((v) => (v ? Number(v) : null))
      .refine((v) => v === null || (Number.isInteger(v) && v > 0), 'Scegli un utente valido.'),
    email: form.optionalText(254, 'entities:field.email').refine((v) => v === null || z.email().safeParse(v).success, "L'email non è valida."),
    website: form
      .optionalText(300, 'Il sito')
      .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), 'Il sito deve iniziare con https:// o http://.'),
  })
  .refine((v) => !v.joinedOn || !v.conventionExpiresOn || v.joinedOn <= v.conventionExpiresOn, {
    path: ['conventionExpiresOn'],
    message: 'La scadenza della convenzione non può precedere la data di adesione.',
  });

export type EntityInput = z.output<typeof entitySchema>;

export const entityFilterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  province: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/).optional().catch(undefined),
  kind: z.enum(ENTITY_KINDS).optional().catch(undefined),
  status: z.enum(MEMBERSHIP_STATUSES).optional().catch(undefined),
});
