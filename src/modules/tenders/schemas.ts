// Zod schemas of the tenders forms, with Italian messages. Amounts go through parseEuroToCents
// (integer cents), CIG and CUP through validateCig/validateCup.
import { z } from 'zod';
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

const choice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { error: message });

/** An amount typed by a person: "1.234,56", "€ 140.000", "1234.56" → integer cents. */
export const euro = (label: string) =>
  z
    .string({ error: `${label}: inserire un importo.` })
    .transform((v, ctx) => {
      const r = parseEuroToCents(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: `${label}: ${lowerFirst(r.error)}` });
        return z.NEVER;
      }
      return r.cents;
    });

export const optionalEuro = (label: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v || !v.trim()) return null;
      const r = parseEuroToCents(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: `${label}: ${lowerFirst(r.error)}` });
        return z.NEVER;
      }
      return r.cents;
    });

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

const requiredDate = (label: string) =>
  z
    .string({ error: `${label} è obbligatoria.` })
    .optional()
    .pipe(form.optionalDate(label))
    .refine((v) => v !== null, `${label} è obbligatoria.`)
    .transform((v) => v as string);

const id = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^[1-9][0-9]{0,9}$/, message)
    .transform(Number);

const optionalId = (message: string) =>
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
    category: choice(CATEGORIES, 'Scegliere la categoria (forniture, servizi o lavori).'),
    cpv: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || /^[0-9]{8}-[0-9]$/.test(v), 'Il codice CPV ha la forma 12345678-9 (otto cifre, trattino, cifra di controllo).'),
    procedure: choice(PROCEDURES, 'Scegliere la procedura.'),
    estimatedValue: euro('Valore stimato'),
    rupUserId: id('Scegliere il RUP tra il personale del centro.'),
    funding: choice(FUNDINGS, 'Scegliere il tipo di finanziamento.'),
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
        ctx.addIssue({ code: 'custom', path: ['cup'], message: d.funding !== 'none' && !raw ? 'Un intervento finanziato deve avere il CUP (15 caratteri).' : r.error });
      } else cup = r.value;
    }
    let pnrrMeasure: string | null = null;
    if (d.funding === 'pnrr') {
      if (!d.pnrrMeasure || !pnrrCodes.includes(d.pnrrMeasure)) {
        ctx.addIssue({ code: 'custom', path: ['pnrrMeasure'], message: 'Scegliere la misura PNRR che finanzia la gara.' });
      } else pnrrMeasure = d.pnrrMeasure;
    }
    return { ...d, cup, pnrrMeasure, fundingNote: d.funding === 'none' ? null : d.fundingNote };
  });
export type DossierInput = z.output<typeof dossierSchema>;

export const lotSchema = z.object({
  number: z
    .string({ error: 'Indicare il numero del lotto.' })
    .trim()
    .regex(/^[1-9][0-9]{0,2}$/, 'Il numero del lotto è un intero tra 1 e 999.')
    .transform(Number),
  title: form.text(300, 'tenders:field.lotTitle'),
  description: form.optionalText(3000, 'tenders:field.description'),
  cig: optionalCig,
  value: euro('Valore del lotto'),
  status: choice(LOT_STATUSES, 'Scegliere lo stato del lotto.').optional(),
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
  .refine((v) => v === null || /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(v), "L'ora ha la forma HH:MM, ad esempio 12:00.");

export const milestoneSchema = z.object({
  kind: choice(MILESTONE_KINDS, 'Scegliere il tipo di scadenza.'),
  title: form.optionalText(200, 'tenders:field.title'),
  dueOn: requiredDate('La data'),
  dueTime: timeOfDay,
  ownerUserId: id('Scegliere il responsabile tra il personale del centro.'),
  note: form.optionalText(2000, 'tenders:field.note'),
});
export type MilestoneInput = z.output<typeof milestoneSchema>;

export const phaseMoveSchema = z.object({
  to: choice(PHASES, 'Scegliere la fase.'),
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
    .refine((v) => v === null || /^[0-9]{11}$/.test(v) || /^[A-Z0-9]{16}$/.test(v), 'Il codice fiscale o la partita IVA ha 11 cifre (o 16 caratteri per una persona fisica).'),
  awardValue: optionalEuro("Importo di aggiudicazione"),
  awardDate: form.optionalDate('tenders:field.awardDate'),
  contractValue: optionalEuro('Importo del contratto'),
  contractSignedOn: form.optionalDate('tenders:field.contractSignedOn'),
});
export type AwardInput = z.output<typeof awardSchema>;

export const participantAddSchema = z.object({
  entityId: id("Scegliere l'ente."),
  status: choice(PARTICIPANT_STATUSES, 'Scegliere lo stato.'),
  share: optionalEuro('Quota'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

export const participantUpdateSchema = z.object({
  status: choice(PARTICIPANT_STATUSES, 'Scegliere lo stato.'),
  share: optionalEuro('Quota'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

export const documentSchema = z.object({
  type: choice(DOCUMENT_TYPES, 'Scegliere il tipo di documento.'),
  title: form.text(300, 'tenders:field.documentTitle'),
  lotId: optionalId('Scegliere un lotto della gara.'),
  visibility: choice(DOCUMENT_VISIBILITIES, 'Scegliere chi può vedere il documento.'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

export const versionSchema = z.object({
  visibility: choice(DOCUMENT_VISIBILITIES, 'Scegliere chi può vedere questa versione.'),
  note: form.optionalText(1000, 'tenders:field.note'),
});

const asArray = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export const needsCallSchema = z
  .object({
    deadlineOn: requiredDate('La scadenza'),
    instructions: form.optionalText(5000, 'tenders:field.instructions'),
    invite: z.enum(['chosen', 'all'], { error: 'Scegliere a chi inviare la richiesta.' }),
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
        ctx.addIssue({ code: 'custom', path: ['entityIds'], message: 'Un ente scelto non è valido.' });
        return z.NEVER;
      }
      entityIds.push(Number(raw));
    }
    const items: Array<{ id: number | null; label: string; unit: string | null; measure: (typeof NEEDS_MEASURES)[number]; description: string | null; row: number }> = [];
    const rows = Math.max(d.itemLabel.length, d.itemId.length);
    if (rows > 50) {
      ctx.addIssue({ code: 'custom', path: ['itemLabel'], message: 'Al massimo 50 voci.' });
      return z.NEVER;
    }
    for (let i = 0; i < rows; i++) {
      const label = (d.itemLabel[i] ?? '').trim();
      const rawId = (d.itemId[i] ?? '').trim();
      const itemId = /^[1-9][0-9]{0,9}$/.test(rawId) ? Number(rawId) : null;
      if (!label && itemId === null) continue;
      const measure = (d.itemMeasure[i] ?? 'quantity') as string;
      if (label.length > 200) ctx.addIssue({ code: 'custom', path: [`itemLabel.${i}`], message: `Voce ${i + 1}: la descrizione può avere al massimo 200 caratteri.` });
      if (!(NEEDS_MEASURES as readonly string[]).includes(measure)) ctx.addIssue({ code: 'custom', path: [`itemMeasure.${i}`], message: `Voce ${i + 1}: scegliere quantità o importo.` });
      const unit = (d.itemUnit[i] ?? '').trim();
      if (unit.length > 40) ctx.addIssue({ code: 'custom', path: [`itemUnit.${i}`], message: `Voce ${i + 1}: l'unità di misura può avere al massimo 40 caratteri.` });
      const description = (d.itemDescription[i] ?? '').trim();
      if (description.length > 1000) ctx.addIssue({ code: 'custom', path: [`itemDescription.${i}`], message: `Voce ${i + 1}: la nota può avere al massimo 1000 caratteri.` });
      items.push({ id: itemId, label, unit: unit || null, measure: measure as (typeof NEEDS_MEASURES)[number], description: description || null, row: i });
    }
    if (!items.some((it) => it.label)) {
      ctx.addIssue({ code: 'custom', path: ['itemLabel.0'], message: 'Indicare almeno una voce da rilevare (ad esempio «Postazioni di lavoro»).' });
    }
    if (d.invite === 'chosen' && entityIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['entityIds'], message: 'Scegliere almeno un ente da invitare, oppure tutti gli enti aderenti.' });
    }
    return { deadlineOn: d.deadlineOn, instructions: d.instructions, invite: d.invite, entityIds, items };
  });
export type NeedsCallInput = z.output<typeof needsCallSchema>;
