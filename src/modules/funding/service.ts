// The rules of the funding area: calls, applications and projects, a body's funding. No req/res;
// every write parses its input with the area's schema first and throws the typed errors.
import { escapeLike } from '../../platform/sql.js';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { getSetting } from '../../platform/settings.js';
import { parseInput } from '../../platform/validation.js';
import { IPA_KINDS, PNRR_MEASURES } from '../../platform/vocabulary.js';
import type { Page } from '../../web/pagination.js';
import { findBody, matchBodies, type Body } from '../entities/index.js';
import { formatCents, todayInRome } from '../tenders/index.js';
import { FundingCall, FundingProject } from './models.js';
import { assertCanEditBodyFunding, assertCanManageCalls, assertCanSeeBodyFunding, canSeeNonApplicants, projectScope } from './policy.js';
import { callSchema, projectSchema } from './schemas.js';
import {
  AMOUNT_RULES,
  CALL_SOURCES,
  CALL_STATES,
  DEFAULT_THRESHOLDS,
  PROJECT_STATES,
  STAGES,
  callState,
  maxAmountFor,
  projectStages,
  rulesOf,
  worstLevel,
  type AmountBand,
  type AmountRule,
  type CallState,
  type ProjectDates,
  type ProjectState,
  type Stage,
  type Thresholds,
} from './stages.js';

export const THRESHOLDS_SETTING = 'funding_thresholds';

export const vocabulary = { CALL_SOURCES, CALL_STATES, PROJECT_STATES, AMOUNT_RULES, STAGES, IPA_KINDS, PNRR_MEASURES, formatCents };

export async function thresholds(platform: Platform): Promise<Thresholds> {
  const t = await getSetting<Partial<Thresholds>>(platform.sequelize, THRESHOLDS_SETTING, {});
  const ok = (n: unknown, d: number) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 365 ? n : d);
  return { warningDays: ok(t.warningDays, DEFAULT_THRESHOLDS.warningDays), dangerDays: ok(t.dangerDays, DEFAULT_THRESHOLDS.dangerDays) };
}

/** The state of a call in SQL, from its dates (a call of unknown dates is over: the open data lists past ones). */
const STATE_SQL = `CASE WHEN c.opens_on IS NOT NULL AND c.opens_on > :today THEN 'upcoming' WHEN c.closes_on IS NULL OR c.closes_on < :today THEN 'closed' ELSE 'open' END`;

const one = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

// ---- Calls ----

export type CallRow = {
  id: number;
  source: string;
  measure: string | null;
  title: string;
  opens_on: string | null;
  closes_on: string | null;
  budget_cents: string | null;
  state: CallState;
  applied: number;
};

export type CallFilter = { state: CallState | ''; measure: string; source: string; q: string };

export function callFilter(query: Record<string, unknown>): CallFilter {
  const state = one(query.state);
  const measure = one(query.measure);
  const source = one(query.source);
  return {
    state: (CALL_STATES as readonly string[]).includes(state) ? (state as CallState) : '',
    measure: PNRR_MEASURES.some((m) => m.code === measure) ? measure : '',
    source: (CALL_SOURCES as readonly string[]).includes(source) ? source : '',
    q: one(query.q).slice(0, 200),
  };
}

export async function listCalls(platform: Platform, query: Record<string, unknown>, page: Page): Promise<{ rows: CallRow[]; total: number; filter: CallFilter }> {
  const filter = callFilter(query);
  const where: string[] = [];
  const replacements: Record<string, unknown> = { today: todayInRome(), limit: page.perPage, offset: page.offset };
  if (filter.state) {
    where.push(`${STATE_SQL} = :state`);
    replacements.state = filter.state;
  }
  if (filter.measure) {
    where.push('c.measure = :measure');
    replacements.measure = filter.measure;
  }
  if (filter.source) {
    where.push('c.source = :source');
    replacements.source = filter.source;
  }
  if (filter.q) {
    where.push(`lower(c.title) LIKE :q`);
    replacements.q = `%${escapeLike(filter.q.toLowerCase())}%`;
  }
  const sqlWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM funding_calls c ${sqlWhere}`, { replacements, type: QueryTypes.SELECT });
  const rows = await platform.sequelize.query<CallRow>(
    `SELECT c.id, c.source, c.measure, c.title, c.opens_on, c.closes_on, c.budget_cents, ${STATE_SQL} AS state,
            (SELECT count(*)::int FROM funding_projects p WHERE p.call_id = c.id AND p.state <> 'preparing') AS applied
       FROM funding_calls c ${sqlWhere}
      ORDER BY CASE ${STATE_SQL} WHEN 'open' THEN 0 WHEN 'upcoming' THEN 1 ELSE 2 END, c.closes_on DESC NULLS LAST, c.id DESC
      LIMIT :limit OFFSET :offset`,
    { replacements, type: QueryTypes.SELECT },
  );
  return { rows, total: n, filter };
}

export type CallView = {
  id: number;
  source: string;
  measure: string | null;
  title: string;
  eligibleKinds: string[];
  eligibleText: string | null;
  opensOn: string | null;
  closesOn: string | null;
  budgetCents: number | null;
  amountRule: AmountRule;
  amountFixedCents: number | null;
  amountPercent: number | null;
  amountCapCents: number | null;
  amountBands: AmountBand[];
  firstCome: boolean;
  url: string | null;
  rules: ReturnType<typeof rulesOf>;
  origin: string;
  state: CallState;
};

function callView(c: FundingCall, today = todayInRome()): CallView {
  return {
    id: c.id,
    source: c.source,
    measure: c.measure,
    title: c.title,
    eligibleKinds: c.eligibleKinds,
    eligibleText: c.eligibleText,
    opensOn: c.opensOn,
    closesOn: c.closesOn,
    budgetCents: c.budgetCents,
    amountRule: c.amountRule,
    amountFixedCents: c.amountFixedCents,
    amountPercent: c.amountPercent,
    amountCapCents: c.amountCapCents,
    amountBands: c.amountBands,
    firstCome: c.firstCome,
    url: c.url,
    rules: rulesOf(c.rules),
    origin: c.origin,
    state: c.opensOn && c.closesOn ? callState(c.opensOn, c.closesOn, today) : c.opensOn && today < c.opensOn ? 'upcoming' : 'closed',
  };
}

export async function getCall(id: number): Promise<CallView> {
  const c = id > 0 ? await FundingCall.findByPk(id) : null;
  if (!c) throw new NotFoundError('funding:error.callNotFound');
  return callView(c);
}

export type BodyAtCall = { id: number; name: string; kind: string; population: number | null; projectId: number | null; state: ProjectState | null; amountCents: number | null; maxCents: number | null };

/** A call and the adhering bodies it concerns: those that applied and (staff only) the eligible ones that have not. */
export async function callPage(platform: Platform, viewer: Viewer, id: number) {
  const call = await getCall(id);
  const rows = await platform.sequelize.query<{ id: number; name: string; kind: string; population: number | null; project_id: number | null; state: ProjectState | null; amount_cents: string | null }>(
    `SELECT e.id, e.name, e.kind, e.population, p.id AS project_id, p.state, p.amount_cents
       FROM entities e
       LEFT JOIN LATERAL (SELECT id, state, amount_cents FROM funding_projects WHERE call_id = :id AND entity_id = e.id ORDER BY id DESC LIMIT 1) p ON true
      WHERE e.membership_status = 'active' AND (e.kind = ANY(ARRAY[:kinds]::text[]) OR p.id IS NOT NULL)
      ORDER BY e.name, e.id`,
    { replacements: { id, kinds: call.eligibleKinds.length ? call.eligibleKinds : [''] }, type: QueryTypes.SELECT },
  );
  const bodies: BodyAtCall[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    population: r.population,
    projectId: r.project_id,
    state: r.state,
    amountCents: r.amount_cents === null ? null : Number(r.amount_cents),
    maxCents: maxAmountFor(call, { population: r.population }),
  }));
  const staff = canSeeNonApplicants(viewer);
  // A body's own application is shown to its users; other bodies' applications only once submitted.
  const applied = bodies.filter((b) => b.projectId !== null && (staff || b.state !== 'preparing' || (viewer?.entityId === b.id)));
  const notApplied = staff ? bodies.filter((b) => b.projectId === null && call.eligibleKinds.includes(b.kind)) : [];
  const own = viewer?.entityId ? bodies.find((b) => b.id === viewer.entityId) ?? null : null;
  const eligibleCount = bodies.filter((b) => call.eligibleKinds.includes(b.kind)).length;
  return { call, applied, notApplied, own, eligibleCount, showNotApplied: staff };
}

async function saveCallInput(platform: Platform, actor: Actor, input: unknown, existing: FundingCall | null): Promise<FundingCall> {
  assertCanManageCalls(actor);
  const data = parseInput(callSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const values = { ...data, rules: data.rules };
    let call: FundingCall;
    if (existing) {
      call = await existing.update(values, { transaction });
    } else {
      call = await FundingCall.create({ ...values, origin: 'manual', createdBy: actor.userId }, { transaction });
    }
    await platform.audit.record(actor, { action: existing ? 'funding.call.update' : 'funding.call.create', subjectType: 'funding_call', subjectId: call.id, details: { title: call.title } }, transaction);
    return call;
  });
}

export async function createCall(platform: Platform, actor: Actor, input: unknown): Promise<FundingCall> {
  return saveCallInput(platform, actor, input, null);
}

export async function updateCall(platform: Platform, actor: Actor, id: number, input: unknown): Promise<FundingCall> {
  assertCanManageCalls(actor);
  const existing = await FundingCall.findByPk(id);
  if (!existing) throw new NotFoundError('funding:error.callNotFound');
  return saveCallInput(platform, actor, input, existing);
}

/** The calls for the application form's select, open ones first. */
export async function callOptions(platform: Platform): Promise<Array<{ id: number; title: string; state: CallState }>> {
  return platform.sequelize.query(
    `SELECT c.id, c.title, ${STATE_SQL} AS state FROM funding_calls c
      ORDER BY CASE ${STATE_SQL} WHEN 'open' THEN 0 WHEN 'upcoming' THEN 1 ELSE 2 END, c.closes_on DESC NULLS LAST, c.title LIMIT 500`,
    { replacements: { today: todayInRome() }, type: QueryTypes.SELECT },
  );
}

// ---- Projects ----

type ProjectSqlRow = {
  id: number;
  entity_id: number;
  entity_name: string;
  entity_ipa: string;
  call_id: number;
  call_title: string;
  measure: string | null;
  rules: Record<string, number>;
  title: string | null;
  amount_cents: string;
  state: ProjectState;
  state_on: string | null;
  cup: string | null;
  decree: string | null;
  window_number: number | null;
  protocol: string | null;
  submitted_on: string | null;
  admitted_on: string | null;
  funded_on: string | null;
  cup_on: string | null;
  contract_on: string | null;
  completed_on: string | null;
  asseverated_on: string | null;
  cre_on: string | null;
  payment_requested_on: string | null;
  paid_on: string | null;
  import_key: string | null;
  tender_dossier_id: number | null;
  coaching_action_id: number | null;
};

export type ProjectView = {
  id: number;
  entityId: number;
  entityName: string;
  entityIpa: string;
  callId: number;
  callTitle: string;
  measure: string | null;
  title: string | null;
  amountCents: number;
  state: ProjectState;
  stateOn: string | null;
  cup: string | null;
  decree: string | null;
  windowNumber: number | null;
  protocol: string | null;
  submittedOn: string | null;
  admittedOn: string | null;
  fundedOn: string | null;
  contractOn: string | null;
  completedOn: string | null;
  asseveratedOn: string | null;
  creOn: string | null;
  paymentRequestedOn: string | null;
  paidOn: string | null;
  imported: boolean;
  tenderDossierId: number | null;
  coachingActionId: number | null;
  stages: Stage[];
  level: ReturnType<typeof worstLevel>;
  /** The next stage not done, if any. */
  next: Stage | null;
};

const PROJECT_SELECT = `SELECT p.*, e.name AS entity_name, e.ipa_code AS entity_ipa, c.title AS call_title, c.measure, c.rules
  FROM funding_projects p JOIN entities e ON e.id = p.entity_id JOIN funding_calls c ON c.id = p.call_id`;

function projectView(r: ProjectSqlRow, today: string, t: Thresholds): ProjectView {
  const dates: ProjectDates = {
    state: r.state,
    cup: r.cup,
    admittedOn: r.admitted_on,
    fundedOn: r.funded_on,
    cupOn: r.cup_on,
    contractOn: r.contract_on,
    completedOn: r.completed_on,
    asseveratedOn: r.asseverated_on,
    creOn: r.cre_on,
    paymentRequestedOn: r.payment_requested_on,
    paidOn: r.paid_on,
  };
  const stages = projectStages(dates, rulesOf(r.rules), today, t);
  return {
    id: r.id,
    entityId: r.entity_id,
    entityName: r.entity_name,
    entityIpa: r.entity_ipa,
    callId: r.call_id,
    callTitle: r.call_title,
    measure: r.measure,
    title: r.title,
    amountCents: Number(r.amount_cents),
    state: r.state,
    stateOn: r.state_on,
    cup: r.cup,
    decree: r.decree,
    windowNumber: r.window_number,
    protocol: r.protocol,
    submittedOn: r.submitted_on,
    admittedOn: r.admitted_on,
    fundedOn: r.funded_on,
    contractOn: r.contract_on,
    completedOn: r.completed_on,
    asseveratedOn: r.asseverated_on,
    creOn: r.cre_on,
    paymentRequestedOn: r.payment_requested_on,
    paidOn: r.paid_on,
    imported: r.import_key !== null,
    tenderDossierId: r.tender_dossier_id ?? null,
    coachingActionId: r.coaching_action_id ?? null,
    stages,
    level: worstLevel(stages),
    next: stages.find((s) => !s.done && s.level !== 'none' && s.key !== 'maintenance') ?? null,
  };
}

export type ProjectFilter = { state: ProjectState | ''; measure: string; entityId: number | null; entityName: string; q: string };

export async function listProjects(platform: Platform, viewer: Viewer, query: Record<string, unknown>, page: Page) {
  const scope = projectScope(viewer);
  if (!scope) throw new NotFoundError('funding:error.notFound');
  const state = one(query.state);
  const measure = one(query.measure);
  const entity = Number(one(query.entityId));
  const filter: ProjectFilter = {
    state: (PROJECT_STATES as readonly string[]).includes(state) ? (state as ProjectState) : '',
    measure: PNRR_MEASURES.some((m) => m.code === measure) ? measure : '',
    entityId: 'all' in scope && Number.isInteger(entity) && entity > 0 ? entity : null,
    entityName: 'all' in scope ? one(query.entityName).trim().slice(0, 200) : '',
    q: one(query.q).slice(0, 100),
  };
  const where: string[] = [];
  const replacements: Record<string, unknown> = { limit: page.perPage, offset: page.offset };
  if ('entityId' in scope) {
    where.push('p.entity_id = :scope');
    replacements.scope = scope.entityId;
  }
  // A body typed by name or codice IPA wins over an id from a link (the form sends the linked body's name back).
  if (filter.entityName) {
    where.push('p.entity_id = ANY(CAST(:bodies AS int[]))');
    replacements.bodies = `{${(await matchBodies(filter.entityName)).join(',')}}`;
  } else if (filter.entityId) {
    where.push('p.entity_id = :entityId');
    replacements.entityId = filter.entityId;
  }
  if (filter.state) {
    where.push('p.state = :state');
    replacements.state = filter.state;
  }
  if (filter.measure) {
    where.push('c.measure = :measure');
    replacements.measure = filter.measure;
  }
  if (filter.q) {
    where.push('(p.cup = :cup OR lower(e.name) LIKE :q OR lower(c.title) LIKE :q)');
    replacements.cup = filter.q.toUpperCase();
    replacements.q = `%${escapeLike(filter.q.toLowerCase())}%`;
  }
  const sqlWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await platform.sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM funding_projects p JOIN entities e ON e.id = p.entity_id JOIN funding_calls c ON c.id = p.call_id ${sqlWhere}`,
    { replacements, type: QueryTypes.SELECT },
  );
  const rows = await platform.sequelize.query<ProjectSqlRow>(`${PROJECT_SELECT} ${sqlWhere} ORDER BY p.updated_at DESC, p.id DESC LIMIT :limit OFFSET :offset`, { replacements, type: QueryTypes.SELECT });
  const t = await thresholds(platform);
  const today = todayInRome();
  return { projects: rows.map((r) => projectView(r, today, t)), total: n, filter, staff: 'all' in scope };
}

async function projectRow(platform: Platform, id: number): Promise<ProjectSqlRow | null> {
  if (id <= 0) return null;
  const [row] = await platform.sequelize.query<ProjectSqlRow>(`${PROJECT_SELECT} WHERE p.id = :id`, { replacements: { id }, type: QueryTypes.SELECT });
  return row ?? null;
}

export async function projectPage(platform: Platform, viewer: Viewer, id: number): Promise<ProjectView> {
  const row = await projectRow(platform, id);
  if (!row) throw new NotFoundError('funding:error.notFound');
  assertCanSeeBodyFunding(viewer, row.entity_id);
  return projectView(row, todayInRome(), await thresholds(platform));
}

/** A project for its edit form (same checks as saving it). */
export async function projectForEdit(platform: Platform, actor: Actor, id: number): Promise<ProjectView> {
  const row = await projectRow(platform, id);
  if (!row) throw new NotFoundError('funding:error.notFound');
  assertCanEditBodyFunding(actor, row.entity_id);
  return projectView(row, todayInRome(), await thresholds(platform));
}

/** Eligibility, duplicates and the call's amount rule: field errors for the form. */
async function checkApplication(platform: Platform, data: { entityId: number; callId: number; amount: number }, body: Body | null, projectId: number | null): Promise<FundingCall> {
  const call = await FundingCall.findByPk(data.callId);
  if (!call) throw new ValidationError({ callId: 'funding:error.chooseCall' });
  if (!body) throw new ValidationError({ entityId: 'funding:error.chooseBody' });
  if (!call.eligibleKinds.includes(body.kind)) {
    throw new ValidationError({ callId: msg('funding:error.notEligible', { body: body.name, kind: msg(`entities:kind.${body.kind}`) }) });
  }
  const [dup] = await platform.sequelize.query<{ id: number }>('SELECT id FROM funding_projects WHERE entity_id = :entityId AND call_id = :callId AND id <> :id LIMIT 1', {
    replacements: { entityId: body.id, callId: call.id, id: projectId ?? 0 },
    type: QueryTypes.SELECT,
  });
  if (dup) throw new ConflictError(msg('funding:error.duplicate', { id: dup.id }), 'callId');
  const max = maxAmountFor(callView(call), body);
  if (max !== null && data.amount > max) throw new ValidationError({ amount: msg('funding:error.amountOverRule', { max: formatCents(max) }) });
  return call;
}

function projectValues(data: ReturnType<typeof projectSchema.parse>) {
  return {
    title: data.title,
    amountCents: data.amount,
    state: data.state,
    cup: data.cup,
    decree: data.decree,
    protocol: data.protocol,
    submittedOn: data.submittedOn,
    admittedOn: data.admittedOn,
    fundedOn: data.fundedOn,
    contractOn: data.contractOn,
    completedOn: data.completedOn,
    asseveratedOn: data.asseveratedOn,
    creOn: data.creOn,
    paymentRequestedOn: data.paymentRequestedOn,
    paidOn: data.paidOn,
  };
}

/** An RTD records for their own body whatever the form says; staff choose the body. */
function withBody(actor: Actor, input: unknown): Record<string, unknown> {
  const fields = { ...((input ?? {}) as Record<string, unknown>) };
  if (!isStaff(actor) && actor.entityId) fields.entityId = String(actor.entityId);
  return fields;
}

export async function createProject(platform: Platform, actor: Actor, input: unknown): Promise<FundingProject> {
  const data = parseInput(projectSchema, withBody(actor, input));
  assertCanEditBodyFunding(actor, data.entityId);
  const body = await findBody(data.entityId);
  const call = await checkApplication(platform, data, body, null);
  try {
    return await platform.sequelize.transaction(async (transaction) => {
      const project = await FundingProject.create(
        { entityId: body!.id, callId: call.id, ...projectValues(data), stateOn: todayInRome(), windowNumber: null, cupOn: data.cup ? todayInRome() : null, importKey: null, createdBy: actor.userId },
        { transaction },
      );
      await platform.audit.record(actor, { action: 'funding.project.create', subjectType: 'funding_project', subjectId: project.id, entityId: body!.id, details: { callId: call.id, state: data.state } }, transaction);
      return project;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ConflictError(msg('funding:error.duplicate', { id: '' }), 'callId');
    throw err;
  }
}

export async function updateProject(platform: Platform, actor: Actor, id: number, input: unknown): Promise<FundingProject> {
  const project = id > 0 ? await FundingProject.findByPk(id) : null;
  if (!project) throw new NotFoundError('funding:error.notFound');
  assertCanEditBodyFunding(actor, project.entityId);
  // The body of a project never changes (a different body is a different application).
  const data = parseInput(projectSchema, { ...((input ?? {}) as Record<string, unknown>), entityId: String(project.entityId) });
  const body = await findBody(project.entityId);
  const call = await checkApplication(platform, data, body, project.id);
  return platform.sequelize.transaction(async (transaction) => {
    const before = { state: project.state, cup: project.cup };
    const values = projectValues(data);
    await project.update(
      { ...values, callId: call.id, stateOn: values.state !== before.state ? todayInRome() : project.stateOn, cupOn: values.cup && !before.cup ? todayInRome() : project.cupOn },
      { transaction },
    );
    await platform.audit.record(actor, { action: 'funding.project.update', subjectType: 'funding_project', subjectId: project.id, entityId: project.entityId, details: { from: before, to: { state: values.state, cup: values.cup } } }, transaction);
    return project;
  });
}

// ---- A body's funding ----

export async function bodyFunding(platform: Platform, viewer: Viewer, entityId: number) {
  assertCanSeeBodyFunding(viewer, entityId);
  const body = await findBody(entityId);
  if (!body) throw new NotFoundError('funding:error.notFound');
  const today = todayInRome();
  const t = await thresholds(platform);
  const rows = await platform.sequelize.query<ProjectSqlRow>(`${PROJECT_SELECT} WHERE p.entity_id = :entityId ORDER BY p.funded_on DESC NULLS FIRST, p.id DESC LIMIT 200`, {
    replacements: { entityId },
    type: QueryTypes.SELECT,
  });
  const projects = rows.map((r) => projectView(r, today, t));
  const granted = projects.filter((p) => p.state === 'funded' || p.state === 'paid').reduce((n, p) => n + p.amountCents, 0);
  const received = projects.filter((p) => p.state === 'paid').reduce((n, p) => n + p.amountCents, 0);
  const openCalls = await platform.sequelize.query<{ id: number; title: string; closes_on: string; measure: string | null }>(
    `SELECT c.id, c.title, c.closes_on, c.measure FROM funding_calls c
      WHERE ${STATE_SQL} = 'open' AND :kind = ANY(c.eligible_kinds)
        AND NOT EXISTS (SELECT 1 FROM funding_projects p WHERE p.call_id = c.id AND p.entity_id = :entityId)
      ORDER BY c.closes_on, c.id LIMIT 50`,
    { replacements: { today, kind: body.kind, entityId }, type: QueryTypes.SELECT },
  );
  const deadlines = projects
    .flatMap((p) => p.stages.filter((s) => !s.done && s.dueOn && s.level !== 'none' && s.key !== 'maintenance').map((s) => ({ project: p, stage: s })))
    .sort((a, b) => (a.stage.dueOn! < b.stage.dueOn! ? -1 : 1))
    .slice(0, 20);
  return { body, projects, granted, received, openCalls, deadlines };
}

/** For the body's page and the home card: a few numbers, two statements. */
export async function bodySummary(platform: Platform, entityId: number) {
  const [r] = await platform.sequelize.query<{ projects: number; granted: string | null; received: string | null }>(
    `SELECT count(*)::int AS projects,
            sum(amount_cents) FILTER (WHERE state IN ('funded','paid')) AS granted,
            sum(amount_cents) FILTER (WHERE state = 'paid') AS received
       FROM funding_projects WHERE entity_id = :entityId`,
    { replacements: { entityId }, type: QueryTypes.SELECT },
  );
  const [o] = await platform.sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM funding_calls c JOIN entities e ON e.id = :entityId
      WHERE ${STATE_SQL} = 'open' AND e.kind = ANY(c.eligible_kinds)
        AND NOT EXISTS (SELECT 1 FROM funding_projects p WHERE p.call_id = c.id AND p.entity_id = :entityId)`,
    { replacements: { entityId, today: todayInRome() }, type: QueryTypes.SELECT },
  );
  return { projects: r.projects, grantedCents: Number(r.granted ?? 0), receivedCents: Number(r.received ?? 0), openCalls: o.n };
}

export async function countOpenCalls(platform: Platform): Promise<number> {
  const [r] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM funding_calls c WHERE ${STATE_SQL} = 'open'`, { replacements: { today: todayInRome() }, type: QueryTypes.SELECT });
  return r.n;
}

/** Projects as views, chosen by a WHERE clause of this area's own code (the reminders and the radar). */
export async function projectViewsWhere(platform: Platform, where: string, replacements: Record<string, unknown>, today = todayInRome(), limit?: number): Promise<ProjectView[]> {
  const rows = await platform.sequelize.query<ProjectSqlRow>(`${PROJECT_SELECT} WHERE ${where} ORDER BY p.id${limit ? ` LIMIT ${Math.trunc(limit)}` : ''}`, { replacements, type: QueryTypes.SELECT });
  const t = await thresholds(platform);
  return rows.map((r) => projectView(r, today, t));
}
