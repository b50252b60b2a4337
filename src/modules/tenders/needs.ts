// Needs collection (raccolta dei fabbisogni): staff open a call to chosen bodies or to every active
// one, with a deadline and the items to declare; each invited body answers (and may change its
// answer) until the deadline; staff see the demand aggregated per item and per body and export it.
import { DateTime } from 'luxon';
import { QueryTypes, type Transaction } from 'sequelize';
import { isBodyUser, isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { loadBusinessCalendar } from '../../platform/settings.js';
import { parseInput } from '../../platform/validation.js';
import { usersOfBodies } from '../accounts/index.js';
import { activeBodies, findBodies, findBody, type Body } from '../entities/index.js';
import { formatDay, todayInRome } from './dates.js';
import { recordEvent } from './history.js';
import { parseEuroToCents } from './money.js';
import { Dossier, Milestone, NeedsAnswer, NeedsAnswerLine, NeedsCall, NeedsInvitation, NeedsItem, Participant } from './models.js';
import { assertCanManage, canSeeNeedsSummary } from './policy.js';
import { joinMessages, listMessage, money, quantity } from './messages.js';
import { checkMilestoneOrder, needsAnswerAllowed, TIME_ZONE } from './procurement.js';
import { moneyError, needsCallSchema } from './schemas.js';
import { assertAggregated, defaultMilestoneTitle, loadDossier } from './service.js';
import { milestoneDate } from './dates.js';

/** Reminders go out this many business days before the deadline. */
export const NEEDS_REMINDER_BUSINESS_DAYS = 3;
export const MAX_QUANTITY = 10_000_000;

/** Who receives a body's mail: its active users (member, RTD, referent), else the body's address. */
export async function bodyRecipients(entityIds: number[], transaction?: Transaction): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (entityIds.length === 0) return out;
  const users = await usersOfBodies(entityIds, { activeOnly: true, bodyRolesOnly: true, transaction });
  for (const u of users) out.set(u.entityId!, [...(out.get(u.entityId!) ?? []), u.email]);
  const without = entityIds.filter((id) => !out.has(id));
  if (without.length) {
    const entities = await findBodies(without, { transaction });
    for (const e of entities) if (e.email) out.set(e.id, [e.email]);
  }
  return out;
}

function callIsOpen(call: NeedsCall, dossier: Dossier, now: Date): boolean {
  return call.closedAt === null && needsAnswerAllowed(call.deadlineOn, now, dossier.phase);
}

// ---------------------------------------------------------------------------------------------
// Opening and changing the call (staff)

export async function callForm(platform: Platform, actor: Actor, dossierId: number) {
  assertCanManage(actor, 'tenders.needs-call');
  const dossier = await Dossier.findByPk(dossierId);
  if (!dossier) throw new NotFoundError('tenders:error.dossierNotFound');
  assertAggregated(dossier);
  const call = await NeedsCall.findOne({ where: { dossierId } });
  const items = call ? await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC'], ['id', 'ASC']] }) : [];
  const invited = call ? (await NeedsInvitation.findAll({ attributes: ['entityId'], where: { callId: call.id }, raw: true })).map((i) => i.entityId) : [];
  const answeredItems = call
    ? (await platform.sequelize.query<{ item_id: number }>('SELECT DISTINCT l.item_id FROM tender_needs_answer_lines l JOIN tender_needs_answers a ON a.id = l.answer_id WHERE a.call_id = :callId', { replacements: { callId: call.id }, type: QueryTypes.SELECT })).map((r) => r.item_id)
    : [];
  const bodies = (await activeBodies()).map((b) => ({ id: b.id, name: b.name, provinceCode: b.provinceCode }));
  return { dossier, call, items, invited, answeredItems, bodies };
}

export async function openOrUpdateCall(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<{ call: NeedsCall; invitedNow: number }> {
  assertCanManage(actor, 'tenders.needs-call');
  const today = todayInRome();
  let data: ReturnType<typeof needsCallSchema.parse>;
  try {
    data = parseInput(needsCallSchema, input);
  } catch (err) {
    // Report a past deadline together with the other mistakes.
    const raw = (input as Record<string, unknown> | null)?.deadlineOn;
    if (err instanceof ValidationError && !err.fields.deadlineOn && typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && raw < today) {
      const call = await NeedsCall.findOne({ where: { dossierId } });
      if (!call || call.deadlineOn !== raw) throw new ValidationError({ deadlineOn: 'tenders:error.deadlinePast', ...err.fields });
    }
    throw err;
  }
  return platform.sequelize.transaction(async (transaction) => {
    const dossier = await Dossier.findByPk(dossierId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!dossier) throw new NotFoundError('tenders:error.dossierNotFound');
    if (dossier.phase !== 'needs_collection') throw new ConflictError(msg('tenders:error.needsOnlyInPhase', { phase: msg('tenders:phase.needs_collection') }));
    let call = await NeedsCall.findOne({ where: { dossierId }, transaction });
    const deadlineChanged = !call || call.deadlineOn !== data.deadlineOn;
    if (deadlineChanged && data.deadlineOn < today) throw new ValidationError({ deadlineOn: 'tenders:error.deadlinePast' });

    // Bodies to invite.
    let entityIds = data.entityIds;
    if (data.invite === 'all') {
      entityIds = (await activeBodies({ transaction })).map((e) => e.id);
    } else {
      const found = await findBodies(entityIds, { transaction });
      if (found.length !== new Set(entityIds).size || found.some((e) => e.membershipStatus !== 'active')) {
        throw new ValidationError({ entityIds: 'tenders:error.inviteActiveOnly' });
      }
    }

    // The needs deadline milestone follows the call.
    const milestone = await Milestone.findOne({ where: { dossierId, kind: 'needs_deadline' }, order: [['id', 'ASC']], transaction });
    const others = await Milestone.findAll({ where: { dossierId }, transaction });
    const orderErrors = checkMilestoneOrder([
      ...others.filter((m) => m.id !== milestone?.id).map((m) => ({ kind: m.kind, date: milestoneDate(m) })),
      { kind: 'needs_deadline', date: data.deadlineOn },
    ]);
    if (orderErrors.length) throw new ValidationError({ deadlineOn: joinMessages(orderErrors) });

    const isNew = !call;
    if (!call) {
      call = await NeedsCall.create({ dossierId, deadlineOn: data.deadlineOn, instructions: data.instructions, openedBy: actor.userId, closedAt: null }, { transaction });
    } else {
      await call.update({ deadlineOn: data.deadlineOn, instructions: data.instructions }, { transaction });
      if (deadlineChanged) await NeedsInvitation.update({ reminderSentAt: null }, { where: { callId: call.id }, transaction });
    }
    if (milestone) {
      if (deadlineChanged) await milestone.update({ dueOn: data.deadlineOn, dueTime: null, reminderSentAt: null, doneAt: null }, { transaction });
    } else {
      await Milestone.create(
        { dossierId, kind: 'needs_deadline', title: defaultMilestoneTitle('needs_deadline'), dueOn: data.deadlineOn, dueTime: null, ownerUserId: dossier.rupUserId, note: null, doneAt: null, reminderSentAt: null },
        { transaction },
      );
    }

    // Items: update the listed ones, add the new ones, remove the emptied ones without answers.
    const existing = await NeedsItem.findAll({ where: { callId: call.id }, transaction });
    const byId = new Map(existing.map((i) => [i.id, i]));
    const errors: FieldErrors = {};
    let position = 0;
    for (const item of data.items) {
      position++;
      if (item.id !== null) {
        const current = byId.get(item.id);
        if (!current) {
          errors[`itemLabel.${item.row}`] = msg('tenders:error.itemNotInCall', { row: item.row + 1 });
          continue;
        }
        if (!item.label) {
          const used = await NeedsAnswerLine.count({ where: { itemId: current.id }, transaction });
          if (used > 0) errors[`itemLabel.${item.row}`] = msg('tenders:error.itemAnswered', { row: item.row + 1, label: current.label });
          else await current.destroy({ transaction });
          continue;
        }
        if (current.measure !== item.measure && (await NeedsAnswerLine.count({ where: { itemId: current.id }, transaction })) > 0) {
          errors[`itemMeasure.${item.row}`] = msg('tenders:error.itemMeasureAnswered', { row: item.row + 1 });
          continue;
        }
        await current.update({ label: item.label, unit: item.unit, measure: item.measure, description: item.description, position }, { transaction });
      } else {
        await NeedsItem.create({ callId: call.id, position, label: item.label, unit: item.unit, measure: item.measure, description: item.description }, { transaction });
      }
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);

    // Invitations and participants; mail to the newly invited bodies.
    const already = new Set((await NeedsInvitation.findAll({ attributes: ['entityId'], where: { callId: call.id }, transaction, raw: true })).map((i) => i.entityId));
    const fresh = [...new Set(entityIds)].filter((id) => !already.has(id));
    for (const entityId of fresh) {
      await NeedsInvitation.create({ callId: call.id, entityId, reminderSentAt: null }, { transaction });
      await platform.sequelize.query(
        `INSERT INTO tender_participants (dossier_id, entity_id, status) VALUES (:dossierId, :entityId, 'invited') ON CONFLICT (dossier_id, entity_id) DO NOTHING`,
        { replacements: { dossierId, entityId }, transaction },
      );
    }
    if (already.size + fresh.length === 0) throw new ValidationError({ entityIds: 'tenders:error.inviteNone' });
    const recipients = await bodyRecipients(fresh, transaction);
    const entities = await findBodies(fresh, { transaction });
    const itemsNow = await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC']], transaction });
    for (const e of entities) {
      for (const to of recipients.get(e.id) ?? []) {
        await platform.mail.send(
          {
            to,
            subject: msg('tenders:mail.needsInvitation.subject', { title: dossier.title }),
            template: 'tenders-needs-invitation',
            data: { entityName: e.name, title: dossier.title, object: dossier.object, deadline: formatDay(data.deadlineOn), instructions: data.instructions, items: itemsNow.map((i) => ({ label: i.label, unit: i.unit, measure: i.measure })), link: `${platform.config.baseUrl}/gare/${dossier.id}/fabbisogni` },
          },
          transaction,
        );
      }
    }
    const summary = isNew
      ? msg('tenders:event.needsOpened', { deadline: formatDay(data.deadlineOn), invited: fresh.length, items: itemsNow.length })
      : msg('tenders:event.needsUpdated', {
          deadline: deadlineChanged ? msg('tenders:event.needsNewDeadline', { deadline: formatDay(data.deadlineOn) }) : '',
          invited: fresh.length ? msg('tenders:event.needsNewInvited', { count: fresh.length }) : '',
        });
    await recordEvent(platform, actor, dossierId, { kind: isNew ? 'needs-opened' : 'needs-updated', summary, details: { callId: call.id, invited: fresh, deadlineOn: data.deadlineOn } }, transaction);
    return { call, invitedNow: fresh.length };
  });
}

// ---------------------------------------------------------------------------------------------
// The needs page

export type NeedsSummary = {
  perItem: Array<{ item: NeedsItem; bodies: number; quantity: number; amountCents: number }>;
  perBody: Array<{ entityId: number; name: string; answeredAt: Date | null; updatedAt: Date | null; answeredBy: string | null; notes: string | null; values: Map<number, { quantity: number | null; amountCents: number | null }> }>;
  notAnswered: Array<{ entityId: number; name: string; reminderSentAt: Date | null }>;
};

async function summaryOf(platform: Platform, call: NeedsCall, items: NeedsItem[]): Promise<NeedsSummary> {
  const bodies = await platform.sequelize.query<{ entity_id: number; name: string; reminder_sent_at: Date | null; answer_id: number | null; answered_at: Date | null; updated_at: Date | null; notes: string | null; answered_by: string | null }>(
    `SELECT i.entity_id, e.name, i.reminder_sent_at, a.id AS answer_id, a.answered_at, a.updated_at, a.notes,
            COALESCE(NULLIF(u.name, ''), u.email) AS answered_by
       FROM tender_needs_invitations i JOIN entities e ON e.id = i.entity_id
       LEFT JOIN tender_needs_answers a ON a.call_id = i.call_id AND a.entity_id = i.entity_id
       LEFT JOIN users u ON u.id = a.answered_by
      WHERE i.call_id = :callId ORDER BY e.name`,
    { replacements: { callId: call.id }, type: QueryTypes.SELECT },
  );
  const lines = await platform.sequelize.query<{ answer_id: number; item_id: number; quantity: string | null; amount_cents: string | null }>(
    `SELECT l.answer_id, l.item_id, l.quantity::text, l.amount_cents::text FROM tender_needs_answer_lines l
       JOIN tender_needs_answers a ON a.id = l.answer_id WHERE a.call_id = :callId`,
    { replacements: { callId: call.id }, type: QueryTypes.SELECT },
  );
  const byAnswer = new Map<number, Map<number, { quantity: number | null; amountCents: number | null }>>();
  for (const l of lines) {
    const m = byAnswer.get(l.answer_id) ?? new Map();
    m.set(l.item_id, { quantity: l.quantity === null ? null : Number(l.quantity), amountCents: l.amount_cents === null ? null : Number(l.amount_cents) });
    byAnswer.set(l.answer_id, m);
  }
  const perBody = bodies
    .filter((b) => b.answer_id !== null)
    .map((b) => ({ entityId: b.entity_id, name: b.name, answeredAt: b.answered_at, updatedAt: b.updated_at, answeredBy: b.answered_by, notes: b.notes, values: byAnswer.get(b.answer_id!) ?? new Map() }));
  const perItem = items.map((item) => {
    let count = 0;
    let quantity = 0;
    let amountCents = 0;
    for (const b of perBody) {
      const v = b.values.get(item.id);
      if (!v) continue;
      if ((v.quantity ?? 0) > 0 || (v.amountCents ?? 0) > 0) count++;
      quantity += v.quantity ?? 0;
      amountCents += v.amountCents ?? 0;
    }
    return { item, bodies: count, quantity, amountCents };
  });
  const notAnswered = bodies.filter((b) => b.answer_id === null).map((b) => ({ entityId: b.entity_id, name: b.name, reminderSentAt: b.reminder_sent_at }));
  return { perItem, perBody, notAnswered };
}

export async function needsPage(platform: Platform, viewer: Viewer, dossierId: number, now = new Date(), forEntityId: number | null = null) {
  const { dossier, access } = await loadDossier(viewer, dossierId);
  const call = await NeedsCall.findOne({ where: { dossierId } });
  if (!call) {
    if (isStaff(viewer)) return { dossier, access, call: null, items: [], open: false, summary: null, own: null, entity: null };
    throw new NotFoundError('tenders:error.noNeedsCall');
  }
  const items = await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC'], ['id', 'ASC']] });
  const open = callIsOpen(call, dossier, now);
  // Staff see the summary, and may look at (or record) one body's answer with ?ente=.
  const entityId = isStaff(viewer) ? forEntityId : isBodyUser(viewer) ? viewer!.entityId : null;
  if (!isStaff(viewer)) {
    const invited = entityId !== null && (await NeedsInvitation.count({ where: { callId: call.id, entityId } })) > 0;
    // A body not invited finds no call (404), as if there were none.
    if (!invited) throw new NotFoundError('tenders:error.noNeedsCall', 'tenders.needs-view');
  }
  let own: { answer: NeedsAnswer | null; values: Map<number, { quantity: number | null; amountCents: number | null }> } | null = null;
  let entity: Body | null = null;
  if (entityId !== null) {
    if (isStaff(viewer) && (await NeedsInvitation.count({ where: { callId: call.id, entityId } })) === 0) throw new NotFoundError('tenders:error.entityNotInvited');
    entity = await findBody(entityId);
    const answer = await NeedsAnswer.findOne({ where: { callId: call.id, entityId } });
    const lines = answer ? await NeedsAnswerLine.findAll({ where: { answerId: answer.id } }) : [];
    own = { answer, values: new Map(lines.map((l) => [l.itemId, { quantity: l.quantity, amountCents: l.amountCents }])) };
  }
  const summary = canSeeNeedsSummary(viewer) ? await summaryOf(platform, call, items) : null;
  return { dossier, access, call, items, open, summary, own, entity };
}

// ---------------------------------------------------------------------------------------------
// Answering

function parseAnswer(items: NeedsItem[], input: Record<string, unknown>) {
  const errors: FieldErrors = {};
  const values: Array<{ itemId: number; quantity: number | null; amountCents: number | null }> = [];
  for (const item of items) {
    const key = `q_${item.id}`;
    const raw = typeof input[key] === 'string' ? (input[key] as string).trim() : '';
    if (!raw) continue;
    if (item.measure === 'quantity') {
      const normal = raw.replace(/\./g, '');
      if (!/^[0-9]+$/.test(normal)) {
        errors[key] = msg(raw.startsWith('-') ? 'tenders:error.quantityNegative' : 'tenders:error.quantityInvalid', { label: item.label });
        continue;
      }
      const n = Number(normal);
      if (n > MAX_QUANTITY) {
        errors[key] = msg('tenders:error.quantityTooLarge', { label: item.label, max: quantity(MAX_QUANTITY) });
        continue;
      }
      values.push({ itemId: item.id, quantity: n, amountCents: null });
    } else {
      const r = parseEuroToCents(raw);
      if (!r.ok) {
        errors[key] = moneyError(msg('tenders:needs.itemQuoted', { label: item.label }), r.error);
        continue;
      }
      values.push({ itemId: item.id, quantity: null, amountCents: r.cents });
    }
  }
  const notes = typeof input.notes === 'string' ? input.notes.trim() : '';
  if (notes.length > 3000) errors.notes = msg('common:validation.tooLong', { label: msg('tenders:field.notes'), max: 3000 });
  if (!Object.keys(errors).length && values.length === 0 && !notes) {
    errors._form = 'tenders:error.answerEmpty';
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { values, notes: notes || null };
}

/**
 * Saves a body's answer. A body user answers only for their own body: a form naming another body
 * is refused (403, audited). Staff may record an answer on a body's behalf (e.g. sent by PEC).
 */
export async function saveAnswer(platform: Platform, actor: Actor, dossierId: number, input: unknown, now = new Date()): Promise<{ entityId: number; updated: boolean }> {
  const body = (input ?? {}) as Record<string, unknown>;
  const named = typeof body.entityId === 'string' && body.entityId.trim() !== '' ? body.entityId.trim() : null;
  let entityId: number;
  if (isStaff(actor)) {
    if (!named || !/^[1-9][0-9]{0,9}$/.test(named)) throw new ValidationError({ entityId: 'tenders:error.chooseAnswerEntity' });
    entityId = Number(named);
  } else {
    if (!isBodyUser(actor)) throw new ForbiddenError('tenders:error.answerBodyUsersOnly', 'tenders.needs-answer');
    if (named !== null && named !== String(actor.entityId)) throw new ForbiddenError('tenders:error.answerOwnBodyOnly', 'tenders.needs-answer-other-body');
    entityId = actor.entityId!;
  }
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier } = await loadDossier(actor, dossierId, transaction);
    const call = await NeedsCall.findOne({ where: { dossierId: dossier.id }, transaction });
    if (!call) throw new NotFoundError('tenders:error.noNeedsCall');
    const invitation = await NeedsInvitation.findOne({ where: { callId: call.id, entityId }, transaction });
    if (!invitation) {
      if (isStaff(actor)) throw new ValidationError({ entityId: 'tenders:error.chosenEntityNotInvited' });
      throw new NotFoundError('tenders:error.noNeedsCall', 'tenders.needs-answer');
    }
    if (!callIsOpen(call, dossier, now)) {
      throw new ConflictError(msg('tenders:error.needsClosed', { deadline: formatDay(call.deadlineOn) }));
    }
    const items = await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC']], transaction });
    const { values, notes } = parseAnswer(items, body);
    let answer = await NeedsAnswer.findOne({ where: { callId: call.id, entityId }, transaction, lock: transaction.LOCK.UPDATE });
    const updated = answer !== null;
    if (answer) {
      await answer.update({ notes, answeredBy: actor.userId }, { transaction });
      answer.changed('updatedAt', true);
      await answer.save({ transaction });
      await NeedsAnswerLine.destroy({ where: { answerId: answer.id }, transaction });
    } else {
      answer = await NeedsAnswer.create({ callId: call.id, entityId, notes, answeredBy: actor.userId }, { transaction });
    }
    if (values.length) await NeedsAnswerLine.bulkCreate(values.map((v) => ({ answerId: answer!.id, ...v })), { transaction });
    await Participant.update({ status: 'interested' }, { where: { dossierId: dossier.id, entityId, status: 'invited' }, transaction });
    const entity = await findBody(entityId, { transaction });
    const described: Message[] = values.map((v) => {
      const item = items.find((i) => i.id === v.itemId)!;
      return msg('tenders:event.needsLine', { label: item.label, value: v.quantity !== null ? quantity(v.quantity) : money(v.amountCents!) });
    });
    await recordEvent(
      platform,
      actor,
      dossier.id,
      { kind: updated ? 'needs-answer-updated' : 'needs-answered', summary: msg(`tenders:event.${updated ? 'needsAnswerUpdated' : 'needsAnswered'}${isStaff(actor) ? 'ByCentre' : ''}`, {
          name: entity?.name ?? msg('tenders:event.someBody'),
          lines: described.length ? msg('tenders:event.needsLines', { lines: listMessage(described, 'tenders:joinSemicolons') }) : '',
        }), details: { callId: call.id }, entityId },
      transaction,
    );
    return { entityId, updated };
  });
}

// ---------------------------------------------------------------------------------------------
// CSV export (staff)

function decimalComma(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

export type CsvCell = string | { message: Message };

export async function needsCsvRows(platform: Platform, actor: Actor, dossierId: number): Promise<{ filename: string; header: Message[]; rows: CsvCell[][] }> {
  assertCanManage(actor, 'tenders.needs-csv');
  const dossier = await Dossier.findByPk(dossierId);
  if (!dossier) throw new NotFoundError('tenders:error.dossierNotFound');
  assertAggregated(dossier);
  const call = await NeedsCall.findOne({ where: { dossierId } });
  if (!call) throw new NotFoundError('tenders:error.noNeedsCall');
  const items = await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC'], ['id', 'ASC']] });
  const summary = await summaryOf(platform, call, items);
  const ipa = new Map((await findBodies([...summary.perBody.map((b) => b.entityId), ...summary.notAnswered.map((b) => b.entityId)])).map((e) => [e.id, e.ipaCode]));
  // Header and status cells are Messages, translated by the route; the rest is data.
  const header: Message[] = [
    'tenders:csv.entity',
    'tenders:csv.ipaCode',
    'tenders:csv.status',
    'tenders:csv.answeredAt',
    ...items.map((i) => (i.measure === 'amount' ? msg('tenders:csv.itemEuro', { label: i.label }) : i.unit ? msg('tenders:csv.itemUnit', { label: i.label, unit: i.unit }) : i.label)),
    'tenders:csv.notes',
  ];
  const cell = (item: NeedsItem, v: { quantity: number | null; amountCents: number | null } | undefined) =>
    !v ? '' : item.measure === 'amount' ? (v.amountCents === null ? '' : decimalComma(v.amountCents)) : v.quantity === null ? '' : String(v.quantity);
  const rows: CsvCell[][] = [];
  for (const b of summary.perBody) {
    const at = b.updatedAt ?? b.answeredAt;
    rows.push([b.name, ipa.get(b.entityId) ?? '', { message: 'tenders:csv.answered' }, at ? DateTime.fromJSDate(at, { zone: TIME_ZONE }).toFormat('dd/MM/yyyy HH:mm') : '', ...items.map((i) => cell(i, b.values.get(i.id))), b.notes ?? '']);
  }
  for (const b of summary.notAnswered) rows.push([b.name, ipa.get(b.entityId) ?? '', { message: 'tenders:csv.notAnswered' }, '', ...items.map(() => ''), '']);
  rows.push([{ message: 'tenders:csv.total' }, '', { message: msg('tenders:csv.answers', { count: summary.perBody.length, total: summary.perBody.length + summary.notAnswered.length }) }, '', ...summary.perItem.map((p) => (p.item.measure === 'amount' ? decimalComma(p.amountCents) : String(p.quantity))), '']);
  return { filename: `fabbisogni-gara-${dossier.id}.csv`, header, rows };
}

// ---------------------------------------------------------------------------------------------
// Reminder job: three business days before the deadline, to the invited bodies that have not answered

export async function sendNeedsReminders(platform: Platform, now = new Date()): Promise<number> {
  const calendar = await loadBusinessCalendar(platform.sequelize);
  const today = todayInRome(now);
  const calls = await platform.sequelize.query<{ id: number; dossier_id: number; deadline_on: string; title: string }>(
    `SELECT c.id, c.dossier_id, c.deadline_on::text, d.title FROM tender_needs_calls c JOIN tender_dossiers d ON d.id = c.dossier_id
      WHERE c.closed_at IS NULL AND d.phase = 'needs_collection' AND c.deadline_on >= :today`,
    { replacements: { today }, type: QueryTypes.SELECT },
  );
  let sent = 0;
  for (const c of calls) {
    // The reminder is due at the opening of the third business day before the deadline.
    const deadlineMorning = DateTime.fromISO(`${c.deadline_on}T09:00`, { zone: TIME_ZONE }).toJSDate();
    const remindAt = calendar.subtractBusinessDays(deadlineMorning, NEEDS_REMINDER_BUSINESS_DAYS);
    if (now < remindAt) continue;
    await platform.sequelize.transaction(async (transaction) => {
      const pending = await platform.sequelize.query<{ id: number; entity_id: number; name: string }>(
        `SELECT i.id, i.entity_id, e.name FROM tender_needs_invitations i JOIN entities e ON e.id = i.entity_id
          WHERE i.call_id = :callId AND i.reminder_sent_at IS NULL AND i.invited_at < :remindAt
            AND NOT EXISTS (SELECT 1 FROM tender_needs_answers a WHERE a.call_id = i.call_id AND a.entity_id = i.entity_id)
          FOR UPDATE OF i SKIP LOCKED`,
        { replacements: { callId: c.id, remindAt }, type: QueryTypes.SELECT, transaction },
      );
      if (!pending.length) return;
      const recipients = await bodyRecipients(pending.map((p) => p.entity_id), transaction);
      for (const p of pending) {
        for (const to of recipients.get(p.entity_id) ?? []) {
          await platform.mail.send(
            {
              to,
              subject: msg('tenders:mail.needsReminder.subject', { deadline: formatDay(c.deadline_on), title: c.title }),
              template: 'tenders-needs-reminder',
              data: { entityName: p.name, title: c.title, deadline: formatDay(c.deadline_on), link: `${platform.config.baseUrl}/gare/${c.dossier_id}/fabbisogni` },
            },
            transaction,
          );
          sent++;
        }
        await NeedsInvitation.update({ reminderSentAt: now }, { where: { id: p.id }, transaction });
      }
      await recordEvent(platform, null, c.dossier_id, { kind: 'needs-reminded', summary: msg('tenders:event.needsReminded', { count: pending.length, names: pending.map((p) => p.name).join(', ') }), details: { callId: c.id } }, transaction);
    });
  }
  return sent;
}
