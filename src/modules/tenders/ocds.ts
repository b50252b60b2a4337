// OCDS 1.1 releases for the open-data export of tender dossiers. The input is a plain, already
// public view of a dossier: this module adds nothing from elsewhere, and it still drops any
// document not marked public, so an export cannot leak a staff-only file by a caller's slip.
import { createHash } from 'node:crypto';
import { translator } from '../../platform/i18n.js';
import { centsToAmount } from './money.js';
import {
  TIME_ZONE,
  phaseIndex,
  readDate,
  type Category,
  type DateInput,
  type DocumentType,
  type DocumentVisibility,
  type LotStatus,
  type MilestoneKind,
  type Phase,
  type Procedure,
} from './procurement.js';

// ---------------------------------------------------------------------------------------------
// Input

export interface PublicBody {
  /** Codice IPA of the body in IndicePA, e.g. "c_h501". */
  ipaCode: string;
  name: string;
}

export interface PublicLot {
  id: string | number;
  title: string;
  description?: string | null;
  cig?: string | null;
  valueCents?: number | null;
  status: LotStatus;
}

export interface PublicDocument {
  id: string | number;
  type: DocumentType;
  title: string;
  /** Absolute, or relative to opts.baseUrl. */
  url: string;
  datePublished?: DateInput | null;
  /** MIME type, e.g. "application/pdf". */
  format?: string | null;
  /** Anything but "public" is dropped: the filter fails closed if the caller forgets one. */
  visibility: DocumentVisibility;
  /** The lot the document is about (an award document then sits with that lot's award); none for the whole tender. */
  lotId?: string | number | null;
}

export interface PublicMilestone {
  id: string | number;
  kind: MilestoneKind;
  title: string;
  date: DateInput;
  description?: string | null;
}

export interface PublicAward {
  supplierName: string;
  /** Codice fiscale or partita IVA of the supplier, when published. */
  supplierFiscalCode?: string | null;
  valueCents?: number | null;
  date?: DateInput | null;
}

export interface PublicContract {
  valueCents?: number | null;
  dateSigned?: DateInput | null;
}

export interface PublicDossier {
  id: string | number;
  title: string;
  /** The object of the procurement (oggetto). */
  description?: string | null;
  category: Category;
  procedure: Procedure;
  estimatedValueCents?: number | null;
  currency: 'EUR';
  phase: Phase;
  cancelledReason?: string | null;
  cup?: string | null;
  /** CPV code, e.g. "48000000-8". */
  cpv?: string | null;
  /** The body that runs the procedure: the lead body (ente capofila) of an aggregated tender, or the comune of its own procedure. */
  procuringEntity: PublicBody;
  /** The adhering bodies that joined the aggregated tender (none for a comune's own procedure: it buys for itself). */
  buyers: PublicBody[];
  lots: PublicLot[];
  documents: PublicDocument[];
  milestones: PublicMilestone[];
  award?: PublicAward | null;
  contract?: PublicContract | null;
  updatedAt: DateInput;
}

export interface ReleaseOptions {
  /** The publisher's OCID prefix registered with the Open Contracting Partnership, e.g. "ocds-a1b2c3". */
  ocidPrefix: string;
  /**
   * Not written into a release (OCDS names the publisher once, in the package); accepted so the
   * service can pass one options object to buildRelease and buildReleasePackage.
   */
  publisherName?: string;
  /** Base of the public site, to make document links absolute. */
  baseUrl: string;
}

export interface ReleasePackageOptions {
  /** Where this package can be downloaded. */
  uri: string;
  publisherName: string;
  publisherUri?: string | null;
  /** Defaults to CC BY 4.0, the default licence of Italian PA open data (AgID guidelines); null omits it. */
  license?: string | null;
  publicationPolicy?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Output (the subset of OCDS 1.1 that we fill)

type OcdsValue = { amount: number; currency: 'EUR' };
type OrgRef = { id: string; name: string };
type OcdsPeriod = { startDate?: string; endDate?: string };

export interface OcdsDocument {
  id: string;
  documentType?: string;
  title: string;
  url?: string;
  datePublished?: string;
  format?: string;
  description?: string;
  language?: string;
}

export interface OcdsMilestone {
  id: string;
  title: string;
  type?: string;
  dueDate: string;
  status?: 'scheduled' | 'met';
  description?: string;
}

export interface OcdsParty {
  id: string;
  name: string;
  identifier?: { scheme: string; id: string; legalName: string };
  roles: string[];
}

export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  initiationType: 'tender';
  language: 'it';
  parties: OcdsParty[];
  buyer: OrgRef;
  planning?: { budget: { projectID: string; description: string } };
  tender: {
    id: string;
    title: string;
    description?: string;
    status: string;
    procuringEntity: OrgRef;
    items: Array<{
      id: string;
      description: string;
      classification?: { scheme: 'CPV'; id: string };
      relatedLot?: string;
    }>;
    value?: OcdsValue;
    procurementMethod: string;
    procurementMethodDetails: string;
    procurementMethodRationale?: string;
    mainProcurementCategory: string;
    tenderPeriod?: OcdsPeriod;
    lots?: Array<{ id: string; title: string; description?: string; status: string; value?: OcdsValue }>;
    documents?: OcdsDocument[];
    milestones?: OcdsMilestone[];
  };
  awards?: Array<{
    id: string;
    title: string;
    status: string;
    date?: string;
    value?: OcdsValue;
    suppliers?: OrgRef[];
    /** The lots this award is for (lots extension). */
    relatedLots?: string[];
    documents?: OcdsDocument[];
  }>;
  contracts?: Array<{
    id: string;
    awardID: string;
    title: string;
    status: string;
    value?: OcdsValue;
    dateSigned?: string;
    documents?: OcdsDocument[];
  }>;
}

export interface OcdsReleasePackage {
  uri: string;
  version: '1.1';
  extensions?: string[];
  publishedDate: string;
  publisher: { name: string; uri?: string };
  license?: string;
  publicationPolicy?: string;
  releases: OcdsRelease[];
}

// ---------------------------------------------------------------------------------------------
// Mappings

/**
 * Release tag by phase. Needs collection and preparation announce a planned process; the call
 * is a tender release while it is published and evaluated; then award, contract and
 * implementation. A closed dossier whose contract is known reports its conclusion as
 * contractTermination (the codelist's release for a contract that has come to an end, whatever
 * the reason), otherwise implementation.
 */
export const PHASE_TO_TAG: Record<Phase, string> = {
  needs_collection: 'planning',
  preparation: 'planning',
  published: 'tender',
  evaluation: 'tender',
  awarded: 'award',
  contract: 'contract',
  execution: 'implementation',
  closed: 'contractTermination',
  cancelled: 'tenderCancellation',
};

/**
 * tender.status: needs collection is "planning" (the process is being considered and bodies are
 * consulted), preparation is "planned" (scheduled, not yet open), published and evaluation are
 * "active", every phase from the award on is "complete".
 */
export const PHASE_TO_TENDER_STATUS: Record<Phase, string> = {
  needs_collection: 'planning',
  preparation: 'planned',
  published: 'active',
  evaluation: 'active',
  awarded: 'complete',
  contract: 'complete',
  execution: 'complete',
  closed: 'complete',
  cancelled: 'cancelled',
};

/**
 * procurementMethod (closed codelist: open, selective, limited, direct):
 * - affidamento diretto (art. 50 c. 1 lett. a-b) → direct: one operator chosen without competition.
 * - procedura negoziata senza bando (art. 50 c. 1 lett. c-e) → limited: only the operators the
 *   body chooses to invite may bid, exactly the codelist's "limited".
 * - procedura aperta (art. 71) → open: any interested operator may bid.
 * - adesione a convenzione o accordo quadro → direct: the competition took place upstream, in
 *   the procedure of the central purchasing body (Consip or a soggetto aggregatore); this process
 *   only orders from the supplier already chosen. A reuser should look for the competition in
 *   that upstream process, and procurementMethodRationale says so.
 * - MePA → selective: a request for offers on the Mercato elettronico reaches only operators
 *   qualified (abilitati) in the relevant catalogue category, which is what "selective" means. A
 *   direct order or trattativa diretta on MePA is an affidamento diretto and should be recorded
 *   with that procedure, since MePA is the platform, not the procedure.
 * procurementMethodDetails always carries the Italian name (the release's language is "it").
 */
export const PROCEDURE_TO_METHOD: Record<Procedure, 'open' | 'selective' | 'limited' | 'direct'> = {
  affidamento_diretto: 'direct',
  procedura_negoziata: 'limited',
  procedura_aperta: 'open',
  adesione_convenzione: 'direct',
  mepa: 'selective',
};

/** The release's texts are in Italian, its declared language, whoever asks for the export. */
const italian = (key: string): string => translator('it')(key);

/** Procedures whose rationale the release explains (tenders:ocds.rationale.<procedure>). */
const PROCEDURES_WITH_RATIONALE: readonly Procedure[] = ['adesione_convenzione', 'mepa'];

export const CATEGORY_TO_OCDS: Record<Category, 'goods' | 'services' | 'works'> = {
  goods: 'goods',
  services: 'services',
  works: 'works',
};

/** Codes of the OCDS documentType codelist; "altro" has no equivalent and gets no type. */
export const DOCUMENT_TYPE_TO_OCDS: Record<DocumentType, string | null> = {
  // The decision to procure, with need, budget and chosen procedure: the nearest code.
  determina_a_contrarre: 'procurementPlan',
  capitolato: 'technicalSpecifications',
  disciplinare: 'biddingDocuments',
  bando_lettera_invito: 'tenderNotice',
  chiarimenti: 'clarifications',
  verbale: 'evaluationReports',
  // The proposal closes the evaluation; the award itself is the provvedimento.
  proposta_aggiudicazione: 'evaluationReports',
  provvedimento_aggiudicazione: 'awardNotice',
  contratto: 'contractSigned',
  altro: null,
};

/** OCDS milestoneType codes (open codelist). */
export const MILESTONE_KIND_TO_OCDS: Record<MilestoneKind, string | null> = {
  needs_deadline: 'preProcurement',
  publication: 'engagement',
  offers_deadline: 'engagement',
  award: 'approval',
  contract_signature: 'approval',
  other: null,
};

/** Lots use the tender status codelist, as the lots extension prescribes. */
export const LOT_STATUS_TO_OCDS: Record<LotStatus, string> = {
  planned: 'planned',
  open: 'active',
  awarded: 'complete',
  deserted: 'unsuccessful',
  cancelled: 'cancelled',
};

export const LOTS_EXTENSION_URL =
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json';

const CC_BY_4 = 'https://creativecommons.org/licenses/by/4.0/';

// Bodies are identified by their codice IPA, the identifier AgID assigns to every Italian public
// administration; suppliers by codice fiscale. These scheme names are this publisher's
// convention: if org-id.guide registers Italian lists, change them here only.
const IPA_SCHEME = 'IT-IPA';
const FISCAL_CODE_SCHEME = 'IT-CF';

// ---------------------------------------------------------------------------------------------
// Helpers

function zonedIso(value: DateInput, endOfDay: boolean): string {
  const { at, isDay } = readDate(value);
  const moment = isDay && endOfDay ? at.endOf('day').startOf('second') : at;
  return isDay
    ? moment.setZone(TIME_ZONE).toISO({ suppressMilliseconds: true })!
    : moment.toUTC().toISO({ suppressMilliseconds: true })!;
}

// The whole export formats tens of thousands of dates, and a time zone conversion is most of the
// cost of a release: an instant is written in UTC without one, and the few distinct days (and
// date-times given as text) are converted once each. Bounded: cleared when it grows large.
const zoned = new Map<string, string>();
const dayEnds = new Map<string, number>();
function remembered<V>(cache: Map<string, V>, key: string, compute: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= 20_000) cache.clear();
    v = compute();
    cache.set(key, v);
  }
  return v;
}

function isoInstant(value: DateInput, endOfDay = false): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    // What luxon writes for a UTC instant with suppressMilliseconds.
    const iso = value.toISOString();
    return value.getUTCMilliseconds() === 0 ? `${iso.slice(0, 19)}Z` : iso;
  }
  if (typeof value === 'string') return remembered(zoned, `${endOfDay ? 'e' : 's'}${value}`, () => zonedIso(value, endOfDay));
  return zonedIso(value, endOfDay);
}

/** When a milestone is due at the latest: the end of its day in Rome, or its instant. */
function dueEndMillis(date: DateInput): number {
  if (date instanceof Date) return readDate(date).at.toMillis();
  return remembered(dayEnds, date, () => {
    const due = readDate(date);
    return (due.isDay ? due.at.endOf('day') : due.at).toMillis();
  });
}

function value(cents: number | null | undefined): OcdsValue | undefined {
  return cents === null || cents === undefined ? undefined : { amount: centsToAmount(cents), currency: 'EUR' };
}

function absoluteUrl(url: string, baseUrl: string): string {
  return new URL(url, baseUrl).toString();
}

function bodyId(body: PublicBody): string {
  return `${IPA_SCHEME}-${body.ipaCode}`;
}

function supplierId(award: PublicAward): string {
  const fiscalCode = compact(award.supplierFiscalCode);
  if (fiscalCode) return `${FISCAL_CODE_SCHEME}-${fiscalCode.toUpperCase()}`;
  const slug = award.supplierName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `supplier-${slug}`;
}

function compact(text: string | null | undefined): string | undefined {
  const t = (text ?? '').trim();
  return t === '' ? undefined : t;
}

/** Deadlines given as a day end at the end of that day; other milestones start it. */
const DEADLINE_KINDS: readonly MilestoneKind[] = ['needs_deadline', 'offers_deadline'];

/** The phase whose reaching proves a milestone happened. */
const MILESTONE_MET_AT: Record<MilestoneKind, Phase | null> = {
  needs_deadline: 'preparation',
  publication: 'published',
  offers_deadline: 'evaluation',
  award: 'awarded',
  contract_signature: 'contract',
  other: null,
};

/** A milestone's status as of the release's own date (never the time of the export, so a release does not change by itself). */
function milestoneStatus(m: PublicMilestone, phase: Phase, now: Date): 'scheduled' | 'met' | undefined {
  const metAt = MILESTONE_MET_AT[m.kind];
  if (metAt && phase !== 'cancelled' && phaseIndex(phase) >= phaseIndex(metAt)) return 'met';
  if (phase === 'cancelled') return undefined;
  // Past due and not recorded as reached: whether it was met is unknown, so say nothing.
  return dueEndMillis(m.date) >= now.getTime() ? 'scheduled' : undefined;
}

function toOcdsDocument(doc: PublicDocument, baseUrl: string): OcdsDocument {
  const out: OcdsDocument = { id: String(doc.id), title: doc.title, url: absoluteUrl(doc.url, baseUrl), language: 'it' };
  const type = DOCUMENT_TYPE_TO_OCDS[doc.type];
  if (type) out.documentType = type;
  if (doc.datePublished) out.datePublished = isoInstant(doc.datePublished);
  if (doc.format) out.format = doc.format;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Builders

export function ocidFor(dossierId: string | number, ocidPrefix: string): string {
  return `${ocidPrefix.replace(/-+$/, '')}-${dossierId}`;
}

/**
 * The release of a dossier's current state. Its date is the dossier's last change (every change
 * moves updated_at, history.ts) and its id is the ocid plus a digest of everything else in it: the
 * same state always gives the same release, byte for byte, and each change gives exactly one new one.
 */
export function buildRelease(dossier: PublicDossier, opts: ReleaseOptions): OcdsRelease {
  const ocid = ocidFor(dossier.id, opts.ocidPrefix);
  const date = isoInstant(dossier.updatedAt);
  const now = new Date(Date.parse(date));
  const tag = dossier.phase === 'closed' && !(dossier.award && dossier.contract) ? 'implementation' : PHASE_TO_TAG[dossier.phase];

  // Parties: the lead body runs the procedure (procuringEntity) and is a buyer too; each adhering
  // body that joined buys its share.
  const parties = new Map<string, OcdsParty>();
  const addParty = (id: string, name: string, identifier: { scheme: string; id: string } | null, role: string) => {
    const existing = parties.get(id);
    if (existing) {
      if (!existing.roles.includes(role)) existing.roles.push(role);
      return;
    }
    const party: OcdsParty = { id, name, roles: [role] };
    if (identifier) party.identifier = { ...identifier, legalName: name };
    parties.set(id, party);
  };
  const addBody = (body: PublicBody, role: string) =>
    addParty(bodyId(body), body.name, { scheme: IPA_SCHEME, id: body.ipaCode }, role);
  const lead = dossier.procuringEntity;
  addBody(lead, 'procuringEntity');
  addBody(lead, 'buyer');
  for (const body of dossier.buyers) addBody(body, 'buyer');

  const publicDocs = dossier.documents.filter((d) => d.visibility === 'public');
  const awardDocs = publicDocs.filter((d) => d.type === 'provvedimento_aggiudicazione');
  const contractDocs = publicDocs.filter((d) => d.type === 'contratto');
  const award = dossier.award ?? null;
  // OCDS has no contract without an award, so contract data without award data is not published.
  const contract = award ? (dossier.contract ?? null) : null;
  // Award and contract documents sit with the award and contract when those exist.
  const tenderDocs = publicDocs
    .filter((d) => !(award && awardDocs.includes(d)) && !(contract && contractDocs.includes(d)))
    .map((d) => toOcdsDocument(d, opts.baseUrl));
  const reason = compact(dossier.cancelledReason);
  if (dossier.phase === 'cancelled' && reason) {
    tenderDocs.push({
      id: 'cancellation',
      documentType: 'cancellationDetails',
      title: "Motivo dell'annullamento",
      description: reason,
      language: 'it',
    });
  }

  const leadRef: OrgRef = { id: bodyId(lead), name: lead.name };
  const release: OcdsRelease = {
    ocid,
    id: '',
    date,
    tag: [tag],
    initiationType: 'tender',
    language: 'it',
    parties: [...parties.values()],
    buyer: leadRef,
    tender: {
      id: String(dossier.id),
      title: dossier.title,
      status: PHASE_TO_TENDER_STATUS[dossier.phase],
      procuringEntity: leadRef,
      items: [],
      procurementMethod: PROCEDURE_TO_METHOD[dossier.procedure],
      procurementMethodDetails: italian(`tenders:procedure.${dossier.procedure}`),
      mainProcurementCategory: CATEGORY_TO_OCDS[dossier.category],
    },
  };
  const tender = release.tender;
  const description = compact(dossier.description);
  if (description) tender.description = description;
  if (PROCEDURES_WITH_RATIONALE.includes(dossier.procedure)) tender.procurementMethodRationale = italian(`tenders:ocds.rationale.${dossier.procedure}`);
  const estimated = value(dossier.estimatedValueCents);
  if (estimated) tender.value = estimated;

  const cup = compact(dossier.cup);
  if (cup) {
    // The CUP identifies the public investment project this procurement belongs to.
    release.planning = { budget: { projectID: cup, description: italian('tenders:ocds.cupDescription') } };
  }

  const classification = compact(dossier.cpv) ? { scheme: 'CPV' as const, id: compact(dossier.cpv)! } : undefined;
  if (dossier.lots.length > 0) {
    tender.lots = dossier.lots.map((lot) => {
      const cig = compact(lot.cig);
      // The lot id stays the internal one from the first release on, so releases merge; the CIG,
      // acquired only at publication, goes in the description.
      const descriptionParts = [cig ? `CIG ${cig.toUpperCase()}` : undefined, compact(lot.description)].filter(Boolean);
      const out: NonNullable<OcdsRelease['tender']['lots']>[number] = {
        id: `lot-${lot.id}`,
        title: lot.title,
        status: LOT_STATUS_TO_OCDS[lot.status],
      };
      if (descriptionParts.length > 0) out.description = descriptionParts.join(' — ');
      const v = value(lot.valueCents);
      if (v) out.value = v;
      return out;
    });
    tender.items = dossier.lots.map((lot) => ({
      id: `item-${lot.id}`,
      description: lot.title,
      ...(classification ? { classification } : {}),
      relatedLot: `lot-${lot.id}`,
    }));
  } else {
    tender.items = [{ id: 'item-1', description: dossier.title, ...(classification ? { classification } : {}) }];
  }

  if (dossier.milestones.length > 0) {
    tender.milestones = dossier.milestones.map((m) => {
      const out: OcdsMilestone = {
        id: String(m.id),
        title: m.title,
        dueDate: isoInstant(m.date, DEADLINE_KINDS.includes(m.kind)),
      };
      const type = MILESTONE_KIND_TO_OCDS[m.kind];
      if (type) out.type = type;
      const status = milestoneStatus(m, dossier.phase, now);
      if (status) out.status = status;
      const d = compact(m.description);
      if (d) out.description = d;
      return out;
    });
    const datesOf = (kind: MilestoneKind) =>
      dossier.milestones
        .filter((m) => m.kind === kind)
        .map((m) => isoInstant(m.date, DEADLINE_KINDS.includes(m.kind)))
        .sort((a, b) => Date.parse(a) - Date.parse(b));
    const publication = datesOf('publication')[0];
    const offers = datesOf('offers_deadline');
    // An extended deadline replaces the earlier one, so the last offers deadline closes the period.
    const offersEnd = offers[offers.length - 1];
    if (publication || offersEnd) {
      tender.tenderPeriod = {};
      if (publication) tender.tenderPeriod.startDate = publication;
      if (offersEnd) tender.tenderPeriod.endDate = offersEnd;
    }
  }
  if (tenderDocs.length > 0) tender.documents = tenderDocs;

  if (award || dossier.lots.some((l) => l.status === 'deserted')) {
    const awards: NonNullable<OcdsRelease['awards']> = [];
    const contracts: NonNullable<OcdsRelease['contracts']> = [];
    const reachedAward = dossier.phase !== 'cancelled' && phaseIndex(dossier.phase) >= phaseIndex('awarded');
    const awardStatus = dossier.phase === 'cancelled' ? 'cancelled' : reachedAward ? 'active' : 'pending';
    let supplier: OrgRef | null = null;
    if (award) {
      supplier = { id: supplierId(award), name: award.supplierName };
      const fiscalCode = compact(award.supplierFiscalCode)?.toUpperCase();
      addParty(supplier.id, award.supplierName, fiscalCode ? { scheme: FISCAL_CODE_SCHEME, id: fiscalCode } : null, 'supplier');
      release.parties = [...parties.values()];
    }
    const docsFor = (list: PublicDocument[], lotId: string | number | null) =>
      list.filter((d) => d.lotId === undefined || d.lotId === null || lotId === null || String(d.lotId) === String(lotId)).map((d) => toOcdsDocument(d, opts.baseUrl));
    const awardedLots = dossier.lots.filter((l) => l.status === 'awarded');
    // One award per lot (lots are awarded separately; a lot can fail on its own), or one for a dossier without lots.
    const targets: Array<{ lot: PublicLot | null }> = dossier.lots.length === 0 ? [{ lot: null }] : dossier.lots.filter((l) => l.status === 'awarded' || l.status === 'deserted').map((lot) => ({ lot }));
    for (const { lot } of targets) {
      const suffix = lot ? `-lot-${lot.id}` : '';
      const title = lot ? lot.title : dossier.title;
      if (lot && lot.status === 'deserted') {
        // No valid offer for this lot: the award was not made, whatever happened to the others.
        awards.push({ id: `${dossier.id}-award${suffix}`, title: `Lotto non aggiudicato: ${title}`, status: 'unsuccessful', relatedLots: [`lot-${lot.id}`] });
        continue;
      }
      if (!award || !supplier) continue;
      const awardOut: NonNullable<OcdsRelease['awards']>[number] = { id: `${dossier.id}-award${suffix}`, title: `Aggiudicazione: ${title}`, status: awardStatus, suppliers: [supplier] };
      if (lot) awardOut.relatedLots = [`lot-${lot.id}`];
      if (award.date) awardOut.date = isoInstant(award.date);
      // The award's amount is known per lot only when one lot is awarded (or the dossier has none).
      const v = !lot || awardedLots.length === 1 ? value(award.valueCents) : undefined;
      if (v) awardOut.value = v;
      const ad = docsFor(awardDocs, lot ? lot.id : null);
      if (ad.length > 0) awardOut.documents = ad;
      awards.push(awardOut);
      if (contract) {
        const contractOut: NonNullable<OcdsRelease['contracts']>[number] = {
          id: `${dossier.id}-contract${suffix}`,
          awardID: awardOut.id,
          title: `Contratto: ${title}`,
          status: contractStatus(dossier.phase, Boolean(contract.dateSigned)),
        };
        const cv = !lot || awardedLots.length === 1 ? value(contract.valueCents) : undefined;
        if (cv) contractOut.value = cv;
        if (contract.dateSigned) contractOut.dateSigned = isoInstant(contract.dateSigned);
        const cd = docsFor(contractDocs, lot ? lot.id : null);
        if (cd.length > 0) contractOut.documents = cd;
        contracts.push(contractOut);
      }
    }
    if (awards.length > 0) release.awards = awards;
    if (contracts.length > 0) release.contracts = contracts;
  }
  const { id: _id, ...content } = release;
  release.id = `${ocid}-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16)}`;
  return release;
}

function contractStatus(phase: Phase, signed: boolean): string {
  if (phase === 'cancelled') return 'cancelled';
  if (phase === 'closed') return 'terminated';
  if ((phase === 'contract' || phase === 'execution') && signed) return 'active';
  return 'pending';
}

export function buildReleasePackage(releases: OcdsRelease[], opts: ReleasePackageOptions): OcdsReleasePackage {
  if (releases.length === 0) {
    // The schema requires at least one release; an empty export is the caller's case to handle.
    throw new RangeError('An OCDS release package needs at least one release.');
  }
  // For a package generated on demand, OCDS asks for the date of the last change to its contents.
  const latest = releases.map((r) => r.date).sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  return { ...packageHead({ publishedDate: latest, withLots: releases.some((r) => r.tender.lots) }, opts), releases };
}

/**
 * Everything of a package but its releases, for a package written release by release (the whole
 * export): `publishedDate` is the latest release date and `withLots` whether any release has lots,
 * both known before the releases are.
 */
export function packageHead(contents: { publishedDate: string; withLots: boolean }, opts: ReleasePackageOptions): Omit<OcdsReleasePackage, 'releases'> {
  const license = opts.license === undefined ? CC_BY_4 : opts.license;
  const publisher: OcdsReleasePackage['publisher'] = { name: opts.publisherName };
  if (opts.publisherUri) publisher.uri = opts.publisherUri;
  return {
    uri: opts.uri,
    version: '1.1',
    // Lots are not in the core schema: declaring the extension tells reusers where they are defined.
    ...(contents.withLots ? { extensions: [LOTS_EXTENSION_URL] } : {}),
    publishedDate: contents.publishedDate,
    publisher,
    ...(license ? { license } : {}),
    ...(opts.publicationPolicy ? { publicationPolicy: opts.publicationPolicy } : {}),
  };
}

/** The release date of a dossier changed at `at` (the date buildRelease writes). */
export function releaseDate(at: DateInput): string {
  return isoInstant(at);
}
