// Labels and input schemas of the catalogue: the asset form, adoption, review, import and file forms.
import { z } from 'zod';
import { form } from '../../platform/validation.js';
import { ADOPTION_STATUSES, ASSET_KINDS, FILE_ROLES, type AdoptionStatus, type AssetKind, type AssetStatus, type FileRole } from './models.js';
import { canonicalSpdx } from './publiccode.js';
import {
  CATEGORY_LABELS,
  DEVELOPMENT_STATUS_LABELS,
  ITALIAN_PLATFORMS,
  MAINTENANCE_TYPE_LABELS,
  PLATFORMS,
  PNRR_MEASURES,
  SCOPE_LABELS,
  SOFTWARE_TYPE_LABELS,
} from './vocabulary.js';

export const KIND_LABELS: Record<AssetKind, string> = {
  software: 'Software',
  template: 'Modello di documento',
  toolkit: 'Kit e metodi',
  service: 'Servizio condiviso',
};

export const KIND_HINTS: Record<AssetKind, string> = {
  software: 'Un programma con il suo codice sorgente, descritto da un publiccode.yml.',
  template: 'Un documento da adattare: regolamento, delibera, capitolato, informativa…',
  toolkit: 'Linee guida, metodi, checklist e materiali per organizzare un’attività.',
  service: 'Una piattaforma gestita da un ente e offerta ad altri enti.',
};

export const STATUS_LABELS: Record<AssetStatus, string> = {
  draft: 'Bozza',
  submitted: 'In revisione',
  published: 'Pubblicato',
  returned: 'Restituito con osservazioni',
  archived: 'Archiviato',
};

export const ADOPTION_LABELS: Record<AdoptionStatus, string> = {
  in_use: 'In uso',
  evaluating: 'In valutazione',
  interested: 'Interessato',
  dismissed: 'Non più di interesse',
};

export const FILE_ROLE_LABELS: Record<FileRole, string> = {
  attachment: 'Allegato',
  screenshot: 'Schermata',
  logo: 'Logo',
};

export const SORT_LABELS = {
  rilevanza: 'Pertinenza',
  recenti: 'Più recenti',
  adottati: 'Più adottati',
  nome: 'Nome (A-Z)',
} as const;
export type SortKey = keyof typeof SORT_LABELS;

const multi = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean));

const httpUrl = (label: string) =>
  form.optionalText(500, label).refine((v) => v === null || /^https?:\/\/[^\s<>"`]+\.[^\s<>"`]+$/i.test(v), `${label} deve essere un indirizzo completo che inizia con https:// o http://.`);

const commaList = (max: number, label: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = [...new Set((v ?? '').split(/[,;\n]/).map((s) => s.trim()).filter(Boolean))];
      if (items.length > max) {
        ctx.addIssue({ code: 'custom', message: `${label}: al massimo ${max} voci.` });
        return z.NEVER;
      }
      if (items.some((s) => s.length > 60)) {
        ctx.addIssue({ code: 'custom', message: `${label}: ogni voce può avere al massimo 60 caratteri.` });
        return z.NEVER;
      }
      return items;
    });

const lines = (v: string | undefined) => (v ?? '').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (v: string) => ISO_DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

export type ContractorInput = { name: string; until: string | null; email: string | null; website: string | null };
export type ContactInput = { name: string; email: string | null; phone: string | null; affiliation: string | null };

/** One contractor per line: «Nome; AAAA-MM-GG; email; sito». */
const contractorLines = z
  .string()
  .optional()
  .transform((v, ctx): ContractorInput[] => {
    const out: ContractorInput[] = [];
    lines(v).slice(0, 50).forEach((line, i) => {
      const [name, until, email, website] = line.split(';').map((s) => s.trim());
      if (!name) return ctx.addIssue({ code: 'custom', message: `Fornitori, riga ${i + 1}: manca il nome.` });
      if (until && !validDate(until)) return ctx.addIssue({ code: 'custom', message: `Fornitori, riga ${i + 1}: la data «${until}» non è nel formato AAAA-MM-GG.` });
      if (email && !EMAIL.test(email)) return ctx.addIssue({ code: 'custom', message: `Fornitori, riga ${i + 1}: l'email «${email}» non è valida.` });
      if (website && !/^https?:\/\/\S+$/i.test(website)) return ctx.addIssue({ code: 'custom', message: `Fornitori, riga ${i + 1}: il sito deve iniziare con https://.` });
      out.push({ name: name.slice(0, 200), until: until || null, email: email || null, website: website || null });
    });
    return out;
  });

/** One contact per line: «Nome; email; telefono; ente». */
const contactLines = z
  .string()
  .optional()
  .transform((v, ctx): ContactInput[] => {
    const out: ContactInput[] = [];
    lines(v).slice(0, 50).forEach((line, i) => {
      const [name, email, phone, affiliation] = line.split(';').map((s) => s.trim());
      if (!name) return ctx.addIssue({ code: 'custom', message: `Referenti, riga ${i + 1}: manca il nome.` });
      if (email && !EMAIL.test(email)) return ctx.addIssue({ code: 'custom', message: `Referenti, riga ${i + 1}: l'email «${email}» non è valida.` });
      out.push({ name: name.slice(0, 200), email: email || null, phone: phone || null, affiliation: affiliation || null });
    });
    return out;
  });

const inVocabulary = (values: readonly string[], label: string) =>
  multi.refine((list) => list.every((v) => values.includes(v)), `${label}: uno dei valori scelti non è ammesso.`);

export const assetFormSchema = z
  .object({
    kind: z.enum(ASSET_KINDS, { error: 'Scegli il tipo di asset.' }),
    name: form.text(200, 'catalog:field.name'),
    url: httpUrl("L'indirizzo del repository"),
    landingURL: httpUrl("L'indirizzo della pagina di presentazione"),
    entityId: z
      .string()
      .optional()
      .transform((v) => (v ? Number(v) : null))
      .refine((v) => v === null || (Number.isInteger(v) && v > 0), 'Scegli un ente valido.'),
    softwareVersion: form.optionalText(50, 'catalog:field.softwareVersion'),
    releaseDate: form.optionalDate('catalog:field.releaseDate'),
    developmentStatus: z.union([z.enum(Object.keys(DEVELOPMENT_STATUS_LABELS) as [string, ...string[]]), z.literal('')], { error: 'Scegli uno stato di sviluppo valido.' }).optional().transform((v) => v || null),
    softwareType: z.union([z.enum(Object.keys(SOFTWARE_TYPE_LABELS) as [string, ...string[]]), z.literal('')], { error: 'Scegli un tipo di software valido.' }).optional().transform((v) => v || null),
    platforms: inVocabulary(PLATFORMS, 'Piattaforme'),
    otherPlatforms: commaList(10, 'Altre piattaforme'),
    categories: inVocabulary(Object.keys(CATEGORY_LABELS), 'Categorie'),
    scopes: inVocabulary(Object.keys(SCOPE_LABELS), 'Ambiti'),
    shortDescription: form.optionalText(150, 'catalog:field.shortDescription'),
    longDescription: form.optionalText(10000, 'catalog:field.longDescription'),
    features: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const items = lines(v);
        if (items.length > 100) ctx.addIssue({ code: 'custom', message: 'Funzionalità: al massimo 100 righe.' });
        if (items.some((s) => s.length > 300)) ctx.addIssue({ code: 'custom', message: 'Funzionalità: ogni riga può avere al massimo 300 caratteri.' });
        return items;
      }),
    documentation: httpUrl("L'indirizzo della documentazione"),
    license: form
      .optionalText(200, 'La licenza')
      .transform((v, ctx) => {
        if (v === null) return null;
        const canonical = canonicalSpdx(v);
        if (!canonical) {
          ctx.addIssue({ code: 'custom', message: 'La licenza deve essere un identificativo SPDX (per esempio EUPL-1.2, AGPL-3.0-or-later, CC-BY-4.0).' });
          return z.NEVER;
        }
        return canonical;
      }),
    mainCopyrightOwner: form.optionalText(200, 'catalog:field.mainCopyrightOwner'),
    maintenanceType: z.union([z.enum(Object.keys(MAINTENANCE_TYPE_LABELS) as [string, ...string[]]), z.literal('')], { error: 'Scegli un tipo di manutenzione valido.' }).optional().transform((v) => v || null),
    contractors: contractorLines,
    contacts: contactLines,
    italianPlatforms: inVocabulary(ITALIAN_PLATFORMS, 'Piattaforme nazionali'),
    availableLanguages: commaList(20, 'Lingue disponibili').refine((l) => l.every((x) => /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(x)), 'Lingue disponibili: usa i codici di lingua, per esempio «it, en».'),
    localisationReady: form.checkbox(),
    pnrrMeasures: inVocabulary(PNRR_MEASURES.map((m) => m.code), 'Misure PNRR'),
    tags: commaList(15, 'Parole chiave'),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'software' && !v.url) ctx.addIssue({ code: 'custom', path: ['url'], message: "Per il software l'indirizzo del repository è obbligatorio." });
  });
export type AssetFormInput = z.output<typeof assetFormSchema>;

export const adoptionSchema = z.object({
  status: z.enum(ADOPTION_STATUSES, { error: 'Scegli lo stato dell’adozione.' }),
  since: form
    .optionalDate('La data')
    .refine((v) => v === null || v <= new Date(Date.now() + 366 * 86_400_000).toISOString().slice(0, 10), 'La data non può essere oltre un anno nel futuro.')
    .refine((v) => v === null || v >= '1990-01-01', 'La data non è plausibile.'),
  note: form.optionalText(2000, 'catalog:field.note'),
});

export const reviewSchema = z.object({
  comment: form.text(4000, 'catalog:field.commentForBody'),
});

export const optionalCommentSchema = z.object({
  comment: form.optionalText(4000, 'catalog:field.comment'),
});

export const importFormSchema = z.object({
  source: z.enum(['upload', 'paste']).catch('upload'),
  content: z.string().optional(),
  entityId: z
    .string()
    .optional()
    .transform((v) => (v && v !== 'auto' ? Number(v) : null))
    .refine((v) => v === null || (Number.isInteger(v) && v > 0), 'Scegli un ente valido.'),
});

export const confirmImportSchema = z.object({
  action: z.enum(['draft', 'submit', 'publish'], { error: 'Scegli come salvare l’asset.' }),
  kind: z.enum(ASSET_KINDS).catch('software'),
});

export const fileFormSchema = z.object({
  role: z.enum(FILE_ROLES, { error: 'Scegli il tipo di file.' }),
  title: form.optionalText(200, 'catalog:field.title'),
});
