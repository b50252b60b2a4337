// Labels and input schemas of the catalogue: the asset form, adoption, review, import and file forms.
import { z } from 'zod';
import { msg, type Message } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { DOCUMENT_TYPES } from '../tenders/index.js';
import { ADOPTION_STATUSES, ASSET_KINDS, FILE_ROLES } from './models.js';
import { canonicalSpdx } from './publiccode.js';
import {
  DEVELOPMENT_STATUSES,
  ITALIAN_PLATFORMS,
  MAINTENANCE_TYPES,
  PLATFORMS,
  PNRR_MEASURES,
  PUBLICCODE_CATEGORIES,
  PUBLICCODE_SCOPES,
  SOFTWARE_TYPES,
} from './vocabulary.js';

// Labels live in locales/<lang>/catalog.json: `catalog:kind.<kind>`, `catalog:kindHint.<kind>`,
// `catalog:status.<status>`, `catalog:adoption.<status>`, `catalog:fileRole.<role>`, `catalog:sort.<key>`.

/** The sort orders of the public list (query-string values). */
export const SORT_KEYS = ['rilevanza', 'recenti', 'adottati', 'nome'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const multi = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean));

const httpUrl = (label: Message) =>
  form.optionalText(500, label).refine((v) => v === null || /^https?:\/\/[^\s<>"`]+\.[^\s<>"`]+$/i.test(v), msg('catalog:error.httpUrl', { label }));

const commaList = (max: number, label: Message) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = [...new Set((v ?? '').split(/[,;\n]/).map((s) => s.trim()).filter(Boolean))];
      if (items.length > max) {
        ctx.addIssue({ code: 'custom', message: msg('catalog:error.listTooMany', { label, max }) });
        return z.NEVER;
      }
      if (items.some((s) => s.length > 60)) {
        ctx.addIssue({ code: 'custom', message: msg('catalog:error.listItemTooLong', { label, max: 60 }) });
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
      if (!name) return ctx.addIssue({ code: 'custom', message: msg('catalog:error.contractorName', { line: i + 1 }) });
      if (until && !validDate(until)) return ctx.addIssue({ code: 'custom', message: msg('catalog:error.contractorDate', { line: i + 1, value: until }) });
      if (email && !EMAIL.test(email)) return ctx.addIssue({ code: 'custom', message: msg('catalog:error.contractorEmail', { line: i + 1, value: email }) });
      if (website && !/^https?:\/\/\S+$/i.test(website)) return ctx.addIssue({ code: 'custom', message: msg('catalog:error.contractorWebsite', { line: i + 1 }) });
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
      if (!name) return ctx.addIssue({ code: 'custom', message: msg('catalog:error.contactName', { line: i + 1 }) });
      if (email && !EMAIL.test(email)) return ctx.addIssue({ code: 'custom', message: msg('catalog:error.contactEmail', { line: i + 1, value: email }) });
      out.push({ name: name.slice(0, 200), email: email || null, phone: phone || null, affiliation: affiliation || null });
    });
    return out;
  });

const inVocabulary = (values: readonly string[], label: Message) =>
  multi.refine((list) => list.every((v) => values.includes(v)), msg('catalog:error.notInVocabulary', { label }));

export const assetFormSchema = z
  .object({
    kind: z.enum(ASSET_KINDS, { error: msg('catalog:error.kind') }),
    name: form.text(200, 'catalog:field.name'),
    url: httpUrl('catalog:field.url'),
    landingURL: httpUrl('catalog:field.landingURL'),
    entityId: z
      .string()
      .optional()
      .transform((v) => (v ? Number(v) : null))
      .refine((v) => v === null || (Number.isInteger(v) && v > 0), msg('catalog:error.entity')),
    softwareVersion: form.optionalText(50, 'catalog:field.softwareVersion'),
    releaseDate: form.optionalDate('catalog:field.releaseDate'),
    developmentStatus: z.union([z.enum(DEVELOPMENT_STATUSES), z.literal('')], { error: msg('catalog:error.developmentStatus') }).optional().transform((v) => v || null),
    softwareType: z.union([z.enum(SOFTWARE_TYPES), z.literal('')], { error: msg('catalog:error.softwareType') }).optional().transform((v) => v || null),
    platforms: inVocabulary(PLATFORMS, 'catalog:field.platforms'),
    otherPlatforms: commaList(10, 'catalog:field.otherPlatforms'),
    categories: inVocabulary(PUBLICCODE_CATEGORIES, 'catalog:field.categories'),
    scopes: inVocabulary(PUBLICCODE_SCOPES, 'catalog:field.scopes'),
    shortDescription: form.optionalText(150, 'catalog:field.shortDescription'),
    longDescription: form.optionalText(10000, 'catalog:field.longDescription'),
    features: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const items = lines(v);
        if (items.length > 100) ctx.addIssue({ code: 'custom', message: msg('catalog:error.featuresTooMany', { max: 100 }) });
        if (items.some((s) => s.length > 300)) ctx.addIssue({ code: 'custom', message: msg('catalog:error.featureTooLong', { max: 300 }) });
        return items;
      }),
    documentation: httpUrl('catalog:field.documentation'),
    license: form
      .optionalText(200, 'catalog:field.license')
      .transform((v, ctx) => {
        if (v === null) return null;
        const canonical = canonicalSpdx(v);
        if (!canonical) {
          ctx.addIssue({ code: 'custom', message: msg('catalog:error.license') });
          return z.NEVER;
        }
        return canonical;
      }),
    mainCopyrightOwner: form.optionalText(200, 'catalog:field.mainCopyrightOwner'),
    maintenanceType: z.union([z.enum(MAINTENANCE_TYPES), z.literal('')], { error: msg('catalog:error.maintenanceType') }).optional().transform((v) => v || null),
    contractors: contractorLines,
    contacts: contactLines,
    italianPlatforms: inVocabulary(ITALIAN_PLATFORMS, 'catalog:field.italianPlatforms'),
    availableLanguages: commaList(20, 'catalog:field.availableLanguages').refine((l) => l.every((x) => /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(x)), msg('catalog:error.languageCodes')),
    localisationReady: form.checkbox(),
    pnrrMeasures: inVocabulary(PNRR_MEASURES.map((m) => m.code), 'catalog:field.pnrrMeasures'),
    tags: commaList(15, 'catalog:field.tags'),
    /** A template may model one type of tender document (the tenders area offers and fills it). */
    documentType: z.union([z.enum(DOCUMENT_TYPES), z.literal('')], { error: msg('catalog:error.documentType') }).optional().transform((v) => v || null),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'software' && !v.url) ctx.addIssue({ code: 'custom', path: ['url'], message: msg('catalog:error.softwareUrl') });
    if (v.documentType && v.kind !== 'template') ctx.addIssue({ code: 'custom', path: ['documentType'], message: msg('catalog:error.documentTypeNotTemplate') });
  });
export type AssetFormInput = z.output<typeof assetFormSchema>;

export const adoptionSchema = z.object({
  status: z.enum(ADOPTION_STATUSES, { error: msg('catalog:error.adoptionStatus') }),
  since: form
    .optionalDate('catalog:field.since')
    .refine((v) => v === null || v <= new Date(Date.now() + 366 * 86_400_000).toISOString().slice(0, 10), msg('catalog:error.sinceFuture'))
    .refine((v) => v === null || v >= '1990-01-01', msg('catalog:error.sinceImplausible')),
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
    .refine((v) => v === null || (Number.isInteger(v) && v > 0), msg('catalog:error.entity')),
});

export const confirmImportSchema = z.object({
  action: z.enum(['draft', 'submit', 'publish'], { error: msg('catalog:error.importAction') }),
  kind: z.enum(ASSET_KINDS).catch('software'),
});

export const fileFormSchema = z.object({
  role: z.enum(FILE_ROLES, { error: msg('catalog:error.fileRole') }),
  title: form.optionalText(200, 'catalog:field.title'),
});
