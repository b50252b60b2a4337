// Dossiers of the aggregated ICT tenders: list, create and edit, lots, milestones, phases, award,
// participants. Plain values in, plain values or models out; typed errors for everything else.
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { z } from 'zod';
import { isBodyUser, isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { FileRejectedError } from '../../platform/files.js';
import { parseInput } from '../../platform/validation.js';
import { activeStaff, findActiveStaff, findPeople, findPerson } from '../accounts/index.js';
import { PNRR_MEASURES } from '../../platform/vocabulary.js';
import { findBody } from '../entities/index.js';
import { milestoneDate, todayInRome } from './dates.js';
import { recordEvent } from './history.js';
import { formatCents } from './money.js';
import {
  Dossier,
  FUNDING_LABELS,
  Lot,
  Milestone,
  NeedsCall,
  Participant,
  TenderDocument,
  TenderEvent,
  type Funding,
} from './models.js';
import { assertCanActForBody, assertCanManage, assertCanSeeDossier, canSeeAllParticipants, type DossierAccess } from './policy.js';
import {
  CATEGORY_LABELS,
  DOCUMENT_TYPE_LABELS,
  FINAL_PHASES,
  LOT_STATUS_LABELS,
  MILESTONE_KIND_LABELS,
  PARTICIPANT_STATUS_LABELS,
  PHASE_FLOW,
  PHASE_LABELS,
  PHASES,
  PROCEDURE_LABELS,
  checkMilestoneOrder,
  checkPhaseMove,
  checkProcedure,
  phaseIndex,
  requiredDocumentsForPhase,
  type DocumentType,
  type Phase,
  type ProcedureWarning,
} from './procurement.js';
import {
  awardSchema,
  dossierSchema,
  euro,
  lotSchema,
  milestoneSchema,
  participantAddSchema,
  participantUpdateSchema,
  phaseMoveSchema,
  reasonSchema,
  type DossierInput,
} from './schemas.js';

export const ADHESION_MAX_BYTES = 20 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Loading a dossier with the viewer's access

export type LoadedDossier = { dossier: Dossier; access: DossierAccess; participant: Participant | null };

export async function accessFor(viewer: Viewer, dossier: Dossier, transaction?: Transaction): Promise<{ access: DossierAccess; participant: Participant | null }> {
  const participant =
    isBodyUser(viewer) && viewer!.entityId !== null
      ? await Participant.findOne({ where: { dossierId: dossier.id, entityId: viewer!.entityId }, transaction })
      : null;
  return { access: { isPublic: dossier.isPublic, participantStatus: participant?.status ?? null }, participant };
}

/** The dossier if the viewer may see it; a 404 otherwise (also for ids that do not exist). */
export async function loadDossier(viewer: Viewer, id: number, transaction?: Transaction): Promise<LoadedDossier> {
  const dossier = await Dossier.findByPk(id, { transaction });
  if (!dossier) throw new NotFoundError('Gara non trovata.');
  const { access, participant } = await accessFor(viewer, dossier, transaction);
  assertCanSeeDossier(viewer, access);
  return { dossier, access, participant };
}

/** For staff actions: 403 for others (before any lookup), 404 when the dossier does not exist. */
async function loadForStaff(actor: Actor, id: number, action: string, transaction?: Transaction): Promise<Dossier> {
  assertCanManage(actor, action);
  const dossier = await Dossier.findByPk(id, { transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
  if (!dossier) throw new NotFoundError('Gara non trovata.');
  return dossier;
}

function assertNotFinal(dossier: Dossier, what: string): void {
  if (FINAL_PHASES.includes(dossier.phase)) {
    throw new ConflictError(`La gara è in fase «${PHASE_LABELS[dossier.phase]}»: ${what} non si può più modificare.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabularies for the pages

export const vocabulary = {
  categoryLabels: CATEGORY_LABELS,
  procedureLabels: PROCEDURE_LABELS,
  phaseLabels: PHASE_LABELS,
  phases: PHASES,
  phaseFlow: PHASE_FLOW,
  lotStatusLabels: LOT_STATUS_LABELS,
  participantStatusLabels: PARTICIPANT_STATUS_LABELS,
  documentTypeLabels: DOCUMENT_TYPE_LABELS,
  milestoneKindLabels: MILESTONE_KIND_LABELS,
  fundingLabels: FUNDING_LABELS,
  pnrrMeasures: PNRR_MEASURES,
  formatCents,
};

export type StaffOption = { id: number; name: string; email: string };

export async function staffOptions(): Promise<StaffOption[]> {
  return (await activeStaff()).map((u) => ({ id: u.id, name: u.name, email: u.email }));
}

async function assertStaffUser(userId: number, field: string, message: string, transaction?: Transaction): Promise<void> {
  if (!(await findActiveStaff(userId, { transaction }))) {
    throw new ValidationError({ [field]: message });
  }
}

// ---------------------------------------------------------------------------------------------
// List

const listFilterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  phase: z.enum([...PHASES, 'active']).optional().catch(undefined),
  category: z.enum(['goods', 'services', 'works']).optional().catch(undefined),
});
export type ListFilter = z.output<typeof listFilterSchema>;

export type DossierRow = {
  id: number;
  title: string;
  category: string;
  procedure: string;
  phase: Phase;
  estimatedValueCents: number;
  isPublic: boolean;
  updatedAt: Date;
  lots: number;
  joined: number;
  nextDue: string | null;
  myStatus: string | null;
  needsToAnswer: boolean;
};

export async function listDossiers(platform: Platform, viewer: Viewer, query: unknown, page: { perPage: number; offset: number }) {
  const filter = listFilterSchema.parse(query ?? {});
  const clauses: string[] = [];
  const replacements: Record<string, unknown> = { entityId: viewer?.entityId ?? -1, limit: page.perPage, offset: page.offset };
  if (!isStaff(viewer)) {
    clauses.push(isBodyUser(viewer) ? '(d.is_public OR EXISTS (SELECT 1 FROM tender_participants p WHERE p.dossier_id = d.id AND p.entity_id = :entityId))' : 'd.is_public');
  }
  if (filter.q) {
    clauses.push(`(lower(d.title) LIKE :q OR d.cup = upper(:raw) OR EXISTS (SELECT 1 FROM tender_lots l WHERE l.dossier_id = d.id AND l.cig = upper(:raw)))`);
    replacements.q = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    replacements.raw = filter.q;
  }
  if (filter.phase === 'active') clauses.push(`d.phase NOT IN ('closed','cancelled')`);
  else if (filter.phase) {
    clauses.push('d.phase = :phase');
    replacements.phase = filter.phase;
  }
  if (filter.category) {
    clauses.push('d.category = :category');
    replacements.category = filter.category;
  }
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const [count] = await platform.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM tender_dossiers d ${where}`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  const rows = await platform.sequelize.query<Record<string, unknown>>(
    `SELECT d.id, d.title, d.category, d.procedure, d.phase, d.estimated_value_cents::text AS value, d.is_public, d.updated_at,
       (SELECT count(*) FROM tender_lots l WHERE l.dossier_id = d.id AND l.status <> 'cancelled')::int AS lots,
       (SELECT count(*) FROM tender_participants p WHERE p.dossier_id = d.id AND p.status = 'joined')::int AS joined,
       (SELECT min(m.due_on)::text FROM tender_milestones m WHERE m.dossier_id = d.id AND m.done_at IS NULL) AS next_due,
       (SELECT p.status FROM tender_participants p WHERE p.dossier_id = d.id AND p.entity_id = :entityId) AS my_status,
       EXISTS (SELECT 1 FROM tender_needs_calls c JOIN tender_needs_invitations i ON i.call_id = c.id AND i.entity_id = :entityId
               WHERE c.dossier_id = d.id AND c.closed_at IS NULL AND d.phase = 'needs_collection' AND c.deadline_on >= :today
                 AND NOT EXISTS (SELECT 1 FROM tender_needs_answers a WHERE a.call_id = c.id AND a.entity_id = :entityId)) AS needs_to_answer
     FROM tender_dossiers d ${where}
     ORDER BY d.updated_at DESC, d.id DESC LIMIT :limit OFFSET :offset`,
    { replacements: { ...replacements, today: todayInRome() }, type: QueryTypes.SELECT },
  );
  const dossiers: DossierRow[] = rows.map((r) => ({
    id: r.id as number,
    title: r.title as string,
    category: r.category as string,
    procedure: r.procedure as string,
    phase: r.phase as Phase,
    estimatedValueCents: Number(r.value),
    isPublic: r.is_public as boolean,
    updatedAt: r.updated_at as Date,
    lots: r.lots as number,
    joined: r.joined as number,
    nextDue: (r.next_due as string | null) ?? null,
    myStatus: (r.my_status as string | null) ?? null,
    needsToAnswer: Boolean(r.needs_to_answer) && isBodyUser(viewer),
  }));
  return { dossiers, total: Number(count.n), filter };
}

// ---------------------------------------------------------------------------------------------
// Create and edit

export function procedureWarnings(d: { category: Dossier['category']; procedure: Dossier['procedure']; estimatedValueCents: number | null }): ProcedureWarning[] {
  return checkProcedure({ category: d.category, procedure: d.procedure, estimatedValueCents: d.estimatedValueCents });
}

/** The warnings for a form as typed (before saving), or [] when the fields are not usable yet. */
export function procedureWarningsForInput(input: unknown): ProcedureWarning[] {
  const parsed = z
    .object({ category: z.enum(['goods', 'services', 'works']), procedure: z.enum(['affidamento_diretto', 'procedura_negoziata', 'procedura_aperta', 'adesione_convenzione', 'mepa']), estimatedValue: z.string() })
    .safeParse(input);
  if (!parsed.success) return [];
  const cents = euro('Valore stimato').safeParse(parsed.data.estimatedValue);
  if (!cents.success) return [];
  const estimatedValueCents = cents.data;
  return checkProcedure({ category: parsed.data.category, procedure: parsed.data.procedure, estimatedValueCents });
}

function dossierFields(data: DossierInput) {
  return {
    title: data.title,
    object: data.object,
    category: data.category,
    cpv: data.cpv,
    procedure: data.procedure,
    estimatedValueCents: data.estimatedValue,
    rupUserId: data.rupUserId,
    funding: data.funding as Funding,
    pnrrMeasure: data.pnrrMeasure,
    fundingNote: data.fundingNote,
    cup: data.cup,
    isPublic: data.isPublic,
  };
}

const FIELD_LABELS: Record<string, string> = {
  title: 'titolo',
  object: 'oggetto',
  category: 'categoria',
  cpv: 'CPV',
  procedure: 'procedura',
  estimatedValueCents: 'valore stimato',
  rupUserId: 'RUP',
  funding: 'finanziamento',
  pnrrMeasure: 'misura PNRR',
  fundingNote: 'descrizione del finanziamento',
  cup: 'CUP',
  isPublic: 'pubblicazione della scheda',
};

export async function createDossier(platform: Platform, actor: Actor, input: unknown): Promise<{ dossier: Dossier; warnings: ProcedureWarning[] }> {
  assertCanManage(actor, 'tenders.create');
  const data = parseInput(dossierSchema, input);
  await assertStaffUser(data.rupUserId, 'rupUserId', 'Il RUP deve essere un operatore attivo del centro.');
  const dossier = await platform.sequelize.transaction(async (transaction) => {
    const d = await Dossier.create(
      {
        ...dossierFields(data),
        phase: 'needs_collection',
        cancelledReason: null,
        awardSupplierName: null,
        awardSupplierFiscalCode: null,
        awardValueCents: null,
        awardDate: null,
        contractValueCents: null,
        contractSignedOn: null,
        createdBy: actor.userId,
      },
      { transaction },
    );
    await recordEvent(platform, actor, d.id, { kind: 'dossier-created', summary: `Gara creata in fase «${PHASE_LABELS[d.phase]}».`, details: { title: d.title } }, transaction);
    return d;
  });
  return { dossier, warnings: procedureWarnings(dossier) };
}

export async function updateDossier(platform: Platform, actor: Actor, id: number, input: unknown): Promise<{ dossier: Dossier; warnings: ProcedureWarning[] }> {
  assertCanManage(actor, 'tenders.update');
  const data = parseInput(dossierSchema, input);
  await assertStaffUser(data.rupUserId, 'rupUserId', 'Il RUP deve essere un operatore attivo del centro.');
  const dossier = await platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, id, 'tenders.update', transaction);
    assertNotFinal(d, 'la scheda');
    const fields = dossierFields(data);
    const changed = (Object.keys(fields) as Array<keyof typeof fields>).filter((k) => String(d.get(k) ?? '') !== String(fields[k] ?? ''));
    if (d.phase !== 'needs_collection' && d.phase !== 'preparation' && !fields.isPublic) {
      throw new ValidationError({ isPublic: 'Una gara pubblicata resta pubblica: la scheda non può tornare riservata.' });
    }
    await d.update(fields, { transaction });
    if (changed.length) {
      await recordEvent(
        platform,
        actor,
        d.id,
        { kind: 'dossier-updated', summary: `Scheda modificata: ${changed.map((k) => FIELD_LABELS[k]).join(', ')}.`, details: { changed } },
        transaction,
      );
    }
    return d;
  });
  return { dossier, warnings: procedureWarnings(dossier) };
}

// ---------------------------------------------------------------------------------------------
// Lots

function lotConflict(err: unknown): never {
  if (err instanceof UniqueConstraintError) {
    const fields = Object.keys(err.fields ?? {}).join(',');
    if (fields.includes('cig')) throw new ConflictError('Questo CIG è già usato da un altro lotto: ogni CIG identifica un solo lotto.', 'cig');
    throw new ConflictError('Esiste già un lotto con questo numero nella gara.', 'number');
  }
  throw err;
}

export async function addLot(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Lot> {
  assertCanManage(actor, 'tenders.lot-add');
  const data = parseInput(lotSchema, input);
  try {
    return await platform.sequelize.transaction(async (transaction) => {
      const d = await loadForStaff(actor, dossierId, 'tenders.lot-add', transaction);
      assertNotFinal(d, 'i lotti');
      if (phaseIndex(d.phase) >= phaseIndex('published') && !data.cig) {
        throw new ValidationError({ cig: 'La gara è già pubblicata: il nuovo lotto deve avere il suo CIG.' });
      }
      const status = data.status && data.status !== 'cancelled' ? data.status : phaseIndex(d.phase) >= phaseIndex('published') ? 'open' : 'planned';
      const lot = await Lot.create(
        { dossierId: d.id, number: data.number, title: data.title, description: data.description, cig: data.cig, valueCents: data.value, status, cancelledReason: null },
        { transaction },
      );
      await recordEvent(
        platform,
        actor,
        d.id,
        { kind: 'lot-added', summary: `Aggiunto il lotto ${lot.number} «${lot.title}» (${formatCents(lot.valueCents)}${lot.cig ? `, CIG ${lot.cig}` : ''}).`, details: { lotId: lot.id } },
        transaction,
      );
      return lot;
    });
  } catch (err) {
    return lotConflict(err);
  }
}

export async function getLot(actor: Actor, dossierId: number, lotId: number): Promise<{ dossier: Dossier; lot: Lot }> {
  const dossier = await loadForStaff(actor, dossierId, 'tenders.lot-update');
  const lot = await Lot.findOne({ where: { id: lotId, dossierId } });
  if (!lot) throw new NotFoundError('Lotto non trovato.');
  return { dossier, lot };
}

export async function updateLot(platform: Platform, actor: Actor, dossierId: number, lotId: number, input: unknown): Promise<Lot> {
  assertCanManage(actor, 'tenders.lot-update');
  const data = parseInput(lotSchema, input);
  try {
    return await platform.sequelize.transaction(async (transaction) => {
      const d = await loadForStaff(actor, dossierId, 'tenders.lot-update', transaction);
      assertNotFinal(d, 'i lotti');
      const lot = await Lot.findOne({ where: { id: lotId, dossierId }, transaction });
      if (!lot) throw new NotFoundError('Lotto non trovato.');
      if (lot.status === 'cancelled') throw new ConflictError('Il lotto è annullato e non si può più modificare.');
      if (data.status === 'cancelled') throw new ValidationError({ status: 'Per annullare un lotto usa «Annulla il lotto» e indica il motivo.' });
      if (phaseIndex(d.phase) >= phaseIndex('published') && !data.cig) {
        throw new ValidationError({ cig: 'La gara è pubblicata: il lotto deve avere il suo CIG.' });
      }
      const before = { number: lot.number, title: lot.title, cig: lot.cig, valueCents: lot.valueCents, status: lot.status };
      await lot.update(
        { number: data.number, title: data.title, description: data.description, cig: data.cig, valueCents: data.value, status: data.status ?? lot.status },
        { transaction },
      );
      const changes: string[] = [];
      if (before.title !== lot.title || before.number !== lot.number) changes.push('titolo o numero');
      if (before.cig !== lot.cig) changes.push(`CIG ${lot.cig ?? '—'}`);
      if (before.valueCents !== lot.valueCents) changes.push(`valore ${formatCents(lot.valueCents)}`);
      if (before.status !== lot.status) changes.push(`stato «${LOT_STATUS_LABELS[lot.status]}»`);
      if (changes.length) {
        await recordEvent(platform, actor, d.id, { kind: 'lot-updated', summary: `Lotto ${lot.number} modificato: ${changes.join(', ')}.`, details: { lotId: lot.id, before } }, transaction);
      }
      return lot;
    });
  } catch (err) {
    return lotConflict(err);
  }
}

export async function cancelLot(platform: Platform, actor: Actor, dossierId: number, lotId: number, input: unknown): Promise<Lot> {
  assertCanManage(actor, 'tenders.lot-cancel');
  const { reason } = parseInput(reasonSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.lot-cancel', transaction);
    assertNotFinal(d, 'i lotti');
    const lot = await Lot.findOne({ where: { id: lotId, dossierId }, transaction });
    if (!lot) throw new NotFoundError('Lotto non trovato.');
    if (lot.status === 'cancelled') throw new ConflictError('Il lotto è già annullato.');
    await lot.update({ status: 'cancelled', cancelledReason: reason }, { transaction });
    await recordEvent(platform, actor, d.id, { kind: 'lot-cancelled', summary: `Lotto ${lot.number} «${lot.title}» annullato. Motivo: ${reason}`, details: { lotId: lot.id, reason } }, transaction);
    return lot;
  });
}

// ---------------------------------------------------------------------------------------------
// Milestones

async function checkOrder(dossierId: number, candidate: { id: number | null; kind: Milestone['kind']; dueOn: string; dueTime: string | null }, transaction: Transaction): Promise<void> {
  const others = await Milestone.findAll({ where: { dossierId }, transaction });
  const all = others.filter((m) => m.id !== candidate.id).map((m) => ({ kind: m.kind, date: milestoneDate(m) }));
  all.push({ kind: candidate.kind, date: milestoneDate(candidate) });
  const errors = checkMilestoneOrder(all);
  if (errors.length) throw new ValidationError({ dueOn: errors.join(' ') });
}

export async function addMilestone(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Milestone> {
  assertCanManage(actor, 'tenders.milestone-add');
  const data = parseInput(milestoneSchema, input);
  await assertStaffUser(data.ownerUserId, 'ownerUserId', 'Il responsabile deve essere un operatore attivo del centro.');
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.milestone-add', transaction);
    assertNotFinal(d, 'le scadenze');
    await checkOrder(d.id, { id: null, kind: data.kind, dueOn: data.dueOn, dueTime: data.dueTime }, transaction);
    const m = await Milestone.create(
      { dossierId: d.id, kind: data.kind, title: data.title ?? MILESTONE_KIND_LABELS[data.kind], dueOn: data.dueOn, dueTime: data.dueTime, ownerUserId: data.ownerUserId, note: data.note, doneAt: null, reminderSentAt: null },
      { transaction },
    );
    await recordEvent(platform, actor, d.id, { kind: 'milestone-added', summary: `Aggiunta la scadenza «${m.title}» per il ${m.dueOn.split('-').reverse().join('/')}${m.dueTime ? ` ore ${m.dueTime}` : ''}.`, details: { milestoneId: m.id } }, transaction);
    return m;
  });
}

export async function getMilestone(actor: Actor, dossierId: number, milestoneId: number): Promise<{ dossier: Dossier; milestone: Milestone }> {
  const dossier = await loadForStaff(actor, dossierId, 'tenders.milestone-update');
  const milestone = await Milestone.findOne({ where: { id: milestoneId, dossierId } });
  if (!milestone) throw new NotFoundError('Scadenza non trovata.');
  return { dossier, milestone };
}

export async function updateMilestone(platform: Platform, actor: Actor, dossierId: number, milestoneId: number, input: unknown): Promise<Milestone> {
  assertCanManage(actor, 'tenders.milestone-update');
  const data = parseInput(milestoneSchema, input);
  await assertStaffUser(data.ownerUserId, 'ownerUserId', 'Il responsabile deve essere un operatore attivo del centro.');
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.milestone-update', transaction);
    assertNotFinal(d, 'le scadenze');
    const m = await Milestone.findOne({ where: { id: milestoneId, dossierId }, transaction });
    if (!m) throw new NotFoundError('Scadenza non trovata.');
    if (m.kind === 'needs_deadline' && data.kind === 'needs_deadline' && (await NeedsCall.count({ where: { dossierId }, transaction })) > 0 && (m.dueOn !== data.dueOn)) {
      throw new ValidationError({ dueOn: 'La scadenza della raccolta fabbisogni si cambia dalla pagina «Raccolta fabbisogni», così gli enti invitati ne sono informati.' });
    }
    await checkOrder(d.id, { id: m.id, kind: data.kind, dueOn: data.dueOn, dueTime: data.dueTime }, transaction);
    const moved = m.dueOn !== data.dueOn || (m.dueTime ?? null) !== data.dueTime;
    const before = `${m.dueOn}${m.dueTime ? ` ${m.dueTime}` : ''}`;
    await m.update(
      { kind: data.kind, title: data.title ?? MILESTONE_KIND_LABELS[data.kind], dueOn: data.dueOn, dueTime: data.dueTime, ownerUserId: data.ownerUserId, note: data.note, ...(moved ? { reminderSentAt: null } : {}) },
      { transaction },
    );
    await recordEvent(platform, actor, d.id, { kind: 'milestone-updated', summary: `Scadenza «${m.title}» modificata${moved ? ` (era ${before.split(' ')[0].split('-').reverse().join('/')})` : ''}.`, details: { milestoneId: m.id, before } }, transaction);
    return m;
  });
}

export async function setMilestoneDone(platform: Platform, actor: Actor, dossierId: number, milestoneId: number, done: boolean): Promise<Milestone> {
  assertCanManage(actor, 'tenders.milestone-done');
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.milestone-done', transaction);
    const m = await Milestone.findOne({ where: { id: milestoneId, dossierId }, transaction });
    if (!m) throw new NotFoundError('Scadenza non trovata.');
    await m.update({ doneAt: done ? new Date() : null }, { transaction });
    await recordEvent(platform, actor, d.id, { kind: 'milestone-done', summary: done ? `Scadenza «${m.title}» segnata come completata.` : `Scadenza «${m.title}» riaperta.`, details: { milestoneId: m.id, done } }, transaction);
    return m;
  });
}

export async function deleteMilestone(platform: Platform, actor: Actor, dossierId: number, milestoneId: number): Promise<void> {
  assertCanManage(actor, 'tenders.milestone-delete');
  await platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.milestone-delete', transaction);
    assertNotFinal(d, 'le scadenze');
    const m = await Milestone.findOne({ where: { id: milestoneId, dossierId }, transaction });
    if (!m) throw new NotFoundError('Scadenza non trovata.');
    if (m.kind === 'needs_deadline' && (await NeedsCall.count({ where: { dossierId }, transaction })) > 0) {
      throw new ConflictError('La scadenza della raccolta fabbisogni non si può eliminare finché la raccolta esiste.');
    }
    await m.destroy({ transaction });
    await recordEvent(platform, actor, d.id, { kind: 'milestone-deleted', summary: `Scadenza «${m.title}» del ${m.dueOn.split('-').reverse().join('/')} eliminata.`, details: { milestoneId: m.id } }, transaction);
  });
}

// ---------------------------------------------------------------------------------------------
// Phases

/** Milestones that reaching a phase proves done (the same rule as the OCDS export). */
const MILESTONE_MET_AT: Record<string, Phase> = {
  needs_deadline: 'preparation',
  publication: 'published',
  offers_deadline: 'evaluation',
  award: 'awarded',
  contract_signature: 'contract',
};

export async function presentDocumentTypes(dossierId: number, transaction?: Transaction): Promise<DocumentType[]> {
  const docs = await TenderDocument.findAll({ attributes: ['type'], where: { dossierId }, group: ['type'], raw: true, transaction });
  return docs.map((d) => d.type);
}

export type PhaseReadiness = {
  to: Phase;
  ok: boolean;
  errors: string[];
  required: Array<{ type: DocumentType; label: string; present: boolean }>;
  effects: string[];
};

/** Everything checked before a phase change, with what is missing and what the change will do. */
export async function phaseReadiness(dossier: Dossier, to: Phase, reason: string | null, transaction?: Transaction): Promise<PhaseReadiness> {
  const present = await presentDocumentTypes(dossier.id, transaction);
  const lots = await Lot.findAll({ where: { dossierId: dossier.id }, order: [['number', 'ASC']], transaction });
  const check = checkPhaseMove({ from: dossier.phase, to, presentDocumentTypes: present, procedure: dossier.procedure, cancelledReason: reason });
  const errors = check.ok ? [] : [...check.errors];
  const activeLots = lots.filter((l) => l.status !== 'cancelled');
  const effects: string[] = [];
  if (to === 'published') {
    if (activeLots.length === 0) errors.push('Per pubblicare occorre almeno un lotto con il suo CIG (una gara non suddivisa in lotti ha un lotto unico).');
    for (const l of activeLots) if (!l.cig) errors.push(`Il lotto ${l.number} «${l.title}» non ha ancora il CIG.`);
    effects.push('La scheda della gara diventa pubblica e compare nei dati aperti (OCDS).');
    if (activeLots.some((l) => l.status === 'planned')) effects.push('I lotti previsti passano allo stato «In gara».');
  }
  if (to === 'awarded') {
    if (!dossier.awardSupplierName) errors.push("Indicare l'aggiudicatario nella sezione «Aggiudicazione e contratto».");
    const open = activeLots.filter((l) => l.status === 'open' || l.status === 'planned');
    if (open.length) effects.push(`I lotti ancora in gara (${open.map((l) => l.number).join(', ')}) saranno segnati come aggiudicati: segna prima come deserti quelli senza offerte valide.`);
  }
  if (to === 'contract' && !dossier.contractSignedOn) errors.push('Indicare la data di stipula del contratto nella sezione «Aggiudicazione e contratto».');
  if (to === 'preparation') effects.push('La raccolta dei fabbisogni, se aperta, viene chiusa: gli enti non potranno più modificare le risposte.');
  if (to === 'cancelled') effects.push('I lotti non ancora aggiudicati saranno annullati con lo stesso motivo.');
  const required = (to === 'cancelled' ? [] : requiredDocumentsForPhase(to, dossier.procedure)).map((type) => ({ type, label: DOCUMENT_TYPE_LABELS[type], present: present.includes(type) }));
  return { to, ok: errors.length === 0, errors, required, effects };
}

export function nextPhase(phase: Phase): Phase | null {
  if (FINAL_PHASES.includes(phase)) return null;
  return PHASE_FLOW[phaseIndex(phase) + 1] ?? null;
}

export async function movePhase(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Dossier> {
  assertCanManage(actor, 'tenders.phase');
  const data = parseInput(phaseMoveSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.phase', transaction);
    const readiness = await phaseReadiness(d, data.to, data.reason, transaction);
    if (!readiness.ok) {
      const fields: Record<string, string> = { _form: readiness.errors.join(' ') };
      if (data.to === 'cancelled' && !data.reason) fields.reason = 'Per annullare la gara occorre indicarne il motivo.';
      throw new ValidationError(fields, readiness.errors.join(' '));
    }
    const from = d.phase;
    const to = data.to;
    const now = new Date();
    const updates: Partial<Dossier> = { phase: to, phaseChangedAt: now };
    if (to === 'cancelled') updates.cancelledReason = data.reason;
    if (to === 'published') updates.isPublic = true;
    await d.update(updates, { transaction });
    if (to === 'published') await Lot.update({ status: 'open' }, { where: { dossierId: d.id, status: 'planned' }, transaction });
    if (to === 'awarded') await Lot.update({ status: 'awarded' }, { where: { dossierId: d.id, status: ['planned', 'open'] }, transaction });
    if (to === 'cancelled') await Lot.update({ status: 'cancelled', cancelledReason: data.reason }, { where: { dossierId: d.id, status: ['planned', 'open'] }, transaction });
    if (from === 'needs_collection') await NeedsCall.update({ closedAt: now }, { where: { dossierId: d.id, closedAt: null }, transaction });
    if (to !== 'cancelled') {
      const met = Object.entries(MILESTONE_MET_AT).filter(([, phase]) => phaseIndex(to) >= phaseIndex(phase)).map(([kind]) => kind);
      if (met.length) await Milestone.update({ doneAt: now }, { where: { dossierId: d.id, kind: met, doneAt: null }, transaction });
    }
    await recordEvent(
      platform,
      actor,
      d.id,
      {
        kind: 'phase-changed',
        summary: to === 'cancelled' ? `Gara annullata (era in fase «${PHASE_LABELS[from]}»). Motivo: ${data.reason}` : `Fase cambiata da «${PHASE_LABELS[from]}» a «${PHASE_LABELS[to]}».`,
        details: { from, to, reason: data.reason },
      },
      transaction,
    );
    return d;
  });
}

// ---------------------------------------------------------------------------------------------
// Award and contract

export async function saveAward(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Dossier> {
  assertCanManage(actor, 'tenders.award');
  const data = parseInput(awardSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.award', transaction);
    assertNotFinal(d, "l'aggiudicazione");
    if (phaseIndex(d.phase) < phaseIndex('evaluation')) {
      throw new ConflictError("L'aggiudicazione si registra dalla fase «Valutazione» in poi.");
    }
    if (data.contractSignedOn && data.awardDate && data.contractSignedOn < data.awardDate) {
      throw new ValidationError({ contractSignedOn: "La stipula del contratto non può precedere l'aggiudicazione." });
    }
    await d.update(
      {
        awardSupplierName: data.awardSupplierName,
        awardSupplierFiscalCode: data.awardSupplierFiscalCode,
        awardValueCents: data.awardValue,
        awardDate: data.awardDate,
        contractValueCents: data.contractValue,
        contractSignedOn: data.contractSignedOn,
      },
      { transaction },
    );
    await recordEvent(
      platform,
      actor,
      d.id,
      {
        kind: 'award-saved',
        summary: `Aggiudicazione registrata: ${data.awardSupplierName}${data.awardValue !== null ? `, ${formatCents(data.awardValue)}` : ''}${data.contractSignedOn ? `; contratto stipulato il ${data.contractSignedOn.split('-').reverse().join('/')}` : ''}.`,
        details: { ...data },
      },
      transaction,
    );
    return d;
  });
}

// ---------------------------------------------------------------------------------------------
// Participants

export async function addParticipant(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Participant> {
  assertCanManage(actor, 'tenders.participant-add');
  const data = parseInput(participantAddSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.participant-add', transaction);
    assertNotFinal(d, 'i partecipanti');
    const entity = await findBody(data.entityId, { transaction });
    if (!entity) throw new ValidationError({ entityId: "L'ente scelto non esiste." });
    if (entity.membershipStatus !== 'active') throw new ValidationError({ entityId: `${entity.name} non è un ente aderente attivo.` });
    const existing = await Participant.findOne({ where: { dossierId: d.id, entityId: entity.id }, transaction });
    if (existing) throw new ConflictError(`${entity.name} partecipa già alla gara.`, 'entityId');
    const p = await Participant.create(
      { dossierId: d.id, entityId: entity.id, status: data.status, shareCents: data.share, note: data.note, adhesionFileId: null, adhesionUploadedAt: null, adhesionUploadedBy: null },
      { transaction },
    );
    await recordEvent(platform, actor, d.id, { kind: 'participant-added', summary: `${entity.name} aggiunto come «${PARTICIPANT_STATUS_LABELS[p.status]}».`, details: { participantId: p.id }, entityId: entity.id }, transaction);
    return p;
  });
}

export async function updateParticipant(platform: Platform, actor: Actor, dossierId: number, participantId: number, input: unknown): Promise<Participant> {
  assertCanManage(actor, 'tenders.participant-update');
  const data = parseInput(participantUpdateSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForStaff(actor, dossierId, 'tenders.participant-update', transaction);
    assertNotFinal(d, 'i partecipanti');
    const p = await Participant.findOne({ where: { id: participantId, dossierId: d.id }, transaction });
    if (!p) throw new NotFoundError('Partecipante non trovato.');
    const entity = await findBody(p.entityId, { transaction });
    const before = { status: p.status, shareCents: p.shareCents };
    await p.update({ status: data.status, shareCents: data.share, note: data.note }, { transaction });
    const changes: string[] = [];
    if (before.status !== p.status) changes.push(`stato «${PARTICIPANT_STATUS_LABELS[p.status]}»`);
    if (before.shareCents !== p.shareCents) changes.push(`quota ${p.shareCents === null ? 'non indicata' : formatCents(p.shareCents)}`);
    await recordEvent(platform, actor, d.id, { kind: 'participant-updated', summary: `${entity?.name ?? 'Ente'}: ${changes.length ? changes.join(', ') : 'nota aggiornata'}.`, details: { participantId: p.id, before }, entityId: p.entityId }, transaction);
    return p;
  });
}

/** A body's own choice: declare interest or withdraw (staff set any status from the dossier page). */
export async function setOwnParticipation(platform: Platform, actor: Actor, dossierId: number, status: unknown): Promise<Participant> {
  const parsed = z.enum(['interested', 'withdrawn'], { error: 'Scelta non valida.' }).safeParse(status);
  if (!parsed.success) throw new ValidationError({ status: 'Scelta non valida.' });
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier, participant } = await loadDossier(actor, dossierId, transaction);
    if (!participant) throw new NotFoundError('Il tuo ente non partecipa a questa gara.');
    assertCanActForBody(actor, participant.entityId, 'tenders.participation');
    assertNotFinal(dossier, 'la partecipazione');
    if (participant.status === parsed.data) return participant;
    await participant.update({ status: parsed.data }, { transaction });
    const entity = await findBody(participant.entityId, { transaction });
    await recordEvent(
      platform,
      actor,
      dossier.id,
      { kind: 'participant-updated', summary: `${entity?.name ?? 'Ente'}: ${parsed.data === 'withdrawn' ? "l'ente ha ritirato la partecipazione" : "l'ente ha manifestato interesse"}.`, details: { participantId: participant.id, status: parsed.data }, entityId: participant.entityId },
      transaction,
    );
    return participant;
  });
}

export async function uploadAdhesion(
  platform: Platform,
  actor: Actor,
  dossierId: number,
  participantId: number,
  file: { buffer: Buffer; originalname: string } | null,
): Promise<Participant> {
  if (!file) throw new ValidationError({ file: "Scegli il file dell'adesione firmata (PDF o .p7m)." });
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier } = await loadDossier(actor, dossierId, transaction);
    const p = await Participant.findOne({ where: { id: participantId, dossierId: dossier.id }, transaction });
    if (!p) throw new NotFoundError('Partecipante non trovato.');
    assertCanActForBody(actor, p.entityId, 'tenders.adhesion-upload');
    assertNotFinal(dossier, "l'adesione");
    if (p.status === 'withdrawn' && !isStaff(actor)) throw new ConflictError("L'ente ha ritirato la partecipazione: chiedi al centro di riattivarla prima di caricare l'adesione.");
    let stored;
    try {
      stored = await platform.files.save({ buffer: file.buffer, originalName: file.originalname, uploadedBy: actor.userId }, transaction);
    } catch (err) {
      if (err instanceof FileRejectedError) throw new ValidationError({ file: err.message });
      throw err;
    }
    const joined = p.status === 'invited' || p.status === 'interested';
    await p.update({ adhesionFileId: stored.id, adhesionUploadedAt: new Date(), adhesionUploadedBy: actor.userId, ...(joined ? { status: 'joined' as const } : {}) }, { transaction });
    const entity = await findBody(p.entityId, { transaction });
    await recordEvent(
      platform,
      actor,
      dossier.id,
      {
        kind: 'adhesion-uploaded',
        summary: `${entity?.name ?? 'Ente'}: caricata l'adesione firmata «${stored.originalName}» (SHA-256 ${stored.sha256.slice(0, 12)}…)${joined ? "; l'ente risulta aderente" : ''}.`,
        details: { participantId: p.id, fileId: stored.id, sha256: stored.sha256 },
        entityId: p.entityId,
      },
      transaction,
    );
    return p;
  });
}

export async function adhesionFile(viewer: Viewer, dossierId: number, participantId: number): Promise<{ fileId: string }> {
  const { dossier } = await loadDossier(viewer, dossierId);
  const p = await Participant.findOne({ where: { id: participantId, dossierId: dossier.id } });
  if (!p || !p.adhesionFileId) throw new NotFoundError('Documento non trovato.');
  assertCanActForBody(viewer, p.entityId, 'tenders.adhesion-download');
  return { fileId: p.adhesionFileId };
}

// ---------------------------------------------------------------------------------------------
// The dossier page

export type ParticipantView = {
  id: number;
  entityId: number;
  entityName: string;
  ipaCode: string;
  status: Participant['status'];
  shareCents: number | null;
  note: string | null;
  adhesion: { at: Date; sha256: string; name: string; size: number } | null;
};

export async function participantsOf(platform: Platform, dossierId: number, onlyEntityId?: number): Promise<ParticipantView[]> {
  const rows = await platform.sequelize.query<Record<string, unknown>>(
    `SELECT p.id, p.entity_id, e.name, e.ipa_code, p.status, p.share_cents::text AS share, p.note, p.adhesion_uploaded_at,
            f.sha256, f.original_name, f.size
       FROM tender_participants p JOIN entities e ON e.id = p.entity_id
       LEFT JOIN stored_files f ON f.id = p.adhesion_file_id
      WHERE p.dossier_id = :dossierId ${onlyEntityId !== undefined ? 'AND p.entity_id = :entityId' : ''}
      ORDER BY e.name`,
    { replacements: { dossierId, entityId: onlyEntityId ?? null }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    id: r.id as number,
    entityId: r.entity_id as number,
    entityName: r.name as string,
    ipaCode: r.ipa_code as string,
    status: r.status as Participant['status'],
    shareCents: r.share === null ? null : Number(r.share),
    note: (r.note as string | null) ?? null,
    adhesion: r.adhesion_uploaded_at ? { at: r.adhesion_uploaded_at as Date, sha256: r.sha256 as string, name: r.original_name as string, size: r.size as number } : null,
  }));
}

export async function joinedBodies(platform: Platform, dossierId: number): Promise<Array<{ name: string; ipaCode: string }>> {
  return platform.sequelize.query<{ name: string; ipaCode: string }>(
    `SELECT e.name, e.ipa_code AS "ipaCode" FROM tender_participants p JOIN entities e ON e.id = p.entity_id
      WHERE p.dossier_id = :dossierId AND p.status = 'joined' ORDER BY e.name`,
    { replacements: { dossierId }, type: QueryTypes.SELECT },
  );
}

export type MilestoneView = Milestone & { ownerName?: string };

export async function dossierPage(platform: Platform, viewer: Viewer, id: number) {
  const { dossier, access, participant } = await loadDossier(viewer, id);
  const staff = canSeeAllParticipants(viewer);
  const [rup, lots, milestones, call] = await Promise.all([
    findPerson(dossier.rupUserId),
    Lot.findAll({ where: { dossierId: id }, order: [['number', 'ASC']] }),
    Milestone.findAll({ where: { dossierId: id }, order: [['dueOn', 'ASC'], ['dueTime', 'ASC NULLS FIRST'], ['id', 'ASC']] }),
    NeedsCall.findOne({ where: { dossierId: id } }),
  ]);
  const ownerIds = [...new Set(milestones.map((m) => m.ownerUserId).filter((x): x is number => x !== null))];
  const owners = await findPeople(ownerIds);
  const ownerName = new Map(owners.map((u) => [u.id, u.name || u.email]));
  const participants = staff ? await participantsOf(platform, id) : participant ? await participantsOf(platform, id, participant.entityId) : [];
  const joined = await joinedBodies(platform, id);
  const events = staff ? await TenderEvent.findAll({ where: { dossierId: id }, order: [['at', 'DESC'], ['id', 'DESC']], limit: 200 }) : [];
  let needs: { deadlineOn: string; closed: boolean; invited: number; answered: number; ownInvited: boolean; ownAnswered: boolean } | null = null;
  if (call) {
    const [counts] = await platform.sequelize.query<{ invited: number; answered: number; own_invited: boolean; own_answered: boolean }>(
      `SELECT (SELECT count(*) FROM tender_needs_invitations WHERE call_id = :callId)::int AS invited,
              (SELECT count(*) FROM tender_needs_answers WHERE call_id = :callId)::int AS answered,
              EXISTS (SELECT 1 FROM tender_needs_invitations WHERE call_id = :callId AND entity_id = :entityId) AS own_invited,
              EXISTS (SELECT 1 FROM tender_needs_answers WHERE call_id = :callId AND entity_id = :entityId) AS own_answered`,
      { replacements: { callId: call.id, entityId: isBodyUser(viewer) ? viewer!.entityId : -1 }, type: QueryTypes.SELECT },
    );
    needs = { deadlineOn: call.deadlineOn, closed: call.closedAt !== null || dossier.phase !== 'needs_collection', invited: counts.invited, answered: counts.answered, ownInvited: counts.own_invited, ownAnswered: counts.own_answered };
  }
  const warnings = procedureWarnings(dossier);
  const activeLots = lots.filter((l) => l.status !== 'cancelled');
  const lotsTotal = activeLots.reduce((s, l) => s + l.valueCents, 0);
  const notes: string[] = [];
  if (staff && activeLots.length && lotsTotal !== dossier.estimatedValueCents) {
    notes.push(`La somma dei lotti (${formatCents(lotsTotal)}) è diversa dal valore stimato della gara (${formatCents(dossier.estimatedValueCents)}): le soglie si verificano sul valore complessivo (art. 14, c. 9).`);
  }
  const sharesTotal = participants.filter((p) => p.status === 'joined').reduce((s, p) => s + (p.shareCents ?? 0), 0);
  if (staff && sharesTotal > dossier.estimatedValueCents) {
    notes.push(`Le quote degli enti aderenti (${formatCents(sharesTotal)}) superano il valore stimato della gara.`);
  }
  const next = staff ? nextPhase(dossier.phase) : null;
  const readiness = next ? await phaseReadiness(dossier, next, null) : null;
  const pnrr = dossier.pnrrMeasure ? PNRR_MEASURES.find((m) => m.code === dossier.pnrrMeasure) ?? null : null;
  return {
    dossier,
    access,
    participant,
    rup,
    lots,
    lotsTotal,
    milestones: milestones.map((m) => Object.assign(m, { ownerName: m.ownerUserId ? ownerName.get(m.ownerUserId) : undefined })) as MilestoneView[],
    participants,
    joined,
    events,
    needs,
    warnings,
    notes,
    next,
    readiness,
    pnrr,
    staff,
  };
}

export async function addableEntities(platform: Platform, dossierId: number): Promise<Array<{ id: number; name: string }>> {
  return platform.sequelize.query<{ id: number; name: string }>(
    `SELECT e.id, e.name FROM entities e
      WHERE e.membership_status = 'active' AND NOT EXISTS (SELECT 1 FROM tender_participants p WHERE p.dossier_id = :dossierId AND p.entity_id = e.id)
      ORDER BY e.name`,
    { replacements: { dossierId }, type: QueryTypes.SELECT },
  );
}

export async function dossierForEdit(actor: Actor, id: number): Promise<Dossier> {
  const d = await loadForStaff(actor, id, 'tenders.update');
  assertNotFinal(d, 'la scheda');
  return d;
}

export async function dossierForStaff(actor: Actor, id: number, action: string): Promise<Dossier> {
  return loadForStaff(actor, id, action);
}

/** For the entity page: the tender participations of a body, for staff and its own users. */
export async function participationsOfEntity(platform: Platform, entityId: number) {
  return platform.sequelize.query<{ id: number; title: string; phase: Phase; status: string }>(
    `SELECT d.id, d.title, d.phase, p.status FROM tender_participants p JOIN tender_dossiers d ON d.id = p.dossier_id
      WHERE p.entity_id = :entityId ORDER BY d.updated_at DESC LIMIT 50`,
    { replacements: { entityId }, type: QueryTypes.SELECT },
  );
}

