// Dossiers of the aggregated ICT tenders: list, create and edit, lots, milestones, phases, award,
// participants. Plain values in, plain values or models out; typed errors for everything else.
import { escapeLike } from '../../platform/sql.js';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { z } from 'zod';
import { isBodyUser, isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { msg, parseMessage, type Message } from '../../platform/messages.js';
import { translator } from '../../platform/i18n.js';
import { parseInput } from '../../platform/validation.js';
import { activeStaff, findActivePerson, findActiveStaff, findPeople, findPerson, usersOfBody } from '../accounts/index.js';
import { PNRR_MEASURES } from '../../platform/vocabulary.js';
import { findBody } from '../entities/index.js';
import { milestoneDate, todayInRome } from './dates.js';
import { recordEvent } from './history.js';
import { dueMessage, joinMessages, listMessage, money } from './messages.js';
import {
  Dossier,
  Lot,
  Milestone,
  NeedsCall,
  Participant,
  TenderDocument,
  TenderEvent,
  type Funding,
} from './models.js';
import {
  assertCanActForBody,
  assertCanEditDossier,
  assertCanManage,
  assertCanSeeDossier,
  canCreateOwnDossier,
  canEditDossier,
  canSeeAllParticipants,
  canSeeComments,
  canSeeHistory,
  type DossierAccess,
} from './policy.js';
import {
  CATEGORIES,
  FINAL_PHASES,
  PROCEDURES,
  procedureGuide,
  type ProcedureGuide,
  PHASE_ERROR_DOCUMENTS,
  PHASE_ERROR_REASON,
  PHASE_FLOW,
  PHASES,
  checkMilestoneOrder,
  checkPhaseMove,
  checkProcedure,
  phaseIndex,
  requiredDocumentsForPhase,
  type DocumentType,
  type MilestoneKind,
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


/** "2026-03-15" → "15/03/2026", as dates read in the history. */
const dayOf = (iso: string): string => iso.split('-').reverse().join('/');

/** A body's name in the history, or a generic "the body" when it no longer exists. */
const entityName = (entity: { name: string } | null): Message => entity?.name ?? msg('tenders:event.someBody');

// ---------------------------------------------------------------------------------------------
// Loading a dossier with the viewer's access

export type LoadedDossier = { dossier: Dossier; access: DossierAccess; participant: Participant | null };

export async function accessFor(viewer: Viewer, dossier: Dossier, transaction?: Transaction): Promise<{ access: DossierAccess; participant: Participant | null }> {
  const participant =
    isBodyUser(viewer) && viewer!.entityId !== null
      ? await Participant.findOne({ where: { dossierId: dossier.id, entityId: viewer!.entityId }, transaction })
      : null;
  return { access: { isPublic: dossier.isPublic, participantStatus: participant?.status ?? null, contractingEntityId: dossier.contractingEntityId ?? null }, participant };
}

/** The dossier if the viewer may see it; a 404 otherwise (also for ids that do not exist). */
export async function loadDossier(viewer: Viewer, id: number, transaction?: Transaction): Promise<LoadedDossier> {
  const dossier = await Dossier.findByPk(id, { transaction });
  if (!dossier) throw new NotFoundError('tenders:error.dossierNotFound');
  const { access, participant } = await accessFor(viewer, dossier, transaction);
  assertCanSeeDossier(viewer, access);
  return { dossier, access, participant };
}

/**
 * For changes: staff on every dossier, the comune's users on their own dossiers. 404 when the
 * dossier does not exist or the actor may not see it, 403 when they see it but may not change it.
 */
async function loadForEdit(actor: Actor, id: number, action: string, transaction?: Transaction): Promise<Dossier> {
  const dossier = await Dossier.findByPk(id, { transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
  if (!dossier) throw new NotFoundError('tenders:error.dossierNotFound');
  const { access } = await accessFor(actor, dossier, transaction);
  assertCanEditDossier(actor, access, action);
  return dossier;
}

/** Needs collection and other participants belong to aggregated dossiers only. */
export function assertAggregated(dossier: Dossier): void {
  if (dossier.contractingEntityId !== null && dossier.contractingEntityId !== undefined) throw new ConflictError('tenders:error.ownNoParticipants');
}

/** `what` names the part that can no longer change, a key of tenders:final (e.g. 'lots'). */
function assertNotFinal(dossier: Dossier, what: 'dossier' | 'lots' | 'milestones' | 'participants' | 'participation' | 'adhesion' | 'award'): void {
  if (FINAL_PHASES.includes(dossier.phase)) {
    throw new ConflictError(msg(`tenders:final.${what}`, { phase: msg(`tenders:phase.${dossier.phase}`) }));
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabularies for the pages (their labels are keys: t('tenders:phase.' + code))

/**
 * The title a milestone gets when none is typed: the name of its kind, stored in Italian (the
 * working language of the records, like every title typed by staff).
 */
export function defaultMilestoneTitle(kind: MilestoneKind): string {
  return translator('it')(`tenders:milestoneKind.${kind}`);
}

/** A milestone's title for a reader: a default title reads in the reader's language. */
export function milestoneTitle(m: { kind: MilestoneKind; title: string }, t: (key: string) => string): string {
  return m.title === defaultMilestoneTitle(m.kind) ? t(`tenders:milestoneKind.${m.kind}`) : m.title;
}

/** The same as a Message, for the history, flash messages and mail. */
export function milestoneTitleMessage(m: { kind: MilestoneKind; title: string }): Message {
  return m.title === defaultMilestoneTitle(m.kind) ? msg(`tenders:milestoneKind.${m.kind}`) : m.title;
}

/** The key of a PNRR measure's name in common.json (`common:pnrr.1_2` for measure 1.2). */
export const pnrrKey = (code: string): string => `common:pnrr.${code.replace(/\./g, '_')}`;

export const vocabulary = {
  phases: PHASES,
  phaseFlow: PHASE_FLOW,
  pnrrMeasures: PNRR_MEASURES,
  pnrrKey,
  money,
  milestoneTitle,
};

export type StaffOption = { id: number; name: string; email: string };

export async function staffOptions(): Promise<StaffOption[]> {
  return (await activeStaff()).map((u) => ({ id: u.id, name: u.name, email: u.email }));
}

async function assertStaffUser(userId: number, field: string, message: Message, transaction?: Transaction): Promise<void> {
  if (!(await findActiveStaff(userId, { transaction }))) {
    throw new ValidationError({ [field]: message });
  }
}

/**
 * The RUP of an aggregated dossier is one of the centre's staff; the RUP of a comune's own dossier
 * is an active user of that comune (the comune signs). A milestone's owner may also be staff there.
 */
async function assertEligiblePerson(contractingEntityId: number | null, userId: number, role: 'rup' | 'owner', transaction?: Transaction): Promise<void> {
  const field = role === 'rup' ? 'rupUserId' : 'ownerUserId';
  if (contractingEntityId === null) {
    return assertStaffUser(userId, field, role === 'rup' ? 'tenders:error.rupNotStaff' : 'tenders:error.ownerNotStaff', transaction);
  }
  const person = await findActivePerson(userId, { transaction });
  const ofBody = person !== null && person.entityId === contractingEntityId;
  const staff = role === 'owner' && (await findActiveStaff(userId, { transaction })) !== null;
  if (!ofBody && !staff) throw new ValidationError({ [field]: role === 'rup' ? 'tenders:error.rupNotOfBody' : 'tenders:error.ownerNotOfBody' });
}

/** The people a dossier's forms offer: staff for an aggregated dossier; the comune's users (and, as owners, staff) for an own one. */
export async function peopleOptions(contractingEntityId: number | null, role: 'rup' | 'owner'): Promise<StaffOption[]> {
  if (contractingEntityId === null) return staffOptions();
  const ofBody = (await usersOfBody(contractingEntityId, { activeOnly: true, bodyRolesOnly: true })).map((u) => ({ id: u.id, name: u.name, email: u.email }));
  return role === 'owner' ? [...ofBody, ...(await staffOptions())] : ofBody;
}

// ---------------------------------------------------------------------------------------------
// List

const listFilterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  phase: z.enum([...PHASES, 'active']).optional().catch(undefined),
  category: z.enum(['goods', 'services', 'works']).optional().catch(undefined),
  /** The list's two tabs: the centre's aggregated dossiers, or the comuni's own procedures. */
  tipo: z.enum(['aggregate', 'comuni']).catch('aggregate').default('aggregate'),
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
  /** The comune that runs its own procedure; null for an aggregated dossier. */
  contractingName: string | null;
};

export async function listDossiers(platform: Platform, viewer: Viewer, query: unknown, page: { perPage: number; offset: number }) {
  const filter = listFilterSchema.parse(query ?? {});
  const clauses: string[] = [];
  const replacements: Record<string, unknown> = { entityId: viewer?.entityId ?? -1, limit: page.perPage, offset: page.offset };
  if (!isStaff(viewer)) {
    clauses.push(
      isBodyUser(viewer)
        ? '(d.is_public OR d.contracting_entity_id = :entityId OR EXISTS (SELECT 1 FROM tender_participants p WHERE p.dossier_id = d.id AND p.entity_id = :entityId))'
        : 'd.is_public',
    );
  }
  // The counts of both tabs share every other filter.
  const tabClause = filter.tipo === 'comuni' ? 'd.contracting_entity_id IS NOT NULL' : 'd.contracting_entity_id IS NULL';
  if (filter.q) {
    clauses.push(`(lower(d.title) LIKE :q OR d.cup = upper(:raw) OR EXISTS (SELECT 1 FROM tender_lots l WHERE l.dossier_id = d.id AND l.cig = upper(:raw)))`);
    replacements.q = `%${escapeLike(filter.q.toLowerCase())}%`;
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
  const both = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const where = `WHERE ${[...clauses, tabClause].join(' AND ')}`;
  const [count] = await platform.sequelize.query<{ aggregated: string; own: string }>(
    `SELECT count(*) FILTER (WHERE d.contracting_entity_id IS NULL) AS aggregated, count(*) FILTER (WHERE d.contracting_entity_id IS NOT NULL) AS own
       FROM tender_dossiers d ${both}`,
    { replacements, type: QueryTypes.SELECT },
  );
  const rows = await platform.sequelize.query<Record<string, unknown>>(
    `SELECT d.id, d.title, d.category, d.procedure, d.phase, d.estimated_value_cents::text AS value, d.is_public, d.updated_at,
       (SELECT count(*) FROM tender_lots l WHERE l.dossier_id = d.id AND l.status <> 'cancelled')::int AS lots,
       (SELECT count(*) FROM tender_participants p WHERE p.dossier_id = d.id AND p.status = 'joined')::int AS joined,
       (SELECT min(m.due_on)::text FROM tender_milestones m WHERE m.dossier_id = d.id AND m.done_at IS NULL) AS next_due,
       (SELECT p.status FROM tender_participants p WHERE p.dossier_id = d.id AND p.entity_id = :entityId) AS my_status,
       EXISTS (SELECT 1 FROM tender_needs_calls c JOIN tender_needs_invitations i ON i.call_id = c.id AND i.entity_id = :entityId
               WHERE c.dossier_id = d.id AND c.closed_at IS NULL AND d.phase = 'needs_collection' AND c.deadline_on >= :today
                 AND NOT EXISTS (SELECT 1 FROM tender_needs_answers a WHERE a.call_id = c.id AND a.entity_id = :entityId)) AS needs_to_answer,
       ce.name AS contracting_name
     FROM tender_dossiers d LEFT JOIN entities ce ON ce.id = d.contracting_entity_id ${where}
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
    contractingName: (r.contracting_name as string | null) ?? null,
  }));
  const counts = { aggregate: Number(count.aggregated), comuni: Number(count.own) };
  return { dossiers, total: counts[filter.tipo], counts, filter };
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
  const cents = euro('tenders:field.estimatedValue').safeParse(parsed.data.estimatedValue);
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

/** The changed fields, for the history: tenders:changedField.<name>. */
const changedFields = (names: readonly string[]): Message => listMessage(names.map((k) => msg(`tenders:changedField.${k}`)));

/** The body a new dossier is for, as sent by the form: null for an aggregated dossier, -1 for an unreadable id. */
function contractingEntityOf(input: unknown): number | null {
  const raw = (input as Record<string, unknown> | null)?.contractingEntityId;
  if (raw === undefined || raw === null || raw === '') return null;
  return typeof raw === 'string' && /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : -1;
}

/**
 * A new dossier. Without a contracting body it is an aggregated dossier of the centre (staff only),
 * starting with the needs collection; with one it is that comune's own procedure (staff, or the
 * comune's RTD or referent), starting in preparation, with a RUP of that comune.
 */
export async function createDossier(platform: Platform, actor: Actor, input: unknown): Promise<{ dossier: Dossier; warnings: ProcedureWarning[] }> {
  const own = contractingEntityOf(input);
  if (own === null) assertCanManage(actor, 'tenders.create');
  else if (!canCreateOwnDossier(actor, own)) throw new ForbiddenError('tenders:error.ownBodyOnly', 'tenders.create-own');
  const data = parseInput(dossierSchema, input);
  if (own !== null) {
    const body = await findBody(own);
    if (!body) throw new NotFoundError('tenders:error.entityMissing');
    if (body.membershipStatus !== 'active') throw new ValidationError({ _form: msg('tenders:error.entityNotActive', { name: body.name }) });
  }
  await assertEligiblePerson(own, data.rupUserId, 'rup');
  const dossier = await platform.sequelize.transaction(async (transaction) => {
    const d = await Dossier.create(
      {
        ...dossierFields(data),
        phase: own === null ? 'needs_collection' : 'preparation',
        contractingEntityId: own,
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
    await recordEvent(platform, actor, d.id, { kind: 'dossier-created', summary: msg('tenders:event.dossierCreated', { phase: msg(`tenders:phase.${d.phase}`) }), details: { title: d.title }, entityId: own }, transaction);
    return d;
  });
  return { dossier, warnings: procedureWarnings(dossier) };
}

export async function updateDossier(platform: Platform, actor: Actor, id: number, input: unknown): Promise<{ dossier: Dossier; warnings: ProcedureWarning[] }> {
  const data = parseInput(dossierSchema, input);
  const dossier = await platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, id, 'tenders.update', transaction);
    assertNotFinal(d, 'dossier');
    await assertEligiblePerson(d.contractingEntityId ?? null, data.rupUserId, 'rup', transaction);
    const fields = dossierFields(data);
    const changed = (Object.keys(fields) as Array<keyof typeof fields>).filter((k) => String(d.get(k) ?? '') !== String(fields[k] ?? ''));
    if (d.phase !== 'needs_collection' && d.phase !== 'preparation' && !fields.isPublic) {
      throw new ValidationError({ isPublic: 'tenders:error.staysPublic' });
    }
    await d.update(fields, { transaction });
    if (changed.length) {
      await recordEvent(
        platform,
        actor,
        d.id,
        { kind: 'dossier-updated', summary: msg('tenders:event.dossierUpdated', { fields: changedFields(changed) }), details: { changed } },
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
    if (fields.includes('cig')) throw new ConflictError('tenders:error.cigTaken', 'cig');
    throw new ConflictError('tenders:error.lotNumberTaken', 'number');
  }
  throw err;
}

export async function addLot(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Lot> {
  const data = parseInput(lotSchema, input);
  try {
    return await platform.sequelize.transaction(async (transaction) => {
      const d = await loadForEdit(actor, dossierId, 'tenders.lot-add', transaction);
      assertNotFinal(d, 'lots');
      if (phaseIndex(d.phase) >= phaseIndex('published') && !data.cig) {
        throw new ValidationError({ cig: 'tenders:error.newLotCig' });
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
        { kind: 'lot-added', summary: msg(lot.cig ? 'tenders:event.lotAddedCig' : 'tenders:event.lotAdded', { number: lot.number, title: lot.title, value: money(lot.valueCents), cig: lot.cig ?? undefined }), details: { lotId: lot.id } },
        transaction,
      );
      return lot;
    });
  } catch (err) {
    return lotConflict(err);
  }
}

export async function getLot(actor: Actor, dossierId: number, lotId: number): Promise<{ dossier: Dossier; lot: Lot }> {
  const dossier = await loadForEdit(actor, dossierId, 'tenders.lot-update');
  const lot = await Lot.findOne({ where: { id: lotId, dossierId } });
  if (!lot) throw new NotFoundError('tenders:error.lotNotFound');
  return { dossier, lot };
}

export async function updateLot(platform: Platform, actor: Actor, dossierId: number, lotId: number, input: unknown): Promise<Lot> {
  const data = parseInput(lotSchema, input);
  try {
    return await platform.sequelize.transaction(async (transaction) => {
      const d = await loadForEdit(actor, dossierId, 'tenders.lot-update', transaction);
      assertNotFinal(d, 'lots');
      const lot = await Lot.findOne({ where: { id: lotId, dossierId }, transaction });
      if (!lot) throw new NotFoundError('tenders:error.lotNotFound');
      if (lot.status === 'cancelled') throw new ConflictError('tenders:error.lotCancelled');
      if (data.status === 'cancelled') throw new ValidationError({ status: 'tenders:error.lotCancelByForm' });
      if (phaseIndex(d.phase) >= phaseIndex('published') && !data.cig) {
        throw new ValidationError({ cig: 'tenders:error.lotCig' });
      }
      const before = { number: lot.number, title: lot.title, cig: lot.cig, valueCents: lot.valueCents, status: lot.status };
      await lot.update(
        { number: data.number, title: data.title, description: data.description, cig: data.cig, valueCents: data.value, status: data.status ?? lot.status },
        { transaction },
      );
      const changes: Message[] = [];
      if (before.title !== lot.title || before.number !== lot.number) changes.push(msg('tenders:event.change.titleOrNumber'));
      if (before.cig !== lot.cig) changes.push(msg('tenders:event.change.cig', { cig: lot.cig ?? '—' }));
      if (before.valueCents !== lot.valueCents) changes.push(msg('tenders:event.change.value', { value: money(lot.valueCents) }));
      if (before.status !== lot.status) changes.push(msg('tenders:event.change.status', { status: msg(`tenders:lotStatus.${lot.status}`) }));
      if (changes.length) {
        await recordEvent(platform, actor, d.id, { kind: 'lot-updated', summary: msg('tenders:event.lotUpdated', { number: lot.number, changes: listMessage(changes) }), details: { lotId: lot.id, before } }, transaction);
      }
      return lot;
    });
  } catch (err) {
    return lotConflict(err);
  }
}

export async function cancelLot(platform: Platform, actor: Actor, dossierId: number, lotId: number, input: unknown): Promise<Lot> {
  const { reason } = parseInput(reasonSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.lot-cancel', transaction);
    assertNotFinal(d, 'lots');
    const lot = await Lot.findOne({ where: { id: lotId, dossierId }, transaction });
    if (!lot) throw new NotFoundError('tenders:error.lotNotFound');
    if (lot.status === 'cancelled') throw new ConflictError('tenders:error.lotAlreadyCancelled');
    await lot.update({ status: 'cancelled', cancelledReason: reason }, { transaction });
    await recordEvent(platform, actor, d.id, { kind: 'lot-cancelled', summary: msg('tenders:event.lotCancelled', { number: lot.number, title: lot.title, reason }), details: { lotId: lot.id, reason } }, transaction);
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
  if (errors.length) throw new ValidationError({ dueOn: joinMessages(errors) });
}

export async function addMilestone(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Milestone> {
  const data = parseInput(milestoneSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.milestone-add', transaction);
    assertNotFinal(d, 'milestones');
    await assertEligiblePerson(d.contractingEntityId ?? null, data.ownerUserId, 'owner', transaction);
    await checkOrder(d.id, { id: null, kind: data.kind, dueOn: data.dueOn, dueTime: data.dueTime }, transaction);
    const m = await Milestone.create(
      { dossierId: d.id, kind: data.kind, title: data.title ?? defaultMilestoneTitle(data.kind), dueOn: data.dueOn, dueTime: data.dueTime, ownerUserId: data.ownerUserId, note: data.note, doneAt: null, reminderSentAt: null },
      { transaction },
    );
    await recordEvent(platform, actor, d.id, { kind: 'milestone-added', summary: msg('tenders:event.milestoneAdded', { title: milestoneTitleMessage(m), due: dueMessage(dayOf(m.dueOn), m.dueTime) }), details: { milestoneId: m.id } }, transaction);
    return m;
  });
}

export async function getMilestone(actor: Actor, dossierId: number, milestoneId: number): Promise<{ dossier: Dossier; milestone: Milestone }> {
  const dossier = await loadForEdit(actor, dossierId, 'tenders.milestone-update');
  const milestone = await Milestone.findOne({ where: { id: milestoneId, dossierId } });
  if (!milestone) throw new NotFoundError('tenders:error.milestoneNotFound');
  return { dossier, milestone };
}

export async function updateMilestone(platform: Platform, actor: Actor, dossierId: number, milestoneId: number, input: unknown): Promise<Milestone> {
  const data = parseInput(milestoneSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.milestone-update', transaction);
    assertNotFinal(d, 'milestones');
    await assertEligiblePerson(d.contractingEntityId ?? null, data.ownerUserId, 'owner', transaction);
    const m = await Milestone.findOne({ where: { id: milestoneId, dossierId }, transaction });
    if (!m) throw new NotFoundError('tenders:error.milestoneNotFound');
    if (m.kind === 'needs_deadline' && data.kind === 'needs_deadline' && (await NeedsCall.count({ where: { dossierId }, transaction })) > 0 && (m.dueOn !== data.dueOn)) {
      throw new ValidationError({ dueOn: 'tenders:error.needsDeadlineFromCall' });
    }
    await checkOrder(d.id, { id: m.id, kind: data.kind, dueOn: data.dueOn, dueTime: data.dueTime }, transaction);
    const moved = m.dueOn !== data.dueOn || (m.dueTime ?? null) !== data.dueTime;
    const before = `${m.dueOn}${m.dueTime ? ` ${m.dueTime}` : ''}`;
    await m.update(
      { kind: data.kind, title: data.title ?? defaultMilestoneTitle(data.kind), dueOn: data.dueOn, dueTime: data.dueTime, ownerUserId: data.ownerUserId, note: data.note, ...(moved ? { reminderSentAt: null } : {}) },
      { transaction },
    );
    await recordEvent(platform, actor, d.id, { kind: 'milestone-updated', summary: moved ? msg('tenders:event.milestoneMoved', { title: milestoneTitleMessage(m), was: dayOf(before.split(' ')[0]) }) : msg('tenders:event.milestoneUpdated', { title: milestoneTitleMessage(m) }), details: { milestoneId: m.id, before } }, transaction);
    return m;
  });
}

export async function setMilestoneDone(platform: Platform, actor: Actor, dossierId: number, milestoneId: number, done: boolean): Promise<Milestone> {
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.milestone-done', transaction);
    const m = await Milestone.findOne({ where: { id: milestoneId, dossierId }, transaction });
    if (!m) throw new NotFoundError('tenders:error.milestoneNotFound');
    await m.update({ doneAt: done ? new Date() : null }, { transaction });
    await recordEvent(platform, actor, d.id, { kind: 'milestone-done', summary: msg(done ? 'tenders:event.milestoneDone' : 'tenders:event.milestoneReopened', { title: milestoneTitleMessage(m) }), details: { milestoneId: m.id, done } }, transaction);
    return m;
  });
}

export async function deleteMilestone(platform: Platform, actor: Actor, dossierId: number, milestoneId: number): Promise<void> {
  await platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.milestone-delete', transaction);
    assertNotFinal(d, 'milestones');
    const m = await Milestone.findOne({ where: { id: milestoneId, dossierId }, transaction });
    if (!m) throw new NotFoundError('tenders:error.milestoneNotFound');
    if (m.kind === 'needs_deadline' && (await NeedsCall.count({ where: { dossierId }, transaction })) > 0) {
      throw new ConflictError('tenders:error.needsDeadlineDelete');
    }
    await m.destroy({ transaction });
    await recordEvent(platform, actor, d.id, { kind: 'milestone-deleted', summary: msg('tenders:event.milestoneDeleted', { title: milestoneTitleMessage(m), day: dayOf(m.dueOn) }), details: { milestoneId: m.id } }, transaction);
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
  errors: Message[];
  /** The errors other than the missing documents and the reason, which the phase page shows on their own. */
  otherErrors: Message[];
  required: Array<{ type: DocumentType; present: boolean }>;
  effects: Message[];
};

/** Everything checked before a phase change, with what is missing and what the change will do. */
export async function phaseReadiness(dossier: Dossier, to: Phase, reason: string | null, transaction?: Transaction): Promise<PhaseReadiness> {
  const present = await presentDocumentTypes(dossier.id, transaction);
  const lots = await Lot.findAll({ where: { dossierId: dossier.id }, order: [['number', 'ASC']], transaction });
  const check = checkPhaseMove({ from: dossier.phase, to, presentDocumentTypes: present, procedure: dossier.procedure, cancelledReason: reason });
  const errors = check.ok ? [] : [...check.errors];
  const activeLots = lots.filter((l) => l.status !== 'cancelled');
  const effects: Message[] = [];
  if (to === 'published') {
    if (activeLots.length === 0) errors.push(msg('tenders:phaseMove.noLots'));
    for (const l of activeLots) if (!l.cig) errors.push(msg('tenders:phaseMove.lotWithoutCig', { number: l.number, title: l.title }));
    effects.push(msg('tenders:phaseEffect.public'));
    if (activeLots.some((l) => l.status === 'planned')) effects.push(msg('tenders:phaseEffect.lotsOpen'));
  }
  if (to === 'awarded') {
    if (!dossier.awardSupplierName) errors.push(msg('tenders:phaseMove.supplierMissing'));
    const open = activeLots.filter((l) => l.status === 'open' || l.status === 'planned');
    if (open.length) effects.push(msg('tenders:phaseEffect.lotsAwarded', { lots: open.map((l) => l.number).join(', ') }));
  }
  if (to === 'contract' && !dossier.contractSignedOn) errors.push(msg('tenders:phaseMove.contractDateMissing'));
  if (to === 'preparation') effects.push(msg('tenders:phaseEffect.needsClosed'));
  if (to === 'cancelled') effects.push(msg('tenders:phaseEffect.lotsCancelled'));
  const required = (to === 'cancelled' ? [] : requiredDocumentsForPhase(to, dossier.procedure)).map((type) => ({ type, present: present.includes(type) }));
  const otherErrors = errors.filter((e) => ![PHASE_ERROR_DOCUMENTS, PHASE_ERROR_REASON].includes(parseMessage(e).key));
  return { to, ok: errors.length === 0, errors, otherErrors, required, effects };
}

export function nextPhase(phase: Phase): Phase | null {
  if (FINAL_PHASES.includes(phase)) return null;
  return PHASE_FLOW[phaseIndex(phase) + 1] ?? null;
}

export async function movePhase(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<Dossier> {
  const data = parseInput(phaseMoveSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.phase', transaction);
    const readiness = await phaseReadiness(d, data.to, data.reason, transaction);
    if (!readiness.ok) {
      const fields: Record<string, Message> = { _form: joinMessages(readiness.errors) };
      if (data.to === 'cancelled' && !data.reason) fields.reason = 'tenders:error.cancelReason';
      throw new ValidationError(fields, joinMessages(readiness.errors));
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
        summary:
          to === 'cancelled'
            ? msg('tenders:event.dossierCancelled', { from: msg(`tenders:phase.${from}`), reason: data.reason })
            : msg('tenders:event.phaseChanged', { from: msg(`tenders:phase.${from}`), to: msg(`tenders:phase.${to}`) }),
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
  const data = parseInput(awardSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.award', transaction);
    assertNotFinal(d, 'award');
    if (phaseIndex(d.phase) < phaseIndex('evaluation')) {
      throw new ConflictError(msg('tenders:error.awardTooEarly', { phase: msg('tenders:phase.evaluation') }));
    }
    if (data.contractSignedOn && data.awardDate && data.contractSignedOn < data.awardDate) {
      throw new ValidationError({ contractSignedOn: 'tenders:error.contractBeforeAward' });
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
        summary: msg('tenders:event.awardSaved', {
          supplier: data.awardSupplierName,
          value: data.awardValue !== null ? msg('tenders:event.awardValue', { value: money(data.awardValue) }) : '',
          contract: data.contractSignedOn ? msg('tenders:event.awardContract', { day: dayOf(data.contractSignedOn) }) : '',
        }),
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
    const d = await loadForEdit(actor, dossierId, 'tenders.participant-add', transaction);
    assertAggregated(d);
    assertNotFinal(d, 'participants');
    const entity = await findBody(data.entityId, { transaction });
    if (!entity) throw new ValidationError({ entityId: 'tenders:error.entityMissing' });
    if (entity.membershipStatus !== 'active') throw new ValidationError({ entityId: msg('tenders:error.entityNotActive', { name: entity.name }) });
    const existing = await Participant.findOne({ where: { dossierId: d.id, entityId: entity.id }, transaction });
    if (existing) throw new ConflictError(msg('tenders:error.alreadyParticipant', { name: entity.name }), 'entityId');
    const p = await Participant.create(
      { dossierId: d.id, entityId: entity.id, status: data.status, shareCents: data.share, note: data.note, adhesionFileId: null, adhesionUploadedAt: null, adhesionUploadedBy: null },
      { transaction },
    );
    await recordEvent(platform, actor, d.id, { kind: 'participant-added', summary: msg('tenders:event.participantAdded', { name: entity.name, status: msg(`tenders:participantStatus.${p.status}`) }), details: { participantId: p.id }, entityId: entity.id }, transaction);
    return p;
  });
}

export async function updateParticipant(platform: Platform, actor: Actor, dossierId: number, participantId: number, input: unknown): Promise<Participant> {
  assertCanManage(actor, 'tenders.participant-update');
  const data = parseInput(participantUpdateSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const d = await loadForEdit(actor, dossierId, 'tenders.participant-update', transaction);
    assertNotFinal(d, 'participants');
    const p = await Participant.findOne({ where: { id: participantId, dossierId: d.id }, transaction });
    if (!p) throw new NotFoundError('tenders:error.participantNotFound');
    const entity = await findBody(p.entityId, { transaction });
    const before = { status: p.status, shareCents: p.shareCents };
    await p.update({ status: data.status, shareCents: data.share, note: data.note }, { transaction });
    const changes: Message[] = [];
    if (before.status !== p.status) changes.push(msg('tenders:event.change.status', { status: msg(`tenders:participantStatus.${p.status}`) }));
    if (before.shareCents !== p.shareCents) changes.push(p.shareCents === null ? msg('tenders:event.change.shareNone') : msg('tenders:event.change.share', { share: money(p.shareCents) }));
    await recordEvent(
      platform,
      actor,
      d.id,
      { kind: 'participant-updated', summary: msg('tenders:event.participantUpdated', { name: entityName(entity), changes: changes.length ? listMessage(changes) : msg('tenders:event.change.note') }), details: { participantId: p.id, before }, entityId: p.entityId },
      transaction,
    );
    return p;
  });
}

/** A body's own choice: declare interest or withdraw (staff set any status from the dossier page). */
export async function setOwnParticipation(platform: Platform, actor: Actor, dossierId: number, status: unknown): Promise<Participant> {
  const parsed = z.enum(['interested', 'withdrawn'], { error: 'tenders:error.choiceInvalid' }).safeParse(status);
  return platform.sequelize.transaction(async (transaction) => {
    // Who may not see the dossier learns nothing from the answer, whatever the form held.
    const { dossier, participant } = await loadDossier(actor, dossierId, transaction);
    if (!participant) throw new NotFoundError('tenders:error.notParticipant');
    assertCanActForBody(actor, participant.entityId, 'tenders.participation');
    if (!parsed.success) throw new ValidationError({ status: 'tenders:error.choiceInvalid' });
    assertNotFinal(dossier, 'participation');
    if (participant.status === parsed.data) return participant;
    await participant.update({ status: parsed.data }, { transaction });
    const entity = await findBody(participant.entityId, { transaction });
    await recordEvent(
      platform,
      actor,
      dossier.id,
      { kind: 'participant-updated', summary: msg(parsed.data === 'withdrawn' ? 'tenders:event.participationWithdrawn' : 'tenders:event.participationInterest', { name: entityName(entity) }), details: { participantId: participant.id, status: parsed.data }, entityId: participant.entityId },
      transaction,
    );
    return participant;
  });
}

/** The participant whose adhesion the actor may upload (404 for another body's, 403 otherwise): also checked before the file is read. */
export async function participantForAdhesion(actor: Actor, dossierId: number, participantId: number, transaction?: Transaction): Promise<{ dossier: Dossier; p: Participant }> {
  const { dossier } = await loadDossier(actor, dossierId, transaction);
  const p = await Participant.findOne({ where: { id: participantId, dossierId: dossier.id }, transaction });
  if (!p) throw new NotFoundError('tenders:error.participantNotFound');
  assertCanActForBody(actor, p.entityId, 'tenders.adhesion-upload');
  return { dossier, p };
}

export async function uploadAdhesion(
  platform: Platform,
  actor: Actor,
  dossierId: number,
  participantId: number,
  file: FileSource | null,
): Promise<Participant> {
  if (!file) throw new ValidationError({ file: 'tenders:error.adhesionFileMissing' });
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier, p } = await participantForAdhesion(actor, dossierId, participantId, transaction);
    assertNotFinal(dossier, 'adhesion');
    if (p.status === 'withdrawn' && !isStaff(actor)) throw new ConflictError('tenders:error.adhesionWithdrawn');
    const stored = await platform.files.save({ ...file, uploadedBy: actor.userId }, transaction);
    const joined = p.status === 'invited' || p.status === 'interested';
    await p.update({ adhesionFileId: stored.id, adhesionUploadedAt: new Date(), adhesionUploadedBy: actor.userId, ...(joined ? { status: 'joined' as const } : {}) }, { transaction });
    const entity = await findBody(p.entityId, { transaction });
    await recordEvent(
      platform,
      actor,
      dossier.id,
      {
        kind: 'adhesion-uploaded',
        summary: msg(joined ? 'tenders:event.adhesionJoined' : 'tenders:event.adhesionUploaded', { name: entityName(entity), file: stored.originalName, sha: stored.sha256.slice(0, 12) }),
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
  if (!p || !p.adhesionFileId) throw new NotFoundError('tenders:error.documentNotFound');
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
  const canEdit = canEditDossier(viewer, access);
  const history = canSeeHistory(viewer, access);
  const contractingBody = dossier.contractingEntityId ? await findBody(dossier.contractingEntityId) : null;
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
  const events = history ? await TenderEvent.findAll({ where: { dossierId: id }, order: [['at', 'DESC'], ['id', 'DESC']], limit: 200 }) : [];
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
  const notes: Message[] = [];
  if (canEdit && activeLots.length && lotsTotal !== dossier.estimatedValueCents) {
    notes.push(msg('tenders:show.lotsTotalDiffers', { lots: money(lotsTotal), estimated: money(dossier.estimatedValueCents) }));
  }
  const sharesTotal = participants.filter((p) => p.status === 'joined').reduce((s, p) => s + (p.shareCents ?? 0), 0);
  if (staff && sharesTotal > dossier.estimatedValueCents) {
    notes.push(msg('tenders:show.sharesExceed', { shares: money(sharesTotal) }));
  }
  const next = canEdit ? nextPhase(dossier.phase) : null;
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
    canEdit,
    history,
    contractingBody: contractingBody ? { id: contractingBody.id, name: contractingBody.name } : null,
    canSeeComments: canSeeComments(viewer, access),
    guide: canEdit ? await guideFor(dossier) : null,
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
  const d = await loadForEdit(actor, id, 'tenders.update');
  assertNotFinal(d, 'dossier');
  return d;
}

export async function dossierForStaff(actor: Actor, id: number, action: string): Promise<Dossier> {
  return loadForEdit(actor, id, action);
}

/** For the entity page: the tender participations of a body, for staff and its own users. */
export async function participationsOfEntity(platform: Platform, entityId: number) {
  return platform.sequelize.query<{ id: number; title: string; phase: Phase; status: string }>(
    `SELECT d.id, d.title, d.phase, p.status FROM tender_participants p JOIN tender_dossiers d ON d.id = p.dossier_id
      WHERE p.entity_id = :entityId ORDER BY d.updated_at DESC LIMIT 50`,
    { replacements: { entityId }, type: QueryTypes.SELECT },
  );
}


// ---------------------------------------------------------------------------------------------
// A comune's own dossiers

/** The comune a new own dossier is for (staff name it with ?ente=; an RTD or referent opens one for their body), or null for an aggregated one. */
export async function newDossierBody(actor: Actor, ente: unknown): Promise<{ id: number; name: string } | null> {
  const wanted = typeof ente === 'string' && ente !== '' ? ente : null;
  if (wanted === null) {
    if (isStaff(actor)) return null;
    if (actor.entityId === null || !canCreateOwnDossier(actor, actor.entityId)) throw new ForbiddenError('tenders:error.ownBodyOnly', 'tenders.create-own');
    const own = await findBody(actor.entityId);
    if (!own) throw new NotFoundError('tenders:error.entityMissing');
    return { id: own.id, name: own.name };
  }
  if (!/^[1-9][0-9]{0,9}$/.test(wanted)) throw new NotFoundError('tenders:error.entityMissing');
  const id = Number(wanted);
  if (!canCreateOwnDossier(actor, id)) throw new ForbiddenError('tenders:error.ownBodyOnly', 'tenders.create-own');
  const body = await findBody(id);
  if (!body) throw new NotFoundError('tenders:error.entityMissing');
  return { id: body.id, name: body.name };
}

export async function contractingBodyOf(dossier: Dossier): Promise<{ id: number; name: string } | null> {
  if (!dossier.contractingEntityId) return null;
  const body = await findBody(dossier.contractingEntityId);
  return body ? { id: body.id, name: body.name } : null;
}

/** The dossier for a comment form (the comment service checks who may write). */
export async function dossierForComment(viewer: Viewer, id: number): Promise<Dossier> {
  return (await loadDossier(viewer, id)).dossier;
}

/** The guide for a form as typed, or null when the value or the category is not usable yet. */
export function guideForInput(input: unknown): ProcedureGuide | null {
  const parsed = z
    .object({ category: z.enum(CATEGORIES), procedure: z.enum(PROCEDURES), estimatedValue: z.string() })
    .safeParse(input);
  if (!parsed.success) return null;
  const cents = euro('tenders:field.estimatedValue').safeParse(parsed.data.estimatedValue);
  if (!cents.success) return null;
  return procedureGuide({ category: parsed.data.category, procedure: parsed.data.procedure, valueCents: cents.data, presentDocumentTypes: [] });
}

/** The guide of a saved own dossier, with the documents it already has. */
export async function guideFor(dossier: Dossier): Promise<ProcedureGuide | null> {
  if (!dossier.contractingEntityId) return null;
  const present = await presentDocumentTypes(dossier.id);
  return procedureGuide({ category: dossier.category, procedure: dossier.procedure, valueCents: dossier.estimatedValueCents, presentDocumentTypes: present });
}

export type OwnDossierRow = { id: number; title: string; phase: Phase; procedure: string; estimatedValueCents: number; nextDue: string | null; nextTitle: string | null; nextKind: MilestoneKind | null };

/** For the body's page: the comune's own dossiers with their next open deadline (staff and the comune's users). */
export async function ownDossiersOfEntity(platform: Platform, entityId: number): Promise<OwnDossierRow[]> {
  const rows = await platform.sequelize.query<{ id: number; title: string; phase: Phase; procedure: string; value: string; next_due: string | null; next_title: string | null; next_kind: MilestoneKind | null }>(
    `SELECT d.id, d.title, d.phase, d.procedure, d.estimated_value_cents::text AS value, m.due_on::text AS next_due, m.title AS next_title, m.kind AS next_kind
       FROM tender_dossiers d
       LEFT JOIN LATERAL (SELECT due_on, title, kind FROM tender_milestones WHERE dossier_id = d.id AND done_at IS NULL ORDER BY due_on, due_time NULLS FIRST, id LIMIT 1) m ON true
      WHERE d.contracting_entity_id = :entityId
      ORDER BY (d.phase IN ('closed','cancelled')), m.due_on NULLS LAST, d.updated_at DESC LIMIT 50`,
    { replacements: { entityId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: r.id, title: r.title, phase: r.phase, procedure: r.procedure, estimatedValueCents: Number(r.value), nextDue: r.next_due, nextTitle: r.next_title, nextKind: r.next_kind }));
}
