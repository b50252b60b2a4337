// zod schemas of the funding forms. Labels and messages are keys of locales/<lang>/funding.json.
import { z } from 'zod';
import { IPA_KINDS, PNRR_MEASURES } from '../../platform/vocabulary.js';
import { form } from '../../platform/validation.js';
import { msg, type Message } from '../../platform/messages.js';
import { euro, optionalEuro, todayInRome, validateCup } from '../tenders/index.js';
import { PERIOD_KINDS } from './periods.js';
import { AMOUNT_RULES, CALL_SOURCES, DATE_ORDER, PROJECT_STATES, RULE_KEYS, dateOrderErrors, type AmountBand } from './stages.js';

const label = (name: string): Message => msg(`funding:field.${name}`);
const choice = <T extends readonly [string, ...string[]]>(values: T, message: Message) => z.enum(values, { error: message });
const requiredDate = (name: string) =>
  form.optionalDate(label(name)).transform((v, ctx) => {
    if (!v) {
      ctx.addIssue({ code: 'custom', message: msg('common:validation.required', { label: label(name) }) });
      return z.NEVER;
    }
    return v;
  });
const days = (name: string) => form.optionalInt(0, 3650, label(name));
const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const id = (message: Message) => z.string({ error: message }).trim().regex(/^[1-9][0-9]{0,9}$/, message).transform(Number);

export const BAND_ROWS = 3;

export const callSchema = z
  .object({
    source: choice(CALL_SOURCES, 'funding:error.chooseSource'),
    measure: z.string().trim().optional().transform((v) => (v ? v : null)),
    title: form.text(300, label('title')),
    eligibleKinds: list,
    opensOn: requiredDate('opensOn'),
    closesOn: requiredDate('closesOn'),
    budget: optionalEuro(label('budget')),
    amountRule: choice(AMOUNT_RULES, 'funding:error.chooseRule'),
    amountFixed: optionalEuro(label('amountFixed')),
    amountPercent: z.string().trim().optional(),
    amountCap: optionalEuro(label('amountCap')),
    bandUpTo: list,
    bandAmount: list,
    firstCome: form.checkbox(),
    url: z
      .string()
      .trim()
      .max(500, msg('common:validation.tooLong', { label: label('url'), max: 500 }))
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), 'funding:error.url'),
    ...Object.fromEntries(RULE_KEYS.filter((k) => k !== 'maintenanceYears').map((k) => [k, days(k)])),
    maintenanceYears: form.optionalInt(0, 30, label('maintenanceYears')),
  })
  .transform((d, ctx) => {
    const issue = (path: string, message: Message) => ctx.addIssue({ code: 'custom', path: [path], message });
    const kinds = d.eligibleKinds.filter((k) => (IPA_KINDS as readonly string[]).includes(k));
    if (!kinds.length) issue('eligibleKinds', 'funding:error.chooseKinds');
    if (d.measure !== null && !PNRR_MEASURES.some((m) => m.code === d.measure)) issue('measure', 'funding:error.chooseMeasure');
    if (d.source === 'pnrr' && d.measure === null) issue('measure', 'funding:error.measureRequired');
    if (d.opensOn && d.closesOn && d.closesOn < d.opensOn) issue('closesOn', 'funding:error.closesBeforeOpens');
    let percent: number | null = null;
    const bands: AmountBand[] = [];
    if (d.amountRule === 'fixed' && d.amountFixed === null) issue('amountFixed', msg('common:validation.required', { label: label('amountFixed') }));
    if (d.amountRule === 'percent') {
      const p = Number((d.amountPercent ?? '').replace(',', '.'));
      if (!d.amountPercent || !Number.isFinite(p) || p <= 0 || p > 100 || !/^\d{1,3}([.,]\d{1,2})?$/.test(d.amountPercent)) issue('amountPercent', 'funding:error.percent');
      else percent = p;
    }
    if (d.amountRule === 'population_band') {
      for (let i = 0; i < BAND_ROWS; i++) {
        const upTo = (d.bandUpTo[i] ?? '').trim().replace(/\./g, '');
        const amount = (d.bandAmount[i] ?? '').trim();
        if (!upTo && !amount) continue;
        const cents = euro(label('bandAmount')).safeParse(amount);
        if (!cents.success) {
          issue(`bandAmount.${i}`, cents.error.issues[0].message);
          continue;
        }
        if (upTo && !/^\d{1,9}$/.test(upTo)) {
          issue(`bandUpTo.${i}`, 'funding:error.bandUpTo');
          continue;
        }
        bands.push({ upTo: upTo ? Number(upTo) : null, cents: cents.data });
      }
      if (!bands.length) issue('bandAmount.0', 'funding:error.bandsRequired');
      const bounds = bands.map((b) => b.upTo ?? Infinity);
      if (bounds.some((b, i) => i > 0 && b <= bounds[i - 1])) issue('bandUpTo.1', 'funding:error.bandOrder');
    }
    const rules = Object.fromEntries(RULE_KEYS.map((k) => [k, (d as Record<string, unknown>)[k]]).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
    return {
      source: d.source,
      measure: d.measure,
      title: d.title,
      eligibleKinds: kinds,
      opensOn: d.opensOn,
      closesOn: d.closesOn,
      budgetCents: d.budget,
      amountRule: d.amountRule,
      amountFixedCents: d.amountRule === 'fixed' ? d.amountFixed : null,
      amountPercent: d.amountRule === 'percent' ? percent : null,
      amountCapCents: d.amountRule === 'percent' ? d.amountCap : null,
      amountBands: d.amountRule === 'population_band' ? bands : [],
      firstCome: d.firstCome,
      url: d.url,
      rules,
    };
  });
export type CallInput = z.output<typeof callSchema>;

const optionalDate = (name: string) => form.optionalDate(label(name));

export const projectSchema = z
  .object({
    entityId: id('funding:error.chooseBody'),
    callId: id('funding:error.chooseCall'),
    title: form.optionalText(300, label('projectTitle')),
    amount: euro(label('amount')),
    state: choice(PROJECT_STATES, 'funding:error.chooseState'),
    cup: z.string().optional(),
    decree: form.optionalText(200, label('decree')),
    protocol: form.optionalText(50, label('protocol')),
    ...Object.fromEntries(DATE_ORDER.map((f) => [f, optionalDate(f)])),
  })
  .transform((d, ctx) => {
    const raw = (d.cup ?? '').trim();
    let cup: string | null = null;
    if (raw) {
      const r = validateCup(raw);
      if (!r.ok) ctx.addIssue({ code: 'custom', path: ['cup'], message: r.error });
      else cup = r.value;
    } else if (d.state === 'paid') ctx.addIssue({ code: 'custom', path: ['cup'], message: 'funding:error.cupRequired' });
    const dates = Object.fromEntries(DATE_ORDER.map((f) => [f, (d as Record<string, unknown>)[f] as string | null]));
    for (const [field, message] of Object.entries(dateOrderErrors(dates))) ctx.addIssue({ code: 'custom', path: [field], message });
    return { ...d, cup, ...(dates as Record<(typeof DATE_ORDER)[number], string | null>) };
  });
export type ProjectInput = z.output<typeof projectSchema>;

// ---- Impact indicators ----

export const indicatorSchema = z.object({
  name: form.text(200, label('indicatorName')),
  unit: form.optionalText(40, label('indicatorUnit')),
  period: choice(PERIOD_KINDS, 'funding:error.choosePeriodKind'),
});

/** A figure as people type it: 12, 12,5, 1.234,50, 1,234.50, at most two decimals. */
export function parseFigure(text: string): number | null {
  let v = text.replace(/\s/g, '');
  if (!v) return null;
  const comma = v.lastIndexOf(',');
  const dot = v.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) v = comma > dot ? v.replace(/\./g, '').replace(',', '.') : v.replace(/,/g, '');
  else if (comma >= 0) v = /^[1-9]\d{0,2}(,\d{3})+$/.test(v) ? v.replace(/,/g, '') : v.replace(',', '.');
  else if (/^[1-9]\d{0,2}(\.\d{3})+$/.test(v)) v = v.replace(/\./g, '');
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(v)) return null;
  const n = Number(v);
  return n <= 1_000_000_000_000 ? n : null;
}

export const indicatorValueSchema = z.object({
  indicatorId: id('funding:error.chooseIndicator'),
  period: z.string({ error: 'funding:error.choosePeriod' }).trim().min(1, 'funding:error.choosePeriod'),
  value: z
    .string({ error: msg('common:validation.required', { label: label('indicatorValue') }) })
    .trim()
    .min(1, msg('common:validation.required', { label: label('indicatorValue') }))
    .transform((v, ctx) => {
      const n = parseFigure(v);
      if (n === null) {
        ctx.addIssue({ code: 'custom', message: 'funding:error.figure' });
        return z.NEVER;
      }
      return n;
    }),
  evidence: form.text(2000, label('evidence')),
});

export const REVIEW_DECISIONS = ['validate', 'return'] as const;

export const reviewSchema = z
  .object({
    decision: choice(REVIEW_DECISIONS, 'funding:error.chooseDecision'),
    note: form.optionalText(1000, label('reviewNote')),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'return' && !d.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'funding:error.returnNote' });
  });

// ---- Evidence and sample checks ----

export const EVIDENCE_TYPES = ['determina', 'contratto', 'cre', 'screenshot', 'validator_report', 'pec_receipt', 'asseverazione', 'other'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const evidenceSchema = z.object({
  type: choice(EVIDENCE_TYPES, 'funding:error.chooseEvidenceType'),
  title: form.text(300, label('documentTitle')),
  note: form.optionalText(1000, label('documentNote')),
});

export const evidenceVersionSchema = z.object({ note: form.optionalText(1000, label('documentNote')) });

export const sampleCheckSchema = z
  .object({
    requestedOn: requiredDate('requestedOn'),
    checklist: list,
    note: form.optionalText(1000, label('checkNote')),
  })
  .transform((d, ctx) => {
    const checklist = [...new Set(d.checklist.filter((k) => (EVIDENCE_TYPES as readonly string[]).includes(k)))] as EvidenceType[];
    if (!checklist.length) ctx.addIssue({ code: 'custom', path: ['checklist'], message: 'funding:error.checklistRequired' });
    if (d.requestedOn && d.requestedOn > todayInRome()) ctx.addIssue({ code: 'custom', path: ['requestedOn'], message: 'funding:error.requestedInFuture' });
    return { ...d, checklist };
  });

/** A project's links: a tender dossier and a coaching plan action, each an id or empty (no link). */
const optionalId = (message: Message) => z.union([z.literal(''), id(message)]).optional().transform((v) => (v === '' || v === undefined ? null : v));
export const linksSchema = z.object({
  tenderDossierId: optionalId('funding:error.chooseDossier'),
  coachingActionId: optionalId('funding:error.chooseAction'),
});
