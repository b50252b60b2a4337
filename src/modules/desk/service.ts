// Desk requests: opening, the thread (public replies and internal notes), assignment, states with
// their history, SLA figures, automatic closing. No req/res here; typed errors only.
import { Op, QueryTypes, type Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { msg } from '../../platform/messages.js';
import { hot } from '../../platform/prepared.js';
import { parseInput } from '../../platform/validation.js';
import { activeStaff, findActivePerson, findPeople, findPerson, type Person } from '../accounts/index.js';
import { findBody } from '../entities/index.js';
import { findPublishedAsset, type AssetRef } from './asset.js';
import { deskConfig, type DeskConfig } from './config.js';
import { DeskAttachment, DeskEvent, DeskMessage, DeskRequest, KbArticle, type DeskEventKind } from './models.js';
import { newRequestAudience, notifyAssignee, notifyNewRequest, notifyRequester, notifySlaWarning, type ReplyInfo, type SlaWarning } from './notify.js';
import { assertCanOpenRequestFor, assertCanReply, assertCanSeeRequest, assertStaff, canSeeInternal, isAssignableRole } from './policy.js';
import { assignSchema, bulkAssignSchema, classifySchema, messageSchema, recordedRequestSchema, requestSchema, transitionSchema, type RequestInput } from './schemas.js';
import { clockRuns, computeSla, type SlaHistoryEntry, type SlaResult } from './sla.js';
import {
  availableTransitions,
  findTransition,
  isDueForAutoClose,
  nextStateOnBodyReply,
  TRANSITIONS,
  type ActorKind,
  type RequestChannel,
  type RequestState,
  type TransitionAction,
} from './states.js';
import { sendSurvey, surveysOf, withdrawSurveys } from './survey.js';

export const MAX_FILES = 10;
/** The author of the system's changes, stored as a Message so that the history names it in the reader's language. */
export const SYSTEM_NAME = msg('desk:history.system');

export type UploadedFile = FileSource;

/**
/**
 * More work inside the transaction of a new request or message (an e-mail's processing record, its
 * quarantine item handled): when it throws, nothing of the request or message is saved.
 */
export type Within = (transaction: Transaction, created: { requestId: number; messageId: number | null }) => Promise<void>;

/**
 * One change in progress: its transaction, instant, author (null for the system) and the desk's
 * configuration, read before the transaction began: nothing inside a transaction may use a second
 * pooled connection (under load every connection is held by a transaction waiting for one).
 */
type Change = { transaction: Transaction; at: Date; actor: Actor | null; config: DeskConfig };

const actorName = (actor: Actor | null) => (actor ? actor.name || actor.email : SYSTEM_NAME);

// A history line is written on every change of a request: one prepared statement, no model instance.
const ADD_EVENT = hot('INSERT INTO desk_events (request_id, at, actor_id, actor_name, kind, from_value, to_value, action) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)');

async function addEvent(ch: Change, requestId: number, kind: DeskEventKind, from: string | null, to: string | null, action: string | null = null): Promise<void> {
  await DeskEvent.sequelize!.query(ADD_EVENT, {
    bind: [requestId, ch.at, ch.actor?.userId ?? null, actorName(ch.actor), kind, from, to, action],
    type: QueryTypes.INSERT,
    transaction: ch.transaction,
  });
}

/** Moves the request along the transitions table, recording who and when. */
async function moveTo(ch: Change, request: DeskRequest, to: RequestState, kind: ActorKind, action?: TransitionAction): Promise<void> {
  const from = request.state;
  const rule = action
    ? TRANSITIONS.find((t) => t.action === action && t.to === to && t.from.includes(from) && t.actors.includes(kind))
    : findTransition(from, to, kind);
  if (!rule) throw new ConflictError(msg('desk:error.transitionRefused', { from: `desk:state.${from}`, to: `desk:state.${to}` }));
  request.state = to;
  if (to === 'resolved') request.resolvedAt = ch.at;
  if (to === 'closed') request.closedAt = ch.at;
  if (from === 'closed') request.closedAt = null;
  request.lastActivityAt = ch.at;
  await addEvent(ch, request.id, 'state', from, to, rule.action);
}

// ---- SLA ----

export async function loadHistory(requestIds: number[], transaction?: Transaction): Promise<Map<number, SlaHistoryEntry[]>> {
  const byRequest = new Map<number, SlaHistoryEntry[]>(requestIds.map((id) => [id, []]));
  if (!requestIds.length) return byRequest;
  const events = await DeskEvent.findAll({
    attributes: ['requestId', 'at', 'toValue'],
    where: { requestId: { [Op.in]: requestIds }, kind: { [Op.in]: ['created', 'state'] } },
    order: [['requestId', 'ASC'], ['at', 'ASC'], ['id', 'ASC']],
    transaction,
  });
  for (const e of events) byRequest.get(e.requestId)?.push({ at: e.at, state: e.toValue as RequestState });
  return byRequest;
}

export function slaOf(request: DeskRequest, history: SlaHistoryEntry[], config: DeskConfig, now: Date): SlaResult {
  return computeSla({
    createdAt: request.createdAt,
    history,
    firstResponseAt: request.firstResponseAt ?? null,
    targets: config.settings.slaTargets[request.category],
    now,
    calendar: config.calendar,
    warningRatio: config.settings.warningRatio,
  });
}

/** Recomputes the stored SLA figures of a request from its history (does not save). */
export function applySla(request: DeskRequest, history: SlaHistoryEntry[], config: DeskConfig, now: Date): SlaResult {
  const sla = slaOf(request, history, config, now);
  request.firstResponseDueAt = sla.firstResponse.dueAt;
  request.resolutionDueAt = sla.resolution.dueAt;
  request.firstResponseMinutes = request.firstResponseAt ? round2(sla.firstResponse.elapsedMinutes) : null;
  request.firstResponseMet = sla.firstResponse.met;
  const done = request.state === 'resolved' || request.state === 'closed';
  request.resolutionMinutes = done ? round2(sla.resolution.elapsedMinutes) : null;
  request.resolutionMet = done ? sla.resolution.met : null;
  return sla;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function refreshSla(request: DeskRequest, ch: Change, config: DeskConfig): Promise<void> {
  const history = (await loadHistory([request.id], ch.transaction)).get(request.id) ?? [];
  applySla(request, history, config, ch.at);
  await request.save({ transaction: ch.transaction });
}

// ---- attachments ----

async function storeFiles(platform: Platform, ch: Change, requestId: number, messageId: number | null, internal: boolean, files: UploadedFile[]): Promise<string[]> {
  if (files.length > MAX_FILES) throw new ValidationError({ attachments: msg('desk:error.tooManyFiles', { max: MAX_FILES }) });
  const names: string[] = [];
  for (const f of files) {
    const stored = await platform.files.save({ ...f, uploadedBy: ch.actor?.userId ?? null }, ch.transaction);
    await DeskAttachment.create({ requestId, messageId, fileId: stored.id, internal, uploadedBy: ch.actor?.userId ?? null }, { transaction: ch.transaction });
    names.push(stored.originalName);
  }
  return names;
}

// ---- opening ----

export async function resolveAsset(slug: string | null): Promise<AssetRef | null> {
  if (!slug) return null;
  const asset = await findPublishedAsset(slug);
  if (!asset) throw new ValidationError({ asset: msg('desk:error.assetNotFound') });
  return asset;
}

/** Checks a new request's fields (the first step of the form) without saving anything. */
export async function checkRequestDraft(platform: Platform, actor: Actor, input: unknown) {
  const data = parseInput(requestSchema, input);
  assertCanOpenRequestFor(actor, data.entityId);
  const asset = await resolveAsset(data.asset);
  return { data, asset };
}

type NewRequest = {
  entityId: number;
  requesterId: number | null;
  category: RequestInput['category'];
  priority: RequestInput['priority'];
  subject: string;
  description: string;
  channel: RequestChannel;
  recordedBy: number | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
};

/** Saves a new request with its history line, files, SLA figures, audit and the supervisors' mail, in one transaction. */
async function insertRequest(platform: Platform, actor: Actor, fields: NewRequest, asset: AssetRef | null, files: UploadedFile[], requesterName: string, now: Date, within?: Within): Promise<DeskRequest> {
  const config = await deskConfig(platform.sequelize);
  // Read before the transaction, like the configuration: from the caches (the admins and the body),
  // or one statement for the supervisors the desk names, never a second connection inside it.
  const audience = await newRequestAudience(config.settings, fields.entityId);
  return platform.sequelize.transaction(async (transaction) => {
    const ch: Change = { transaction, at: now, actor, config };
    const request = DeskRequest.build({
      ...fields,
      state: 'new',
      assetId: asset?.id ?? null,
      assetSlug: asset?.slug ?? null,
      assetName: asset?.name ?? null,
      lastActivityAt: now,
      createdAt: now,
    });
    // Its whole history is the creation line written below: the SLA figures go in with the row,
    // instead of reading that line back and updating the row.
    applySla(request, [{ at: now, state: 'new' }], config, now);
    await request.save({ transaction });
    await addEvent(ch, request.id, 'created', null, 'new');
    const names = await storeFiles(platform, ch, request.id, null, false, files);
    await within?.(transaction, { requestId: request.id, messageId: null });
    await platform.audit.record(
      actor,
      {
        action: 'desk.request-created',
        subjectType: 'desk_request',
        subjectId: request.id,
        entityId: fields.entityId,
        details: { category: fields.category, priority: fields.priority, attachments: names.length, asset: asset?.slug ?? null, channel: fields.channel },
      },
      transaction,
    );
    await platform.mail.together(transaction, () => notifyNewRequest(platform, transaction, audience, request, requesterName));
    return request;
  });
}

export async function createRequest(
  platform: Platform,
  actor: Actor,
  input: unknown,
  files: UploadedFile[],
  now = new Date(),
  opts: { channel?: RequestChannel; within?: Within } = {},
): Promise<DeskRequest> {
  const data = parseInput(requestSchema, input);
  const entityId = assertCanOpenRequestFor(actor, data.entityId);
  const asset = await resolveAsset(data.asset);
  const fields: NewRequest = {
    entityId,
    requesterId: actor.userId,
    category: data.category,
    priority: data.priority,
    subject: data.subject,
    description: data.description,
    channel: opts.channel ?? 'portale',
    recordedBy: null,
    contactName: null,
    contactEmail: null,
    contactPhone: null,
  };
  return insertRequest(platform, actor, fields, asset, files, actorName(actor), now, opts.within);
}

/**
 * Staff record a request for a body, taken by phone, e-mail, at the counter or in a meeting: the
 * requester is an active user of that body, or a named person of the body without an account.
 * The body then sees it like one of its own.
 */
export async function recordRequest(platform: Platform, actor: Actor, input: unknown, files: UploadedFile[], now = new Date(), within?: Within): Promise<DeskRequest> {
  assertStaff(actor, 'desk.record-request');
  const data = parseInput(recordedRequestSchema, input);
  const entityId = data.entityId!;
  const body = await findBody(entityId);
  if (!body) throw new ValidationError({ entityId: msg('desk:error.entityMissing') });
  let requester: Person | null = null;
  if (data.requesterId !== null) {
    requester = await findActivePerson(data.requesterId);
    if (!requester || requester.entityId !== entityId) throw new ValidationError({ requesterId: msg('desk:error.requesterNotOfBody') });
  }
  const asset = await resolveAsset(data.asset);
  const fields: NewRequest = {
    entityId,
    requesterId: requester?.id ?? null,
    category: data.category,
    priority: data.priority,
    subject: data.subject,
    description: data.description,
    channel: data.channel,
    recordedBy: actor.userId,
    contactName: requester ? null : data.contactName,
    contactEmail: requester ? null : data.contactEmail,
    contactPhone: requester ? null : data.contactPhone,
  };
  return insertRequest(platform, actor, fields, asset, files, requester ? requester.name || requester.email : data.contactName!, now, within);
}

// ---- reading ----

export type AttachmentRow = { id: number; messageId: number | null; internal: boolean; name: string; size: number; mime: string };

export async function findVisibleRequest(viewer: Viewer, id: number): Promise<DeskRequest> {
  const request = await DeskRequest.findByPk(id);
  assertCanSeeRequest(viewer, request);
  return request!;
}

const ENTITY_OF = hot('SELECT entity_id AS "entityId" FROM desk_requests WHERE id = $1');

/** Whether the viewer may see the request (404 otherwise), read by its body alone: the check before an upload is accepted. */
export async function assertRequestVisible(viewer: Viewer, id: number): Promise<void> {
  const [row] = await DeskRequest.sequelize!.query<{ entityId: number }>(ENTITY_OF, { bind: [id], type: QueryTypes.SELECT });
  assertCanSeeRequest(viewer, row ?? null);
}

export async function assignableStaff(): Promise<Array<{ id: number; name: string; email: string }>> {
  return (await activeStaff()).map((u) => ({ id: u.id, name: u.name, email: u.email }));
}

export async function getRequestView(platform: Platform, viewer: Viewer, id: number, now = new Date()) {
  const request = await findVisibleRequest(viewer, id);
  const staff = canSeeInternal(viewer);
  const config = await deskConfig(platform.sequelize);
  const [entity, people, messages, attachments, events, history] = await Promise.all([
    findBody(request.entityId),
    findPeople([request.requesterId, request.assigneeId, request.recordedBy ?? null].filter((v): v is number => v !== null)),
    DeskMessage.findAll({ where: staff ? { requestId: id } : { requestId: id, internal: false }, order: [['createdAt', 'ASC'], ['id', 'ASC']] }),
    platform.sequelize.query<AttachmentRow>(
      `SELECT a.id, a.message_id AS "messageId", a.internal, f.original_name AS name, f.size, f.mime
         FROM desk_attachments a JOIN stored_files f ON f.id = a.file_id
        WHERE a.request_id = :id ${staff ? '' : 'AND NOT a.internal'} ORDER BY a.id`,
      { replacements: { id }, type: QueryTypes.SELECT },
    ),
    DeskEvent.findAll({ where: { requestId: id }, order: [['at', 'ASC'], ['id', 'ASC']] }),
    loadHistory([id]),
  ]);
  const sla = slaOf(request, history.get(id) ?? [], config, now);
  const person = (uid: number | null) => people.find((p) => p.id === uid) ?? null;
  const extra = staff
    ? {
        staffOptions: await assignableStaff(),
        transitions: availableTransitions(request.state, 'staff').filter((t) => t.action !== 'assign' || request.assigneeId),
        surveys: await surveysOf(id),
        articles: await KbArticle.findAll({ attributes: ['id', 'slug', 'title', 'status'], where: { sourceRequestId: id }, order: [['id', 'ASC']] }),
      }
    : { staffOptions: [], transitions: [], surveys: [], articles: [] };
  return {
    request,
    entity,
    requester: person(request.requesterId),
    assignee: person(request.assigneeId),
    recorder: person(request.recordedBy ?? null),
    messages,
    requestAttachments: attachments.filter((a) => a.messageId === null),
    attachmentsByMessage: groupBy(attachments.filter((a) => a.messageId !== null), (a) => a.messageId!),
    events,
    sla,
    targets: config.settings.slaTargets[request.category],
    staff,
    canReply: request.state !== 'closed',
    ...extra,
  };
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

/** An attachment the viewer may download: the request is theirs (or they are staff); internal ones for staff only. */
export async function findAttachment(platform: Platform, viewer: Viewer, requestId: number, attachmentId: number) {
  const request = await findVisibleRequest(viewer, requestId);
  const attachment = await DeskAttachment.findOne({ where: { id: attachmentId, requestId: request.id } });
  if (!attachment || (attachment.internal && !canSeeInternal(viewer))) throw new NotFoundError(msg('desk:error.attachmentNotFound'));
  const meta = await platform.files.meta(attachment.fileId);
  if (!meta) throw new NotFoundError(msg('desk:error.attachmentNotFound'));
  return meta;
}

// ---- the thread ----

export async function postMessage(platform: Platform, actor: Actor, id: number, input: unknown, files: UploadedFile[], now = new Date(), within?: Within) {
  const config = await deskConfig(platform.sequelize);
  return platform.sequelize.transaction(async (transaction) => {
    // Read once, locked: who may reply is decided on the row the reply then changes.
    const found = await DeskRequest.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    assertCanReply(actor, found);
    const request = found!;
    const data = parseInput(messageSchema, input);
    const staff = isStaff(actor);
    if (!staff && (data.internal || data.then)) {
      throw new ForbiddenError(msg('desk:error.bodyInternal'), 'desk.body-internal');
    }
    const ch: Change = { transaction, at: now, actor, config };
    const fromState = request.state;
    const previousAssignee = request.assigneeId;
    const repliedBefore = request.firstResponseAt !== null;
    if (!data.internal) {
      if (!staff) {
        const outcome = nextStateOnBodyReply(request.state);
        if (!outcome.ok) throw new ConflictError(outcome.message, 'body');
      } else if (request.state === 'closed') {
        throw new ConflictError(msg('desk:error.closedForStaff'), 'body');
      }
    }
    const message = await DeskMessage.create(
      { requestId: id, authorId: actor.userId, authorName: actorName(actor), side: staff ? 'staff' : 'body', internal: data.internal, body: data.body, createdAt: now },
      { transaction },
    );
    const names = await storeFiles(platform, ch, id, message.id, data.internal, files);
    await within?.(transaction, { requestId: id, messageId: message.id });
    if (!data.internal) {
      request.messageCount += 1;
      request.lastActivityAt = now;
    }
    if (!staff) {
      const outcome = nextStateOnBodyReply(request.state);
      if (outcome.ok && outcome.next) await moveTo(ch, request, outcome.next, 'body', 'requester_reply');
    } else if (!data.internal) {
      request.firstResponseAt ??= now;
      if (request.state === 'new') {
        if (!request.assigneeId) {
          request.assigneeId = actor.userId;
          await addEvent(ch, id, 'assignee', null, actorName(actor));
        }
        await moveTo(ch, request, 'assigned', 'staff', 'assign');
      }
      if (request.state === 'assigned') await moveTo(ch, request, 'in_progress', 'staff', 'start');
    }
    if (data.then && data.then !== request.state) {
      if (!findTransition(request.state, data.then, 'staff')) {
        throw new ConflictError(msg('desk:error.transitionRefused', { from: `desk:state.${request.state}`, to: `desk:state.${data.then}` }), 'then');
      }
      await afterStaffMove(platform, ch, request, data.then);
    }
    // The stored SLA figures follow from the state history and the first response: a reply that
    // changes neither, on a running clock (whose due instants do not move), leaves them as they are,
    // without reading the history again.
    if (request.state !== fromState || !repliedBefore || !clockRuns(request.state)) await refreshSla(request, ch, config);
    else await request.save({ transaction });
    await platform.audit.record(
      actor,
      { action: data.internal ? 'desk.note-added' : 'desk.reply-posted', subjectType: 'desk_request', subjectId: id, entityId: request.entityId, details: { messageId: message.id, attachments: names.length, from: fromState, to: request.state } },
      transaction,
    );
    const reply: ReplyInfo = { authorName: actorName(actor), text: data.body, attachmentNames: names, internal: data.internal, side: staff ? 'staff' : 'body' };
    await platform.mail.together(transaction, async () => {
      await notifyRequester(platform, transaction, request, { reply, fromState }, actor.userId);
      if (previousAssignee === request.assigneeId) await notifyAssignee(platform, transaction, request, { kind: 'message', reply }, actor.userId);
    });
    return { request, message };
  });
}

/** A staff move plus its side effects: the survey on closing, its withdrawal on reopening. */
async function afterStaffMove(platform: Platform, ch: Change, request: DeskRequest, to: RequestState, action?: TransitionAction): Promise<void> {
  const from = request.state;
  await moveTo(ch, request, to, 'staff', action);
  if (to === 'closed') await sendSurvey(platform, ch.transaction, ch.config.settings, request);
  if (to === 'in_progress' && (from === 'closed' || from === 'resolved')) await withdrawSurveys(platform, request.id, ch.transaction);
}

// ---- states, assignment, classification (staff) ----

export async function changeState(platform: Platform, actor: Actor, id: number, input: unknown, now = new Date()): Promise<DeskRequest> {
  assertStaff(actor, 'desk.state');
  const { action } = parseInput(transitionSchema, input);
  assertCanSeeRequest(actor, await DeskRequest.findByPk(id));
  // Waiting for the requester stops the SLA: only a reply that asks the question may do it (postMessage with then=waiting).
  if (action === 'ask_requester') throw new ValidationError({}, msg('desk:error.askWithQuestion'));
  const config = await deskConfig(platform.sequelize);
  const rule = TRANSITIONS.find((t) => t.action === action && t.actors.includes('staff'))!;
  return platform.sequelize.transaction(async (transaction) => {
    const ch: Change = { transaction, at: now, actor, config };
    const request = (await DeskRequest.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE }))!;
    const fromState = request.state;
    if (!rule.from.includes(request.state)) {
      throw new ConflictError(msg('desk:error.actionRefused', { state: `desk:state.${request.state}`, action: `desk:action.${rule.action}` }));
    }
    if (action === 'assign' && !request.assigneeId) throw new ConflictError(msg('desk:error.assignFirst'));
    await afterStaffMove(platform, ch, request, rule.to, action);
    await refreshSla(request, ch, config);
    await platform.audit.record(actor, { action: 'desk.state-changed', subjectType: 'desk_request', subjectId: id, entityId: request.entityId, details: { from: fromState, to: request.state, action } }, transaction);
    await notifyRequester(platform, transaction, request, { reply: null, fromState }, actor.userId);
    return request;
  });
}

async function findAssignee(assigneeId: number, transaction?: Transaction): Promise<Person> {
  const user = await findPerson(assigneeId, { transaction });
  if (!user || user.status !== 'active' || !isAssignableRole(user.role)) throw new ValidationError({ assigneeId: msg('desk:error.assigneeInactive') });
  return user;
}

/** Assigns inside a change; false when nothing changed. */
async function assignIn(platform: Platform, ch: Change, request: DeskRequest, assignee: Person): Promise<boolean> {
  if (request.state === 'closed') throw new ConflictError(msg('desk:error.closedForAssign', { id: request.id }));
  if (request.assigneeId === assignee.id && request.state !== 'new') return false;
  const fromState = request.state;
  const previous = await findPerson(request.assigneeId, { transaction: ch.transaction });
  if (request.assigneeId !== assignee.id) {
    request.assigneeId = assignee.id;
    await addEvent(ch, request.id, 'assignee', previous ? previous.name || previous.email : null, assignee.name || assignee.email);
  }
  if (request.state === 'new') await moveTo(ch, request, 'assigned', 'staff', 'assign');
  await platform.audit.record(ch.actor, { action: 'desk.assigned', subjectType: 'desk_request', subjectId: request.id, entityId: request.entityId, details: { assigneeId: assignee.id } }, ch.transaction);
  await notifyAssignee(platform, ch.transaction, request, { kind: 'assigned', byName: actorName(ch.actor) }, ch.actor?.userId ?? null);
  await notifyRequester(platform, ch.transaction, request, { reply: null, fromState }, ch.actor?.userId ?? null);
  return true;
}

export async function assignRequest(platform: Platform, actor: Actor, id: number, input: unknown, now = new Date()): Promise<DeskRequest> {
  assertStaff(actor, 'desk.assign');
  assertCanSeeRequest(actor, await DeskRequest.findByPk(id));
  const { assigneeId } = parseInput(assignSchema, input);
  const assignee = await findAssignee(assigneeId);
  const config = await deskConfig(platform.sequelize);
  return platform.sequelize.transaction(async (transaction) => {
    const ch: Change = { transaction, at: now, actor, config };
    const request = (await DeskRequest.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE }))!;
    if (await assignIn(platform, ch, request, assignee)) await refreshSla(request, ch, config);
    return request;
  });
}

/** Assigns several requests at once; closed ones are skipped and counted. */
export async function bulkAssign(platform: Platform, actor: Actor, input: unknown, now = new Date()): Promise<{ assigned: number; skipped: number; assignee: Person }> {
  assertStaff(actor, 'desk.bulk-assign');
  const { ids, assigneeId } = parseInput(bulkAssignSchema, input);
  const assignee = await findAssignee(assigneeId);
  const config = await deskConfig(platform.sequelize);
  return platform.sequelize.transaction(async (transaction) => {
    const ch: Change = { transaction, at: now, actor, config };
    const requests = await DeskRequest.findAll({ where: { id: { [Op.in]: [...new Set(ids)] } }, order: [['id', 'ASC']], transaction, lock: transaction.LOCK.UPDATE });
    let assigned = 0;
    let skipped = ids.length - requests.length;
    for (const request of requests) {
      if (request.state === 'closed') {
        skipped++;
        continue;
      }
      if (await assignIn(platform, ch, request, assignee)) {
        await refreshSla(request, ch, config);
        assigned++;
      }
    }
    return { assigned, skipped, assignee };
  });
}

export async function classifyRequest(platform: Platform, actor: Actor, id: number, input: unknown, now = new Date()): Promise<DeskRequest> {
  assertStaff(actor, 'desk.classify');
  assertCanSeeRequest(actor, await DeskRequest.findByPk(id));
  const data = parseInput(classifySchema, input);
  const config = await deskConfig(platform.sequelize);
  return platform.sequelize.transaction(async (transaction) => {
    const ch: Change = { transaction, at: now, actor, config };
    const request = (await DeskRequest.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE }))!;
    const changed: string[] = [];
    if (data.category !== request.category) {
      // Codes, not names: the history shows them in the reader's language.
      await addEvent(ch, id, 'category', request.category, data.category);
      request.category = data.category;
      changed.push('category');
    }
    if (data.priority !== request.priority) {
      await addEvent(ch, id, 'priority', request.priority, data.priority);
      request.priority = data.priority;
      changed.push('priority');
    }
    if (changed.length) {
      await refreshSla(request, ch, config);
      await platform.audit.record(actor, { action: 'desk.classified', subjectType: 'desk_request', subjectId: id, entityId: request.entityId, details: { ...data, changed } }, transaction);
    }
    return request;
  });
}

// ---- jobs ----

/**
 * Closes resolved requests after the configured number of business days without a reply, as of
 * `now`; `ids` limits the run to those requests (a test closes its own and nobody else's).
 */
export async function autoCloseDue(platform: Platform, opts: { now?: Date; ids?: readonly number[] } = {}): Promise<number[]> {
  const now = opts.now ?? new Date();
  const config = await deskConfig(platform.sequelize);
  const days = config.settings.autoCloseBusinessDays;
  // n business days are at least n calendar days: a cheap, indexed first cut.
  const candidates = await DeskRequest.findAll({
    attributes: ['id', 'state', 'resolvedAt'],
    where: { state: 'resolved', resolvedAt: { [Op.lte]: new Date(now.getTime() - days * 86_400_000) }, ...(opts.ids ? { id: [...opts.ids] } : {}) },
    order: [['resolvedAt', 'ASC']],
    limit: 500,
  });
  const closed: number[] = [];
  for (const c of candidates) {
    if (!c.resolvedAt || !isDueForAutoClose({ state: c.state, resolvedAt: c.resolvedAt, now, calendar: config.calendar, afterBusinessDays: days })) continue;
    const done = await platform.sequelize.transaction(async (transaction) => {
      const ch: Change = { transaction, at: now, actor: null, config };
      const request = await DeskRequest.findByPk(c.id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!request || request.state !== 'resolved') return false;
      await moveTo(ch, request, 'closed', 'system', 'auto_close');
      await sendSurvey(platform, transaction, config.settings, request);
      await refreshSla(request, ch, config);
      await platform.audit.record(null, { action: 'desk.auto-closed', subjectType: 'desk_request', subjectId: request.id, entityId: request.entityId, details: { businessDays: days } }, transaction);
      await notifyRequester(platform, transaction, request, { reply: null, fromState: 'resolved' }, null);
      return true;
    });
    if (done) closed.push(c.id);
  }
  return closed;
}

/**
 * Warns the assignee and the supervisors once per clock and due time when a running clock has used
 * the warning share of its target. For a running clock the stored due time is exact, so the business
 * time left is simply the business time between now and then.
 */
export async function slaCheck(platform: Platform, now = new Date()): Promise<Array<{ requestId: number; recipients: string[] }>> {
  const config = await deskConfig(platform.sequelize);
  const horizon = new Date(now.getTime() + 21 * 86_400_000);
  const candidates = await DeskRequest.findAll({
    where: {
      state: { [Op.in]: ['new', 'assigned', 'in_progress'] },
      [Op.or]: [
        { firstResponseAt: null, firstResponseDueAt: { [Op.gt]: now, [Op.lte]: horizon } },
        { resolutionDueAt: { [Op.gt]: now, [Op.lte]: horizon } },
      ],
    },
    order: [['id', 'ASC']],
    limit: 2000,
  });
  const sent: Array<{ requestId: number; recipients: string[] }> = [];
  for (const r of candidates) {
    const targets = config.settings.slaTargets[r.category];
    const warnings: SlaWarning[] = [];
    const consider = (clock: SlaWarning['clock'], due: Date | null, target: number) => {
      if (!due || due <= now) return;
      const remaining = config.calendar.businessMinutesBetween(now, due);
      if (target - remaining >= target * config.settings.warningRatio) warnings.push({ clock, dueAt: due, remainingMinutes: remaining });
    };
    if (!r.firstResponseAt) consider('first_response', r.firstResponseDueAt, targets.firstResponseMinutes);
    consider('resolution', r.resolutionDueAt, targets.resolutionMinutes);
    if (!warnings.length) continue;
    const recipients = await platform.sequelize.transaction(async (transaction) => {
      const fresh: SlaWarning[] = [];
      for (const w of warnings) {
        const [rows] = await platform.sequelize.query(
          `INSERT INTO desk_sla_alerts (request_id, clock, due_at) VALUES (:id, :clock, :due) ON CONFLICT DO NOTHING RETURNING request_id`,
          { replacements: { id: r.id, clock: w.clock, due: w.dueAt }, transaction },
        );
        if ((rows as unknown[]).length) fresh.push(w);
      }
      if (!fresh.length) return null;
      const emails = await notifySlaWarning(platform, transaction, config.settings, r, fresh);
      await platform.audit.record(null, { action: 'desk.sla-warning', subjectType: 'desk_request', subjectId: r.id, entityId: r.entityId, details: { clocks: fresh.map((w) => w.clock), recipients: emails.length } }, transaction);
      return emails;
    });
    if (recipients) sent.push({ requestId: r.id, recipients });
  }
  return sent;
}

/** Recomputes the stored SLA figures of every request still counting (after a change of calendar or targets). */
export async function recomputeOpenSla(platform: Platform, now = new Date()): Promise<number> {
  const config = await deskConfig(platform.sequelize);
  let lastId = 0;
  let count = 0;
  for (;;) {
    const batch = await DeskRequest.findAll({ where: { id: { [Op.gt]: lastId }, state: { [Op.in]: ['new', 'assigned', 'in_progress', 'waiting'] } }, order: [['id', 'ASC']], limit: 500 });
    if (!batch.length) return count;
    const history = await loadHistory(batch.map((r) => r.id));
    await platform.sequelize.transaction(async (transaction) => {
      for (const r of batch) {
        applySla(r, history.get(r.id) ?? [], config, now);
        if (r.changed()) await r.save({ transaction, silent: true });
      }
    });
    count += batch.length;
    lastId = batch[batch.length - 1].id;
  }
}
