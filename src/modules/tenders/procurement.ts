// Rules of the aggregated ICT tenders (gare ICT aggregate): vocabularies (the codes; their labels
// are keys of locales/<lang>/tenders.json, e.g. `tenders:phase.published`), identifiers, thresholds
// of D.Lgs. 36/2023 (codice dei contratti pubblici), phase workflow and milestone checks. Pure
// functions: the service and the pages call them. Their messages are Messages (msg()), translated
// where they are shown.
import { DateTime } from 'luxon';
import { msg, type Message } from '../../platform/messages.js';
import { dueMessage, listMessage, money } from './messages.js';

export const TIME_ZONE = 'Europe/Rome';

// ---------------------------------------------------------------------------------------------
// Vocabularies. The arrays are `as const` so that zod schemas can reuse them (z.enum(PHASES)).

export const CATEGORIES = ['goods', 'services', 'works'] as const;
export type Category = (typeof CATEGORIES)[number];

export const PROCEDURES = [
  'affidamento_diretto',
  'procedura_negoziata',
  'procedura_aperta',
  'adesione_convenzione',
  'mepa',
] as const;
export type Procedure = (typeof PROCEDURES)[number];

/** The normal path of a dossier, in order; `cancelled` can be reached from any non-final phase. */
export const PHASE_FLOW = [
  'needs_collection',
  'preparation',
  'published',
  'evaluation',
  'awarded',
  'contract',
  'execution',
  'closed',
] as const;
export const PHASES = [...PHASE_FLOW, 'cancelled'] as const;
export type Phase = (typeof PHASES)[number];
export const FINAL_PHASES: readonly Phase[] = ['closed', 'cancelled'];

/** Position in PHASE_FLOW; -1 for `cancelled`, which is off the normal path. */
export function phaseIndex(phase: Phase): number {
  return (PHASE_FLOW as readonly Phase[]).indexOf(phase);
}

/** An adhering body's relation to a dossier (aderente = it has joined the aggregated tender). */
export const PARTICIPANT_STATUSES = ['invited', 'interested', 'joined', 'withdrawn'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/** A deserted lot (lotto deserto) received no valid offer. */
export const LOT_STATUSES = ['planned', 'open', 'awarded', 'deserted', 'cancelled'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

// Determina a contrarre: the act by which the body decides to procure (decisione di contrarre,
// art. 17). Capitolato: technical and contractual specifications. Disciplinare: rules of the
// procedure for bidders. Verbale: minutes of the evaluation sessions.
export const DOCUMENT_TYPES = [
  'determina_a_contrarre',
  'capitolato',
  'disciplinare',
  'bando_lettera_invito',
  'chiarimenti',
  'verbale',
  'proposta_aggiudicazione',
  'provvedimento_aggiudicazione',
  'contratto',
  'altro',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_VISIBILITIES = ['staff', 'participants', 'public'] as const;
export type DocumentVisibility = (typeof DOCUMENT_VISIBILITIES)[number];

export const MILESTONE_KINDS = [
  'needs_deadline',
  'publication',
  'offers_deadline',
  'award',
  'contract_signature',
  'other',
] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];
/** The phase during which each milestone falls due; `other` can fall in any phase. */
export const MILESTONE_KIND_PHASE: Record<MilestoneKind, Phase | null> = {
  needs_deadline: 'needs_collection',
  publication: 'published',
  offers_deadline: 'published',
  award: 'awarded',
  contract_signature: 'contract',
  other: null,
};

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
export const isCategory = (v: unknown): v is Category => isOneOf(CATEGORIES, v);
export const isProcedure = (v: unknown): v is Procedure => isOneOf(PROCEDURES, v);
export const isPhase = (v: unknown): v is Phase => isOneOf(PHASES, v);
export const isDocumentType = (v: unknown): v is DocumentType => isOneOf(DOCUMENT_TYPES, v);
export const isMilestoneKind = (v: unknown): v is MilestoneKind => isOneOf(MILESTONE_KINDS, v);

// ---------------------------------------------------------------------------------------------
// CIG (Codice Identificativo Gara, issued by ANAC for each procedure or lot) and
// CUP (Codice Unico di Progetto, identifies the public investment project).

export type CodeResult = { ok: true; value: string } | { ok: false; error: Message };

function validateCode(input: string, name: string, length: number): CodeResult {
  const value = (input ?? '').trim().toUpperCase();
  if (value === '') return { ok: false, error: msg('tenders:code.empty', { name }) };
  const wrong = [...new Set(value.replace(/[A-Z0-9]/g, ''))];
  if (wrong.length > 0) {
    const shown = listMessage(wrong.map((c) => (c === ' ' ? msg('tenders:code.space') : msg('tenders:code.char', { c }))));
    return { ok: false, error: msg('tenders:code.invalidChars', { name, chars: shown }) };
  }
  if (value.length !== length) {
    return { ok: false, error: msg('tenders:code.length', { name, length, count: value.length }) };
  }
  return { ok: true, value };
}

/** Trims and upper-cases first, so a pasted "  zab1234567 " is accepted as "ZAB1234567". */
export function validateCig(input: string): CodeResult {
  return validateCode(input, 'CIG', 10);
}

export function validateCup(input: string): CodeResult {
  return validateCode(input, 'CUP', 15);
}

// ---------------------------------------------------------------------------------------------
// Thresholds

/**
 * Amounts in cents, excluding VAT, for sub-central contracting bodies (comuni, province, their
 * unions and the CIT's lead body). Sources: D.Lgs. 36/2023 art. 50 c. 1 (affidamento diretto and
 * procedura negoziata bands), art. 14 (EU thresholds, as updated from 1 January 2026: works
 * € 5.404.000, services and supplies € 216.000 for sub-central bodies) and art. 62 (limits for
 * bodies without qualification). In force from 1 January 2026; update this table, and only this
 * one, when the European Commission revises the thresholds (every two years).
 */
export const PROCUREMENT_THRESHOLDS = {
  effectiveFrom: '2026-01-01',
  byCategory: {
    goods: { directAwardBelow: 14_000_000, euThreshold: 21_600_000, qualificationAbove: 14_000_000 },
    services: { directAwardBelow: 14_000_000, euThreshold: 21_600_000, qualificationAbove: 14_000_000 },
    works: { directAwardBelow: 15_000_000, euThreshold: 540_400_000, qualificationAbove: 50_000_000 },
  },
  /** Minimum operators to consult in a procedura negoziata, by band [from, below). */
  negotiatedOperators: {
    goods: [{ from: 14_000_000, operators: 5, letter: 'e' }],
    services: [{ from: 14_000_000, operators: 5, letter: 'e' }],
    works: [
      { from: 15_000_000, operators: 5, letter: 'c' },
      { from: 100_000_000, operators: 10, letter: 'd' },
    ],
  },
} as const satisfies {
  effectiveFrom: string;
  byCategory: Record<Category, { directAwardBelow: number; euThreshold: number; qualificationAbove: number }>;
  negotiatedOperators: Record<Category, readonly { from: number; operators: number; letter: string }[]>;
};

export type ThresholdBand = 'direct_award' | 'negotiated' | 'above_eu';

/** Which art. 50 band an estimated value (the sum of all lots, art. 14 c. 9) falls in. */
export function thresholdBand(category: Category, valueCents: number): ThresholdBand {
  const t = PROCUREMENT_THRESHOLDS.byCategory[category];
  if (valueCents >= t.euThreshold) return 'above_eu';
  if (valueCents >= t.directAwardBelow) return 'negotiated';
  return 'direct_award';
}

/** Art. 50 c. 1 lett. c, d, e; null when no minimum applies (below or above the negotiated bands). */
export function minimumOperatorsToInvite(
  category: Category,
  valueCents: number,
): { operators: number; letter: string } | null {
  if (thresholdBand(category, valueCents) !== 'negotiated') return null;
  const bands = PROCUREMENT_THRESHOLDS.negotiatedOperators[category];
  let found: { operators: number; letter: string } | null = null;
  for (const band of bands) if (valueCents >= band.from) found = band;
  return found ? { operators: found.operators, letter: found.letter } : null;
}

export type ProcedureWarningCode =
  | 'value_missing'
  | 'direct_award_over_threshold'
  | 'negotiated_over_eu_threshold'
  | 'negotiated_min_operators'
  | 'mepa_over_eu_threshold'
  | 'qualification_required';

export interface ProcedureWarning {
  code: ProcedureWarningCode;
  message: Message;
}

/**
 * Warnings, never blocks: the RUP may have reasons the tool cannot see (a different estimate,
 * an exception of the code), so the page shows these and lets staff go on.
 */
export function checkProcedure(input: {
  category: Category;
  procedure: Procedure;
  estimatedValueCents: number | null | undefined;
}): ProcedureWarning[] {
  const { category, procedure, estimatedValueCents: value } = input;
  if (value === null || value === undefined) {
    return [{ code: 'value_missing', message: msg('tenders:procurement.valueMissing') }];
  }
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Invalid estimated value: ${value}`);

  const t = PROCUREMENT_THRESHOLDS.byCategory[category];
  const what = msg(category === 'works' ? 'tenders:procurement.what.works' : 'tenders:procurement.what.goodsServices');
  const shown = money(value);
  const warnings: ProcedureWarning[] = [];

  if (procedure === 'affidamento_diretto' && value >= t.directAwardBelow) {
    warnings.push({
      code: 'direct_award_over_threshold',
      message: msg('tenders:procurement.directAwardOverThreshold', { what, limit: money(t.directAwardBelow), letter: category === 'works' ? 'a' : 'b', value: shown }),
    });
  }
  if (procedure === 'procedura_negoziata') {
    if (value >= t.euThreshold) {
      warnings.push({
        code: 'negotiated_over_eu_threshold',
        message: msg('tenders:procurement.negotiatedOverEuThreshold', { what, value: shown, threshold: money(t.euThreshold) }),
      });
    } else {
      const min = minimumOperatorsToInvite(category, value);
      if (min) {
        warnings.push({
          code: 'negotiated_min_operators',
          message: msg('tenders:procurement.negotiatedMinOperators', { value: shown, operators: min.operators, letter: min.letter }),
        });
      }
    }
  }
  if (procedure === 'mepa' && value >= t.euThreshold) {
    warnings.push({
      code: 'mepa_over_eu_threshold',
      message: msg('tenders:procurement.mepaOverEuThreshold', { what, value: shown, threshold: money(t.euThreshold) }),
    });
  }
  // Joining a convention or framework agreement of a qualified central purchasing body is open
  // to every body, qualified or not, so the art. 62 note does not apply to it.
  if (procedure !== 'adesione_convenzione' && value > t.qualificationAbove) {
    warnings.push({
      code: 'qualification_required',
      message: msg('tenders:procurement.qualificationRequired', { what, limit: money(t.qualificationAbove) }),
    });
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------
// Phases and their required documents

/** One step forward along PHASE_FLOW, or to `cancelled` from any phase that is not final. */
export function canMoveToPhase(from: Phase, to: Phase): boolean {
  if (FINAL_PHASES.includes(from)) return false;
  if (to === 'cancelled') return true;
  return phaseIndex(to) === phaseIndex(from) + 1;
}

/**
 * Documents that must exist before a dossier enters each phase. Requirements add up along the
 * flow: entering `awarded` still needs what `published` needed, so a determina removed by
 * mistake is noticed at the next step.
 *
 * | phase            | new requirement                                                   |
 * |------------------|-------------------------------------------------------------------|
 * | needs_collection | —                                                                 |
 * | preparation      | —                                                                 |
 * | published        | determina a contrarre, bando o lettera d'invito, capitolato (*)   |
 * | evaluation       | —                                                                 |
 * | awarded          | provvedimento di aggiudicazione                                   |
 * | contract         | contratto                                                         |
 * | execution        | —                                                                 |
 * | closed           | —                                                                 |
 * | cancelled        | none (a reason is required instead)                               |
 *
 * (*) An affidamento diretto and an adesione a convenzione/accordo quadro have no call for bids
 * and no specifications of their own (the operator, or the convention, is already chosen), so
 * for them `published` requires the determina a contrarre only (art. 17 c. 2).
 */
export const REQUIRED_DOCUMENTS_BY_PHASE: Record<Phase, readonly DocumentType[]> = {
  needs_collection: [],
  preparation: [],
  published: ['determina_a_contrarre', 'bando_lettera_invito', 'capitolato'],
  evaluation: [],
  awarded: ['provvedimento_aggiudicazione'],
  contract: ['contratto'],
  execution: [],
  closed: [],
  cancelled: [],
};

const NO_CALL_FOR_BIDS: readonly Procedure[] = ['affidamento_diretto', 'adesione_convenzione'];

export function requiredDocumentsForPhase(targetPhase: Phase, procedure?: Procedure): DocumentType[] {
  if (targetPhase === 'cancelled') return [];
  const upTo = phaseIndex(targetPhase);
  const required: DocumentType[] = [];
  for (const phase of PHASE_FLOW.slice(0, upTo + 1)) {
    for (const type of REQUIRED_DOCUMENTS_BY_PHASE[phase]) {
      // The decisione di contrarre of an affidamento diretto already names the contractor (art. 17
      // c. 2): it is the award too, so no separate provvedimento is asked for.
      const waived =
        (phase === 'published' && procedure !== undefined && NO_CALL_FOR_BIDS.includes(procedure) && type !== 'determina_a_contrarre') ||
        (phase === 'awarded' && procedure === 'affidamento_diretto' && type === 'provvedimento_aggiudicazione');
      if (!waived && !required.includes(type)) required.push(type);
    }
  }
  return required;
}

/** The required document types not among `presentDocumentTypes`, in the table's order. */
export function missingDocumentsForPhase(
  targetPhase: Phase,
  presentDocumentTypes: readonly DocumentType[],
  procedure?: Procedure,
): DocumentType[] {
  return requiredDocumentsForPhase(targetPhase, procedure).filter((t) => !presentDocumentTypes.includes(t));
}

export type PhaseMoveResult = { ok: true } | { ok: false; errors: Message[] };

/** Keys of the phase-move errors the phase page shows next to their own item (documents, reason). */
export const PHASE_ERROR_DOCUMENTS = 'tenders:phaseMove.missingDocuments';
export const PHASE_ERROR_REASON = 'tenders:phaseMove.reasonRequired';

/** Everything the service checks before changing phase, with messages ready for the page. */
export function checkPhaseMove(input: {
  from: Phase;
  to: Phase;
  presentDocumentTypes: readonly DocumentType[];
  procedure?: Procedure;
  cancelledReason?: string | null;
}): PhaseMoveResult {
  const { from, to } = input;
  if (FINAL_PHASES.includes(from)) {
    return { ok: false, errors: [msg('tenders:phaseMove.final', { phase: msg(`tenders:phase.${from}`) })] };
  }
  if (!canMoveToPhase(from, to)) {
    const next = PHASE_FLOW[phaseIndex(from) + 1];
    return {
      ok: false,
      errors: [msg('tenders:phaseMove.onlyNext', { from: msg(`tenders:phase.${from}`), next: msg(`tenders:phase.${next}`) })],
    };
  }
  const errors: Message[] = [];
  if (to === 'cancelled' && !(input.cancelledReason ?? '').trim()) {
    errors.push(msg(PHASE_ERROR_REASON));
  }
  const missing = missingDocumentsForPhase(to, input.presentDocumentTypes, input.procedure);
  if (missing.length > 0) {
    const names = listMessage(missing.map((t) => msg(`tenders:documentTypeInline.${t}`)));
    errors.push(msg(PHASE_ERROR_DOCUMENTS, { phase: msg(`tenders:phase.${to}`), documents: names }));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Dates and milestones

/** A calendar day ("YYYY-MM-DD", as stored in DATEONLY columns) or an instant. */
export type DateInput = Date | string;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads a DateInput in Europe/Rome; `isDay` tells whether it carried no time of day. */
export function readDate(value: DateInput): { at: DateTime; isDay: boolean } {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('Invalid Date');
    return { at: DateTime.fromJSDate(value, { zone: TIME_ZONE }), isDay: false };
  }
  if (typeof value === 'string') {
    const isDay = DAY_RE.test(value);
    const at = DateTime.fromISO(value, { zone: TIME_ZONE, setZone: !isDay });
    if (at.isValid) return { at: isDay ? at : at.setZone(TIME_ZONE), isDay };
  }
  throw new RangeError(`Invalid date: ${String(value)}`);
}

/** Negative when a is earlier. A day compares equal to any instant within that day in Rome. */
function compareDates(a: DateInput, b: DateInput): number {
  const da = readDate(a);
  const db = readDate(b);
  if (da.isDay || db.isDay) {
    return da.at.toISODate()!.localeCompare(db.at.toISODate()!);
  }
  return da.at.toMillis() - db.at.toMillis();
}

/** "15/03/2026", or a Message for "15/03/2026 ore 12:00" when the date has a time of day. */
function dateMessage(value: DateInput): Message {
  const { at, isDay } = readDate(value);
  return dueMessage(at.toFormat('dd/MM/yyyy'), isDay || (at.hour === 0 && at.minute === 0) ? null : at.toFormat('HH:mm'));
}

/** The order milestones must follow; `other` is free. */
export const MILESTONE_ORDER: readonly MilestoneKind[] = [
  'needs_deadline',
  'publication',
  'offers_deadline',
  'award',
  'contract_signature',
];

export interface MilestoneDate {
  kind: MilestoneKind;
  date: DateInput;
}

/**
 * Errors when dates go backwards: needs deadline ≤ publication ≤ offers deadline ≤ award ≤
 * contract signature. Equal dates are allowed. Kinds without a milestone are skipped, and
 * several milestones of one kind (an extended deadline) must all sit between the neighbours.
 */
export function checkMilestoneOrder(milestones: readonly MilestoneDate[]): Message[] {
  const present = MILESTONE_ORDER.map((kind) => {
    const dates = milestones.filter((m) => m.kind === kind).map((m) => m.date);
    if (dates.length === 0) return null;
    const sorted = [...dates].sort(compareDates);
    return { kind, earliest: sorted[0], latest: sorted[sorted.length - 1] };
  }).filter((x): x is NonNullable<typeof x> => x !== null);

  const errors: Message[] = [];
  for (let i = 1; i < present.length; i += 1) {
    const before = present[i - 1];
    const after = present[i];
    if (compareDates(before.latest, after.earliest) > 0) {
      errors.push(
        msg('tenders:milestoneOrder', {
          after: msg(`tenders:milestoneKind.${after.kind}`),
          afterDate: dateMessage(after.earliest),
          before: msg(`tenders:milestoneKind.${before.kind}`),
          beforeDate: dateMessage(before.latest),
        }),
      );
    }
  }
  return errors;
}

/**
 * Whether an adhering body may still declare its needs. A deadline given as a day runs to the end
 * of that day in Rome, as a body reading "entro il 15 marzo" expects; with no deadline the call
 * is not open. When the phase is given, answers are accepted only during needs collection.
 */
export function needsAnswerAllowed(deadline: DateInput | null | undefined, now: Date, phase?: Phase): boolean {
  if (phase !== undefined && phase !== 'needs_collection') return false;
  if (deadline === null || deadline === undefined) return false;
  const { at, isDay } = readDate(deadline);
  const end = isDay ? at.endOf('day') : at;
  return now.getTime() <= end.toMillis();
}

// ---------------------------------------------------------------------------------------------
// The guided procedure of a comune's own dossier

/** The procedure D.Lgs. 36/2023 allows by value (art. 50): the simplest one the band admits. */
export function proposedProcedure(category: Category, valueCents: number): Procedure {
  const band = thresholdBand(category, valueCents);
  return band === 'direct_award' ? 'affidamento_diretto' : band === 'negotiated' ? 'procedura_negoziata' : 'procedura_aperta';
}

/** Art. 62: above this a body without qualification may not run the procedure alone. */
export function ownLimit(category: Category): number {
  return PROCUREMENT_THRESHOLDS.byCategory[category].qualificationAbove;
}

export type GuideDocument = { type: DocumentType; present: boolean; note: Message | null };
export type GuideStep = { phase: Phase; documents: GuideDocument[]; deadlines: Message[]; missing: DocumentType[] };
export type ProcedureGuide = {
  proposed: Procedure;
  reason: Message;
  /** The chosen procedure differs from the proposed one. */
  differs: boolean;
  /** Over the art. 62 limit: the comune must not proceed alone. */
  mustNotProceedAlone: boolean;
  limit: number;
  steps: GuideStep[];
};

/** Months within which the procedure must end from the decisione di contrarre (art. 17 c. 3 and allegato I.3). */
const MAX_MONTHS: Partial<Record<Procedure, number>> = { affidamento_diretto: 3, procedura_negoziata: 4, procedura_aperta: 9 };

/**
 * What a comune's own dossier needs, phase by phase, for the chosen procedure: the documents in
 * order (with what the law asks them to contain), the legal deadlines, and what is still missing.
 * Pure: the page passes the document types already in the dossier.
 */
export function procedureGuide(input: { category: Category; procedure: Procedure; valueCents: number; presentDocumentTypes: readonly DocumentType[] }): ProcedureGuide {
  const { category, procedure, valueCents } = input;
  const proposed = proposedProcedure(category, valueCents);
  const t = PROCUREMENT_THRESHOLDS.byCategory[category];
  const what = msg(category === 'works' ? 'tenders:procurement.what.works' : 'tenders:procurement.what.goodsServices');
  const reason =
    proposed === 'affidamento_diretto'
      ? msg('tenders:guide.reason.direct', { what, limit: money(t.directAwardBelow), letter: category === 'works' ? 'a' : 'b' })
      : proposed === 'procedura_negoziata'
        ? msg('tenders:guide.reason.negotiated', { what, from: money(t.directAwardBelow), to: money(t.euThreshold) })
        : msg('tenders:guide.reason.open', { what, threshold: money(t.euThreshold) });
  const limit = ownLimit(category);
  const mustNotProceedAlone = procedure !== 'adesione_convenzione' && valueCents > limit;
  const min = minimumOperatorsToInvite(category, valueCents);
  const noteFor = (type: DocumentType): Message | null => {
    if (type === 'determina_a_contrarre') return msg(procedure === 'affidamento_diretto' ? 'tenders:guide.note.determinaDirect' : 'tenders:guide.note.determina');
    if (type === 'bando_lettera_invito' && procedure === 'procedura_negoziata') {
      return min ? msg('tenders:guide.note.inviteOperators', { operators: min.operators, letter: min.letter }) : msg('tenders:guide.note.invite');
    }
    if (type === 'contratto') return msg(procedure === 'affidamento_diretto' || procedure === 'procedura_negoziata' ? 'tenders:guide.note.contractLetters' : 'tenders:guide.note.contract');
    return null;
  };
  const steps: GuideStep[] = [];
  let before: readonly DocumentType[] = [];
  for (const phase of PHASE_FLOW) {
    if (phase === 'needs_collection') continue;
    const all = requiredDocumentsForPhase(phase, procedure);
    const added = all.filter((x) => !before.includes(x));
    before = all;
    const deadlines: Message[] = [];
    if (phase === 'published' && MAX_MONTHS[procedure]) deadlines.push(msg('tenders:guide.deadline.conclude', { months: MAX_MONTHS[procedure] }));
    if (phase === 'published' && procedure === 'procedura_aperta') deadlines.push(msg('tenders:guide.deadline.openOffers'));
    if (phase === 'contract') {
      deadlines.push(msg('tenders:guide.deadline.contract'));
      if (valueCents < t.euThreshold) deadlines.push(msg('tenders:guide.deadline.noStandstill'));
    }
    if (added.length === 0 && deadlines.length === 0) continue;
    const documents = added.map((type) => ({ type, present: input.presentDocumentTypes.includes(type), note: noteFor(type) }));
    steps.push({ phase, documents, deadlines, missing: all.filter((x) => !input.presentDocumentTypes.includes(x)) });
  }
  return { proposed, reason, differs: proposed !== procedure && procedure !== 'adesione_convenzione' && procedure !== 'mepa', mustNotProceedAlone, limit, steps };
}
