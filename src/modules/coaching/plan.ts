// A body's improvement plan: goals (from the gaps of an assessment, or written by hand) and actions
// with an owner (a user of the body or a coach), a due day, a status and a %, each change kept in
// the action's history. Other areas create actions through createPlanActionFrom (index.ts).
import type { Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { formatters } from '../../platform/format.js';
import { messageTranslator } from '../../platform/i18n.js';
import { msg, type Message } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findPerson } from '../accounts/index.js';
import { todayInRome } from '../tenders/index.js';
import { goalProgress, isOverdue, referenceLabel, type ActionStatus } from './core.js';
import { assertCanSee, assertCanWork, canSeeBodyCoaching, canWorkOnBody, isValidOwner } from './policy.js';
import { requireBody } from './assessments.js';
import { actionSchema, externalActionSchema, goalSchema } from './schemas.js';
import { exec, one, rows } from './sql.js';

export type ActionView = {
  id: number;
  goalId: number | null;
  title: string;
  ownerId: number | null;
  ownerName: string | null;
  dueOn: string | null;
  status: ActionStatus;
  progress: number;
  overdue: boolean;
  source: { kind: string; id: string; label: string; href: string } | null;
  updatedAt: Date;
};
export type GoalView = { id: number; title: string; description: string | null; questionCode: string | null; refLabel: Message | null; createdAt: Date; progress: number | null; actions: ActionView[] };

type ActionRow = {
  id: number; goal_id: number | null; title: string; owner_user_id: number | null; owner_name: string | null; due_on: string | null; status: ActionStatus; progress: number;
  source_kind: string | null; source_id: string | null; source_label: string | null; source_href: string | null; updated_at: Date;
};

const ACTION_SQL = `SELECT x.id, x.goal_id, x.title, x.owner_user_id, COALESCE(NULLIF(u.name, ''), u.email) AS owner_name, x.due_on, x.status, x.progress,
  x.source_kind, x.source_id, x.source_label, x.source_href, x.updated_at
  FROM coaching_actions x LEFT JOIN users u ON u.id = x.owner_user_id`;

const actionView = (r: ActionRow, today: string): ActionView => ({
  id: r.id,
  goalId: r.goal_id,
  title: r.title,
  ownerId: r.owner_user_id,
  ownerName: r.owner_name,
  dueOn: r.due_on,
  status: r.status,
  progress: r.status === 'done' ? 100 : r.progress,
  overdue: isOverdue({ status: r.status, dueOn: r.due_on }, today),
  source: r.source_kind ? { kind: r.source_kind, id: r.source_id!, label: r.source_label!, href: r.source_href! } : null,
  updatedAt: r.updated_at,
});

export async function loadPlan(platform: Platform, entityId: number): Promise<{ goals: GoalView[]; loose: ActionView[]; progress: number | null; overdue: number }> {
  const today = todayInRome();
  const goals = await rows<{ id: number; title: string; description: string | null; question_code: string | null; ref_kind: string | null; ref_code: string | null; created_at: Date }>(
    platform,
    `SELECT id, title, description, question_code, ref_kind, ref_code, created_at FROM coaching_goals WHERE entity_id = :entityId ORDER BY id`,
    { entityId },
  );
  const actions = (await rows<ActionRow>(platform, `${ACTION_SQL} WHERE x.entity_id = :entityId ORDER BY x.due_on NULLS LAST, x.id`, { entityId })).map((r) => actionView(r, today));
  const views = goals.map((g) => {
    const own = actions.filter((a) => a.goalId === g.id);
    return { id: g.id, title: g.title, description: g.description, questionCode: g.question_code, refLabel: referenceLabel(g.ref_kind, g.ref_code), createdAt: g.created_at, progress: goalProgress(own), actions: own };
  });
  return { goals: views, loose: actions.filter((a) => a.goalId === null), progress: goalProgress(actions), overdue: actions.filter((a) => a.overdue).length };
}

/** The people an action of the body may be given to: its users and the centre's staff. */
export async function ownerOptions(platform: Platform, entityId: number) {
  return rows<{ id: number; name: string; role: string }>(
    platform,
    `SELECT id, COALESCE(NULLIF(name, ''), email) AS name, role FROM users
      WHERE status = 'active' AND ((entity_id = :entityId AND role IN ('member','rtd','referent')) OR role IN ('staff','admin'))
      ORDER BY role IN ('staff','admin'), name LIMIT 500`,
    { entityId },
  );
}

export async function planPage(platform: Platform, viewer: Viewer, entityId: number) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const plan = await loadPlan(platform, entityId);
  const canEdit = canWorkOnBody(viewer, entityId);
  return { body, ...plan, canEdit, owners: canEdit ? await ownerOptions(platform, entityId) : [] };
}

export async function createGoal(platform: Platform, actor: Actor, entityId: number, input: unknown): Promise<number> {
  assertCanWork(actor, entityId);
  const data = parseInput(goalSchema, input);
  await requireBody(entityId);
  return platform.sequelize.transaction(async (transaction) => {
    const g = await one<{ id: number }>(
      platform,
      `INSERT INTO coaching_goals (entity_id, title, description, ref_kind, ref_code, created_by) VALUES (:entityId, :title, :description, :refKind, :refCode, :by) RETURNING id`,
      { entityId, title: data.title, description: data.description, refKind: data.reference?.kind ?? null, refCode: data.reference?.code ?? null, by: actor.userId },
      transaction,
    );
    await platform.audit.record(actor, { action: 'coaching.goal.create', subjectType: 'coaching_goal', subjectId: g!.id, entityId }, transaction);
    return g!.id;
  });
}

/** Goals from the chosen gaps (question ids) of an assessment: one goal and a first action each. */
export async function goalsFromGaps(platform: Platform, actor: Actor, entityId: number, assessmentId: number, questionIds: number[]): Promise<number> {
  assertCanWork(actor, entityId);
  if (!questionIds.length) throw new ValidationError({ questions: msg('coaching:validation.pickGaps') });
  return platform.sequelize.transaction(async (transaction) => {
    const picked = await rows<{ code: string; text: string; ref_kind: string | null; ref_code: string | null }>(
      platform,
      `SELECT q.code, q.text, q.ref_kind, q.ref_code FROM coaching_answers x JOIN coaching_questions q ON q.id = x.question_id
         JOIN coaching_assessments a ON a.id = x.assessment_id
        WHERE a.id = :assessmentId AND a.entity_id = :entityId AND a.status IN ('submitted','approved') AND x.answer IN ('no','partly') AND q.id IN (:ids)
          AND NOT EXISTS (SELECT 1 FROM coaching_goals g WHERE g.entity_id = :entityId AND g.question_code = q.code)
        ORDER BY q.position`,
      { assessmentId, entityId, ids: questionIds },
      transaction,
    );
    if (!picked.length) throw new ValidationError({ questions: msg('coaching:validation.pickGaps') });
    for (const q of picked) {
      const g = await one<{ id: number }>(
        platform,
        `INSERT INTO coaching_goals (entity_id, title, question_code, ref_kind, ref_code, assessment_id, created_by)
         VALUES (:entityId, :title, :code, :refKind, :refCode, :assessmentId, :by) RETURNING id`,
        { entityId, title: q.text.slice(0, 300), code: q.code, refKind: q.ref_kind, refCode: q.ref_code, assessmentId, by: actor.userId },
        transaction,
      );
      await insertAction(platform, actor, { entityId, goalId: g!.id, title: messageTranslator('it')(msg('coaching:plan.firstAction', { code: q.code })), ownerId: null, dueOn: null, status: 'todo', progress: 0, note: null }, transaction);
    }
    await platform.audit.record(actor, { action: 'coaching.goal.fromGaps', subjectType: 'coaching_assessment', subjectId: assessmentId, entityId, details: { goals: picked.length } }, transaction);
    return picked.length;
  });
}

type ActionData = { entityId: number; goalId: number | null; title: string; ownerId: number | null; dueOn: string | null; status: ActionStatus; progress: number; note: string | null; source?: { kind: string; id: string; label: string; href: string } };

async function checkActionData(platform: Platform, data: ActionData, transaction: Transaction): Promise<void> {
  if (data.goalId !== null) {
    const goal = await one<{ created_on: string }>(
      platform,
      `SELECT (created_at AT TIME ZONE 'Europe/Rome')::date::text AS created_on FROM coaching_goals WHERE id = :goalId AND entity_id = :entityId`,
      { goalId: data.goalId, entityId: data.entityId },
      transaction,
    );
    if (!goal) throw new ValidationError({ goalId: msg('coaching:validation.goal') });
    if (data.dueOn && data.dueOn < goal.created_on) throw new ValidationError({ dueOn: msg('coaching:validation.dueBeforeGoal', { date: formatters.date(goal.created_on) }) });
  }
  if (data.ownerId !== null) {
    const owner = await findPerson(data.ownerId, { transaction });
    if (!owner || !isValidOwner(owner, data.entityId)) throw new ValidationError({ ownerId: msg('coaching:validation.owner') });
  }
}

async function insertAction(platform: Platform, actor: Actor, data: ActionData, transaction: Transaction): Promise<number> {
  await checkActionData(platform, data, transaction);
  const a = await one<{ id: number }>(
    platform,
    `INSERT INTO coaching_actions (entity_id, goal_id, title, owner_user_id, due_on, status, progress, source_kind, source_id, source_label, source_href, created_by)
     VALUES (:entityId, :goalId, :title, :ownerId, :dueOn, :status, :progress, :sk, :si, :sl, :sh, :by) RETURNING id`,
    { ...data, sk: data.source?.kind ?? null, si: data.source?.id ?? null, sl: data.source?.label ?? null, sh: data.source?.href ?? null, by: actor.userId },
    transaction,
  );
  await exec(platform, `INSERT INTO coaching_action_events (action_id, user_id, status, progress, note) VALUES (:id, :by, :status, :progress, :note)`, { id: a!.id, by: actor.userId, status: data.status, progress: data.progress, note: data.note }, transaction);
  await platform.audit.record(actor, { action: 'coaching.action.create', subjectType: 'coaching_action', subjectId: a!.id, entityId: data.entityId }, transaction);
  return a!.id;
}

export async function createAction(platform: Platform, actor: Actor, entityId: number, input: unknown): Promise<number> {
  assertCanWork(actor, entityId);
  const d = parseInput(actionSchema, input);
  await requireBody(entityId);
  return platform.sequelize.transaction((transaction) =>
    insertAction(platform, actor, { entityId, goalId: d.goalId, title: d.title, ownerId: d.ownerId, dueOn: d.dueOn, status: d.status, progress: d.status === 'done' ? 100 : (d.progress ?? 0), note: d.note }, transaction),
  );
}

export async function actionPage(platform: Platform, viewer: Viewer, entityId: number, actionId: number) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const r = await one<ActionRow>(platform, `${ACTION_SQL} WHERE x.id = :actionId AND x.entity_id = :entityId`, { actionId, entityId });
  if (!r) throw new NotFoundError('coaching:error.notFound');
  const history = await rows<{ at: Date; user_name: string | null; status: ActionStatus; progress: number; note: string | null; session_id: number | null }>(
    platform,
    `SELECT e.at, COALESCE(NULLIF(u.name, ''), u.email) AS user_name, e.status, e.progress, e.note, e.session_id
       FROM coaching_action_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.action_id = :actionId ORDER BY e.at DESC, e.id DESC LIMIT 200`,
    { actionId },
  );
  const canEdit = canWorkOnBody(viewer, entityId);
  const goals = await rows<{ id: number; title: string }>(platform, `SELECT id, title FROM coaching_goals WHERE entity_id = :entityId ORDER BY id`, { entityId });
  return { body, action: actionView(r, todayInRome()), history, canEdit, goals, owners: canEdit ? await ownerOptions(platform, entityId) : [] };
}

/** Changes an action; a change of status or % (or a note) goes into its history, with the session it came from. */
export async function updateAction(platform: Platform, actor: Actor, entityId: number, actionId: number, input: unknown, sessionId: number | null = null, transaction?: Transaction): Promise<void> {
  if (!transaction) return platform.sequelize.transaction((t) => updateAction(platform, actor, entityId, actionId, input, sessionId, t));
  assertCanWork(actor, entityId);
  const d = parseInput(actionSchema, input);
  const was = await one<{ status: string; progress: number }>(platform, `SELECT status, progress FROM coaching_actions WHERE id = :actionId AND entity_id = :entityId FOR UPDATE`, { actionId, entityId }, transaction);
  if (!was) throw new NotFoundError('coaching:error.notFound');
  const progress = d.status === 'done' ? 100 : (d.progress ?? was.progress);
  await checkActionData(platform, { entityId, goalId: d.goalId, title: d.title, ownerId: d.ownerId, dueOn: d.dueOn, status: d.status, progress, note: d.note }, transaction);
  await exec(
    platform,
    `UPDATE coaching_actions SET goal_id = :goalId, title = :title, owner_user_id = :ownerId, due_on = :dueOn, status = :status, progress = :progress, updated_at = now() WHERE id = :actionId`,
    { actionId, goalId: d.goalId, title: d.title, ownerId: d.ownerId, dueOn: d.dueOn, status: d.status, progress },
    transaction,
  );
  if (was.status !== d.status || was.progress !== progress || d.note) {
    await exec(platform, `INSERT INTO coaching_action_events (action_id, user_id, status, progress, note, session_id) VALUES (:actionId, :by, :status, :progress, :note, :sessionId)`, { actionId, by: actor.userId, status: d.status, progress, note: d.note, sessionId }, transaction);
  }
  await platform.audit.record(actor, { action: 'coaching.action.update', subjectType: 'coaching_action', subjectId: actionId, entityId, details: { status: d.status, progress, sessionId } }, transaction);
}

/** The input of createPlanActionFrom: a plan action another area creates for a body, with a link back. */
export type PlanActionFrom = {
  entityId: number;
  title: string;
  dueDate?: string | null;
  ownerUserId?: number | null;
  source: { kind: string; id: string | number; label: string; href: string };
};

/**
 * Creates the plan action of a body that another area asks for (a working group's decision, a funding
 * deadline), with a link back to where it comes from. Idempotent on (body, source kind, source id):
 * asking again returns the existing action. The actor must be staff or the body's RTD.
 */
export async function createPlanActionFrom(platform: Platform, actor: Actor, input: PlanActionFrom): Promise<{ id: number; href: string; created: boolean }> {
  const d = parseInput(externalActionSchema, input);
  if (!canSeeBodyCoaching(actor, d.entityId) && !isStaff(actor)) throw new NotFoundError('coaching:error.notFound');
  if (!canWorkOnBody(actor, d.entityId)) throw new ForbiddenError('coaching:error.rtdOnly', 'coaching.action.external');
  await requireBody(d.entityId);
  return platform.sequelize.transaction(async (transaction) => {
    const existing = await one<{ id: number }>(platform, `SELECT id FROM coaching_actions WHERE entity_id = :entityId AND source_kind = :kind AND source_id = :id`, { entityId: d.entityId, kind: d.source.kind, id: d.source.id }, transaction);
    if (existing) return { id: existing.id, href: `/affiancamento/${d.entityId}/piano/azioni/${existing.id}`, created: false };
    const id = await insertAction(
      platform,
      actor,
      { entityId: d.entityId, goalId: null, title: d.title, ownerId: d.ownerUserId ?? null, dueOn: d.dueDate ?? null, status: 'todo', progress: 0, note: null, source: d.source },
      transaction,
    );
    return { id, href: `/affiancamento/${d.entityId}/piano/azioni/${id}`, created: true };
  });
}
