// Zod schemas of the tenders forms. Every message is a Message (keys of locales/<lang>/tenders.json
// and common.json), labels are keys too. Amounts go through parseEuroToCents (integer cents), CIG
// and CUP through validateCig/validateCup.
import { z } from 'zod';
import { msg, type Message } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { PNRR_MEASURES } from '../../platform/vocabulary.js';
import { parseEuroToCents } from './money.js';
import { FUNDINGS, NEEDS_MEASURES } from './models.js';
import {
  CATEGORIES,
  DOCUMENT_TYPES,
  DOCUMENT_VISIBILITIES,
  LOT_STATUSES,
  MILESTONE_KINDS,
  PARTICIPANT_STATUSES,
  PHASES,
  PROCEDURES,
  validateCig,
  validateCup,
} from './procurement.js';

const choice = <T extends readonly [string, ...string[]]>(values: T, message: Message) =>
  z.enum(values, { error: message });

/** "Valore stimato: l'importo non può essere negativo." */
export const moneyError = (label: Message, error: Message): Message => msg('tenders:money.labelled', { label, error });

/** An amount typed by a person: "1.234,56", "€ 140.000", "1234.56" → integer cents. `label` is a key. */
export const euro = (label: Message) =>
  z
    .string({ error: moneyError(label, 'tenders:money.empty') })
    .transform((v, ctx) => {
      const r = parseEuroToCents(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: moneyError(label, r.error) });
        return z.NEVER;
      }
      return r.cents;
    });

export const optionalEuro = (label: Message) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v || !v.trim()) return null;
      const r = parseEuroToCents(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: moneyError(label, r.error) });
        return z.NEVER;
      }
      return r.cents;
    });

const requiredDate = (label: Message) =>
  z
    .string({ error: msg('common:validation.required', { label }) })
    .optional()
    .pipe(form.optionalDate(label))
    .refine((v) => v !== null, msg('common:validation.required', { label }))
    .transform((v) => v as string);

const id = (message: Message) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^[1-9][0-9]{0,9}$/, message)
    .transform(Number);

const optionalId = (message: Message) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!/^[1-9][0-9]{0,9}$/.test(v)) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return Number(v);
    });

const optionalCig = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v || !v.trim()) return null;
    const r = validateCig(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.value;
  });

const pnrrCodes = PNRR_MEASURES.map((m) => m.code) as [string, ...string[]];

export const dossierSchema = z
  .object({
    title: form.text(300, 'tenders:field.title'),
    object: form.text(5000, 'tenders:field.object'),
    category: choice(CATEGORIES, 'tenders:error.chooseCategory'),
    cpv: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || /^[0-9]{8}-[0-9]$/.test(v), 'tenders:error.cpv'),
    procedure: choice(PROCEDURES, 'tenders:error.chooseProcedure'),
    estimatedValue: euro('tenders:field.estimatedValue'),
    rupUserId: id('tenders:error.chooseRup'),
    funding: choice(FUNDINGS, 'tenders:error.chooseFunding'),
    pnrrMeasure: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null)),
    fundingNote: form.optionalText(300, 'tenders:field.fundingNote'),
    cup: z.string().optional(),
    isPublic: form.checkbox(),
  })
  .transform((d, ctx) => {
    let cup: string | null = null;
    const raw = (d.cup ?? '').trim();
    if (d.funding !== 'none' || raw) {
      const r = validateCup(raw);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', path: ['cup'], message: d.funding !== 'none' && !raw ? 'tenders:error.cupRequired' : r.error });
      } else cup = r.value;
    }
    let pnrrMeasure: string | null = null;
    if (d.funding === 'pnrr') {
      if (!d.pnrrMeasure || !pnrrCodes.includes(d.pnrrMeasure)) {
        ctx.addIssue({ code: 'custom', path: ['pnrrMeasure'], message: 'tenders:error.choosePnrrMeasure' });
      } else pnrrMeasure = d.pnrrMeasure;
    }
    return { ...d, cup, pnrrMeasure, fundingNote: d.funding === 'none' ? null : d.fundingNote };
  });
export type DossierInput = z.output<typeof dossierSchema>;

export const lotSchema = z.object({
  number: z
    .string({ error: 'tenders:error.lotNumberMissing' })
    .trim()
    .regex(/^[1-9][0-9]{0,2}$/, 'tenders:error.lotNumber')
    .transform(Number),
  title: form.text(300, 'tenders:field.lotTitle'),
  description: form.optionalText(3000, 'tenders:field.description'),
  cig: optionalCig,
  value: euro('tenders:field.lotValue'),
  status: choice(LOT_STATUSES, 'tenders:error.chooseLotStatus').optional(),
});
export type LotInput = z.output<typeof lotSchema>;

export const reasonSchema = z.object({
  reason: form.text(2000, 'tenders:field.reason'),
});

const timeOfDay = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(v), 'tenders:error.time');

export const milestoneSchema = z.object({
  kind: choice(MILESTONE_KINDS, 'tenders:error.chooseMilestoneKind'),
  title: form.optionalText(200, 'tenders:field.title'),
  dueOn: requiredDate('tenders:field.dueOn'),
  dueTime: timeOfDay,
  ownerUserId: id('tenders:error.chooseOwner'),
  note: form.optionalText(2000, 'tenders:field.note'),
});
export type MilestoneInput = z.output<typeof milestoneSchema>;

export const phaseMoveSchema = z.object({
  to: choice(PHASES, 'tenders:error.choosePhase'),
  reason: form.optionalText(2000, 'tenders:field.reason'),
});

export const awardSchema = z.object({
  awardSupplierName: form.text(300, 'tenders:field.awardSupplierName'),
  awardSupplierFiscalCode: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || /^[0-9]{11}$/.test(v) || /^[A-Z0-9]{16}$/.test(v), 'tenders:error.fiscalCode'),
  awardValue: optionalEuro('tenders:field.awardValue'),
  awardDate: form.optionalDate('tenders:field.awardDate'),
  contractValue: optionalEuro('tenders:field.contractValue'),
  contractSignedOn: form.optionalDate('tenders:field.contractSignedOn'),
});
export type AwardInput = z.output<typeof awardSchema>;

export const participantAddSchema = z.object({
  entityId: id('tenders:error.chooseEntity'),
  status: choice(PARTICIPANT_STATUSES, 'tenders:error.chooseStatus'),
  share: optionalEuro('tenders:field.share'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

export const participantUpdateSchema = z.object({
  status: choice(PARTICIPANT_STATUSES, 'tenders:error.chooseStatus'),
  share: optionalEuro('tenders:field.share'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

export const documentSchema = z.object({
  type: choice(DOCUMENT_TYPES, 'tenders:error.chooseDocumentType'),
  title: form.text(300, 'tenders:field.documentTitle'),
  lotId: optionalId('tenders:error.chooseLot'),
  visibility: choice(DOCUMENT_VISIBILITIES, 'tenders:error.chooseVisibility'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

export const versionSchema = z.object({
  visibility: choice(DOCUMENT_VISIBILITIES, 'tenders:error.chooseVersionVisibility'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

const asArray = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export const needsCallSchema = z
  .object({
    deadlineOn: requiredDate('tenders:field.deadlineOn'),
    instructions: form.optionalText(5000, 'tenders:field.instructions'),
    invite: z.enum(['chosen', 'all'], { error: 'tenders:error.chooseInvite' }),
    entityIds: z.unknown().optional().transform(asArray),
    itemId: z.unknown().optional().transform(asArray),
    itemLabel: z.unknown().optional().transform(asArray),
    itemUnit: z.unknown().optional().transform(asArray),
    itemMeasure: z.unknown().optional().transform(asArray),
    itemDescription: z.unknown().optional().transform(asArray),
  })
  .transform((d, ctx) => {
    const entityIds: number[] = [];
    for (const raw of d.entityIds) {
      if (!/^[1-9][0-9]{0,9}$/.test(raw)) {
        ctx.addIssue({ code: 'custom', path: ['entityIds'], message: 'tenders:error.entityInvalid' });
        return z.NEVER;
      }
      entityIds.push(Number(raw));
    }
    const items: Array<{ id: number | null; label: string; unit: string | null; measure: (typeof NEEDS_MEASURES)[number]; description: string | null; row: number }> = [];
    const rows = Math.max(d.itemLabel.length, d.itemId.length);
    if (rows > 50) {
      ctx.addIssue({ code: 'custom', path: ['itemLabel'], message: msg('tenders:error.tooManyItems', { max: 50 }) });
      return z.NEVER;
    }
    for (let i = 0; i < rows; i++) {
      const label = (d.itemLabel[i] ?? '').trim();
      const rawId = (d.itemId[i] ?? '').trim();
      const itemId = /^[1-9][0-9]{0,9}$/.test(rawId) ? Number(rawId) : null;
      if (!label && itemId === null) continue;
      const measure = (d.itemMeasure[i] ?? 'quantity') as string;
      if (label.length > 200) ctx.addIssue({ code: 'custom', path: [`itemLabel.${i}`], message: msg('tenders:error.itemLabelTooLong', { row: i + 1, max: 200 }) });
      if (!(NEEDS_MEASURES as readonly string[]).includes(measure)) ctx.addIssue({ code: 'custom', path: [`itemMeasure.${i}`], message: msg('tenders:error.itemMeasure', { row: i + 1 }) });
      const unit = (d.itemUnit[i] ?? '').trim();
      if (unit.length > 40) ctx.addIssue({ code: 'custom', path: [`itemUnit.${i}`], message: msg('tenders:error.itemUnitTooLong', { row: i + 1, max: 40 }) });
      const description = (d.itemDescription[i] ?? '').trim();
      if (description.length > 1000) ctx.addIssue({ code: 'custom', path: [`itemDescription.${i}`], message: msg('tenders:error.itemNoteTooLong', { row: i + 1, max: 1000 }) });
      items.push({ id: itemId, label, unit: unit || null, measure: measure as (typeof NEEDS_MEASURES)[number], description: description || null, row: i });
    }
    if (!items.some((it) => it.label)) {
      ctx.addIssue({ code: 'custom', path: ['itemLabel.0'], message: 'tenders:error.itemsMissing' });
    }
    if (d.invite === 'chosen' && entityIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['entityIds'], message: 'tenders:error.inviteMissing' });
    }
    return { deadlineOn: d.deadlineOn, instructions: d.instructions, invite: d.invite, entityIds, items };
  });
export type NeedsCallInput = z.output<typeof needsCallSchema>;

/** The centre's comment on a document or a phase of a comune's own dossier. */
export const commentSchema = z
  .object({
    body: form.text(4000, 'tenders:field.comment'),
    documentId: optionalId('tenders:error.documentNotFound'),
    phase: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || (PHASES as readonly string[]).includes(v), 'tenders:error.choosePhase'),
  })
  .refine((d) => (d.documentId === null) !== (d.phase === null), { path: ['body'], message: 'tenders:error.commentTarget' });

export const commentEditSchema = z.object({ body: form.text(4000, 'tenders:field.comment') });

/** The form that fills a catalogue template with the dossier's data (what the dossier does not hold yet). */
export const templateFillSchema = z.object({
  type: choice(DOCUMENT_TYPES, 'tenders:error.chooseDocumentType'),
  template: z.string({ error: 'tenders:error.chooseTemplate' }).trim().regex(/^[a-z0-9-]{1,90}$/, 'tenders:error.chooseTemplate'),
  lotId: optionalId('tenders:error.chooseLot'),
  supplier: form.optionalText(300, 'tenders:field.supplier'),
  supplierFiscalCode: form.optionalText(16, 'tenders:field.supplierFiscalCode'),
  reasons: form.optionalText(4000, 'tenders:field.reasons'),
  requirements: form.optionalText(4000, 'tenders:field.requirements'),
});
