// Impact indicators: what a call's projects report, per period, with evidence; the centre
// validates each value or sends it back; the call page sums the validated values across comuni.
import { QueryTypes } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { todayInRome } from '../tenders/index.js';
import { FundingCall } from './models.js';
import { periodLabel, periodStart, periodsBetween, type PeriodKind } from './periods.js';
import { assertCanEditBodyFunding, assertCanManageCalls, assertCanSeeBodyFunding } from './policy.js';
import { indicatorSchema, indicatorValueSchema, reviewSchema } from './schemas.js';
import { isGranted, type ProjectState } from './stages.js';

export const VALUE_STATES = ['submitted', 'validated', 'returned'] as const;
export type ValueState = (typeof VALUE_STATES)[number];

export type Indicator = { id: number; callId: number; name: string; unit: string | null; period: PeriodKind };

export type IndicatorValue = {
  id: number;
  indicatorId: number;
  period: string;
  periodLabel: ReturnType<typeof periodLabel>;
  value: number;
  evidence: string;
  state: ValueState;
  reviewNote: string | null;
  reportedAt: Date;
  reportedBy: string | null;
  reviewedAt: Date | null;
  reviewedBy: string | null;
};

const asIndicator = (r: { id: number; call_id: number; name: string; unit: string | null; period: PeriodKind }): Indicator => ({ id: r.id, callId: r.call_id, name: r.name, unit: r.unit, period: r.period });

export async function callIndicators(platform: Platform, callId: number): Promise<Indicator[]> {
  const rows = await platform.sequelize.query<{ id: number; call_id: number; name: string; unit: string | null; period: PeriodKind }>(
    'SELECT id, call_id, name, unit, period FROM funding_indicators WHERE call_id = :callId ORDER BY id',
    { replacements: { callId }, type: QueryTypes.SELECT },
  );
  return rows.map(asIndicator);
}

export async function addIndicator(platform: Platform, actor: Actor, callId: number, input: unknown): Promise<Indicator> {
  assertCanManageCalls(actor);
  const call = callId > 0 ? await FundingCall.findByPk(callId) : null;
  if (!call) throw new NotFoundError('funding:error.callNotFound');
  const data = parseInput(indicatorSchema, input);
  return platform.sequelize.transaction(async (transaction) => {
    const [row] = await platform.sequelize.query<{ id: number; call_id: number; name: string; unit: string | null; period: PeriodKind }>(
      `INSERT INTO funding_indicators (call_id, name, unit, period, created_by) VALUES (:callId, :name, :unit, :period, :by)
       ON CONFLICT (call_id, lower(name)) DO NOTHING RETURNING id, call_id, name, unit, period`,
      { replacements: { callId: call.id, name: data.name, unit: data.unit, period: data.period, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) throw new ConflictError('funding:error.indicatorDuplicate', 'name');
    await platform.audit.record(actor, { action: 'funding.indicator.create', subjectType: 'funding_call', subjectId: call.id, details: { indicatorId: row.id, name: data.name, period: data.period } }, transaction);
    return asIndicator(row);
  });
}

type ProjectRef = { id: number; entity_id: number; call_id: number; state: ProjectState; funded_on: string | null; admitted_on: string | null; created_at: Date; opens_on: string | null };

async function projectRef(platform: Platform, projectId: number): Promise<ProjectRef | null> {
  if (projectId <= 0) return null;
  const [row] = await platform.sequelize.query<ProjectRef>(
    `SELECT p.id, p.entity_id, p.call_id, p.state, p.funded_on::text, p.admitted_on::text, p.created_at, c.opens_on::text
       FROM funding_projects p JOIN funding_calls c ON c.id = p.call_id WHERE p.id = :projectId`,
    { replacements: { projectId }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}

/** The periods a project may report for an indicator: from its funding (or the call's opening) to today's. */
export function reportablePeriods(p: ProjectRef, kind: PeriodKind, today = todayInRome()): string[] {
  const from = p.funded_on ?? p.admitted_on ?? p.opens_on ?? p.created_at.toISOString().slice(0, 10);
  return periodsBetween(kind, from, today, 40);
}

type ValueRow = {
  id: number;
  indicator_id: number;
  period: string;
  value: string;
  evidence: string;
  state: ValueState;
  review_note: string | null;
  reported_at: Date;
  reporter: string | null;
  reviewed_at: Date | null;
  reviewer: string | null;
};

const VALUE_SELECT = `SELECT v.id, v.indicator_id, v.period, v.value, v.evidence, v.state, v.review_note, v.reported_at, v.reviewed_at,
       COALESCE(NULLIF(ru.name, ''), ru.email) AS reporter, COALESCE(NULLIF(vu.name, ''), vu.email) AS reviewer
  FROM funding_indicator_values v LEFT JOIN users ru ON ru.id = v.reported_by LEFT JOIN users vu ON vu.id = v.reviewed_by`;

const asValue = (r: ValueRow): IndicatorValue => ({
  id: r.id,
  indicatorId: r.indicator_id,
  period: r.period,
  periodLabel: periodLabel(r.period),
  value: Number(r.value),
  evidence: r.evidence,
  state: r.state,
  reviewNote: r.review_note,
  reportedAt: r.reported_at,
  reportedBy: r.reporter,
  reviewedAt: r.reviewed_at,
  reviewedBy: r.reviewer,
});

export type ProjectIndicators = { granted: boolean; indicators: Array<Indicator & { values: IndicatorValue[] }> };

/** The call's indicators with what this project reported (for whoever may see the project). */
export async function projectIndicators(platform: Platform, viewer: Viewer, projectId: number): Promise<ProjectIndicators> {
  const p = await projectRef(platform, projectId);
  if (!p) throw new NotFoundError('funding:error.notFound');
  assertCanSeeBodyFunding(viewer, p.entity_id);
  const indicators = await callIndicators(platform, p.call_id);
  const values = indicators.length
    ? (await platform.sequelize.query<ValueRow>(`${VALUE_SELECT} WHERE v.project_id = :projectId ORDER BY v.period DESC, v.id`, { replacements: { projectId }, type: QueryTypes.SELECT })).map(asValue)
    : [];
  return { granted: isGranted(p.state), indicators: indicators.map((i) => ({ ...i, values: values.filter((v) => v.indicatorId === i.id) })) };
}

/** What the report form needs: the project's indicators and, for each, the periods it may report. */
export async function reportForm(platform: Platform, actor: Actor, projectId: number) {
  const p = await projectRef(platform, projectId);
  if (!p) throw new NotFoundError('funding:error.notFound');
  assertCanEditBodyFunding(actor, p.entity_id);
  const indicators = await callIndicators(platform, p.call_id);
  return { indicators: indicators.map((i) => ({ ...i, periods: reportablePeriods(p, i.period).map((period) => ({ value: period, label: periodLabel(period) })) })), granted: isGranted(p.state) };
}

/** Reports (or corrects) the value of a period; a validated value stays as validated. */
export async function reportValue(platform: Platform, actor: Actor, projectId: number, input: unknown): Promise<number> {
  const p = await projectRef(platform, projectId);
  if (!p) throw new NotFoundError('funding:error.notFound');
  assertCanEditBodyFunding(actor, p.entity_id);
  const data = parseInput(indicatorValueSchema, input);
  if (!isGranted(p.state)) throw new ConflictError('funding:error.reportNotGranted');
  const indicator = (await callIndicators(platform, p.call_id)).find((i) => i.id === data.indicatorId);
  if (!indicator) throw new ValidationError({ indicatorId: 'funding:error.chooseIndicator' });
  if (!periodStart(indicator.period, data.period) || !reportablePeriods(p, indicator.period).includes(data.period)) {
    throw new ValidationError({ period: 'funding:error.choosePeriod' });
  }
  return platform.sequelize.transaction(async (transaction) => {
    const [existing] = await platform.sequelize.query<{ id: number; state: ValueState }>(
      'SELECT id, state FROM funding_indicator_values WHERE project_id = :projectId AND indicator_id = :indicatorId AND period = :period FOR UPDATE',
      { replacements: { projectId: p.id, indicatorId: indicator.id, period: data.period }, type: QueryTypes.SELECT, transaction },
    );
    if (existing?.state === 'validated') throw new ConflictError(msg('funding:error.alreadyValidated', { period: periodLabel(data.period) }), 'period');
    const [row] = await platform.sequelize.query<{ id: number }>(
      `INSERT INTO funding_indicator_values (project_id, indicator_id, period, value, evidence, reported_by)
       VALUES (:projectId, :indicatorId, :period, :value, :evidence, :by)
       ON CONFLICT (project_id, indicator_id, period) DO UPDATE SET value = EXCLUDED.value, evidence = EXCLUDED.evidence, state = 'submitted',
         reported_by = EXCLUDED.reported_by, reported_at = now(), reviewed_by = NULL, reviewed_at = NULL, updated_at = now()
       RETURNING id`,
      { replacements: { projectId: p.id, indicatorId: indicator.id, period: data.period, value: data.value, evidence: data.evidence, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    await platform.audit.record(
      actor,
      { action: 'funding.indicator.report', subjectType: 'funding_project', subjectId: p.id, entityId: p.entity_id, details: { indicatorId: indicator.id, period: data.period, value: data.value } },
      transaction,
    );
    return row.id;
  });
}

/** One reported value for its review page (staff) — 404 for anyone else, as for a missing one. */
export async function valueForReview(platform: Platform, viewer: Viewer, projectId: number, valueId: number) {
  const p = await projectRef(platform, projectId);
  if (!p) throw new NotFoundError('funding:error.notFound');
  assertCanSeeBodyFunding(viewer, p.entity_id);
  const [row] = valueId > 0 ? await platform.sequelize.query<ValueRow>(`${VALUE_SELECT} WHERE v.id = :valueId AND v.project_id = :projectId`, { replacements: { valueId, projectId }, type: QueryTypes.SELECT }) : [];
  if (!row) throw new NotFoundError('funding:error.notFound');
  const indicator = (await callIndicators(platform, p.call_id)).find((i) => i.id === row.indicator_id)!;
  return { value: asValue(row), indicator };
}

export async function reviewValue(platform: Platform, actor: Actor, projectId: number, valueId: number, input: unknown): Promise<ValueState> {
  const { value } = await valueForReview(platform, actor, projectId, valueId);
  if (!isStaff(actor)) throw new ForbiddenError('funding:error.staffOnly', 'funding.indicator.review');
  const data = parseInput(reviewSchema, input);
  const state: ValueState = data.decision === 'validate' ? 'validated' : 'returned';
  const p = (await projectRef(platform, projectId))!;
  return platform.sequelize.transaction(async (transaction) => {
    const [done] = await platform.sequelize.query<{ id: number }>(
      `UPDATE funding_indicator_values SET state = :state, review_note = :note, reviewed_by = :by, reviewed_at = now(), updated_at = now()
        WHERE id = :id AND state = 'submitted' RETURNING id`,
      { replacements: { id: value.id, state, note: data.note, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    if (!done) throw new ConflictError('funding:error.alreadyReviewed');
    await platform.audit.record(actor, { action: `funding.indicator.${data.decision}`, subjectType: 'funding_project', subjectId: p.id, entityId: p.entity_id, details: { valueId: value.id, note: data.note } }, transaction);
    return state;
  });
}

export type ImpactRow = { indicatorId: number; period: string; periodLabel: ReturnType<typeof periodLabel>; total: number; projects: number; pending: number };

/** Per indicator and period: the sum of the validated values, how many projects they come from, how many wait. */
export async function callImpact(platform: Platform, callId: number): Promise<{ indicators: Indicator[]; rows: ImpactRow[] }> {
  const indicators = await callIndicators(platform, callId);
  if (!indicators.length) return { indicators, rows: [] };
  const rows = await platform.sequelize.query<{ indicator_id: number; period: string; total: string | null; projects: number; pending: number }>(
    `SELECT v.indicator_id, v.period, sum(v.value) FILTER (WHERE v.state = 'validated') AS total,
            count(DISTINCT v.project_id) FILTER (WHERE v.state = 'validated')::int AS projects,
            count(*) FILTER (WHERE v.state = 'submitted')::int AS pending
       FROM funding_indicator_values v WHERE v.indicator_id IN (:ids)
      GROUP BY v.indicator_id, v.period ORDER BY v.indicator_id, v.period DESC`,
    { replacements: { ids: indicators.map((i) => i.id) }, type: QueryTypes.SELECT },
  );
  return { indicators, rows: rows.map((r) => ({ indicatorId: r.indicator_id, period: r.period, periodLabel: periodLabel(r.period), total: Number(r.total ?? 0), projects: r.projects, pending: r.pending })) };
}

export const IMPACT_CSV_COLUMNS = ['ente', 'codice_ipa', 'progetto', 'cup', 'indicatore', 'unita', 'periodo', 'valore', 'stato', 'evidenza', 'segnalato_il', 'esaminato_il', 'nota'] as const;

/** Every reported value of a call, for staff, 500 at a time. */
export async function* impactCsvRows(platform: Platform, viewer: Viewer, callId: number): AsyncGenerator<Record<(typeof IMPACT_CSV_COLUMNS)[number], string>> {
  assertCanManageCalls(viewer);
  if (!(callId > 0 && (await FundingCall.findByPk(callId)))) throw new NotFoundError('funding:error.callNotFound');
  let last = 0;
  for (;;) {
    const rows = await platform.sequelize.query<Record<string, string | null> & { id: number }>(
      `SELECT v.id, e.name AS body, e.ipa_code, p.id AS project_id, p.cup, i.name, i.unit, v.period, v.value::text, v.state, v.evidence,
              to_char(v.reported_at AT TIME ZONE 'Europe/Rome', 'YYYY-MM-DD') AS reported_on, to_char(v.reviewed_at AT TIME ZONE 'Europe/Rome', 'YYYY-MM-DD') AS reviewed_on, v.review_note
         FROM funding_indicator_values v JOIN funding_indicators i ON i.id = v.indicator_id
         JOIN funding_projects p ON p.id = v.project_id JOIN entities e ON e.id = p.entity_id
        WHERE i.call_id = :callId AND v.id > :last ORDER BY v.id LIMIT 500`,
      { replacements: { callId, last }, type: QueryTypes.SELECT },
    );
    if (!rows.length) return;
    for (const r of rows) {
      yield {
        ente: r.body ?? '',
        codice_ipa: r.ipa_code ?? '',
        progetto: String(r.project_id),
        cup: r.cup ?? '',
        indicatore: r.name ?? '',
        unita: r.unit ?? '',
        periodo: r.period ?? '',
        valore: (r.value ?? '').replace('.', ','),
        stato: r.state ?? '',
        evidenza: r.evidence ?? '',
        segnalato_il: r.reported_on ?? '',
        esaminato_il: r.reviewed_on ?? '',
        nota: r.review_note ?? '',
      };
    }
    last = rows[rows.length - 1].id;
  }
}
