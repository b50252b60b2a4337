// The staff dashboard (/finanziamenti): across the adhering bodies, the amounts by PNRR measure and
// by state, the projects at risk (a stage inside the danger threshold, or past) and the bodies that
// have not applied to any open call; and the CSV export of projects. A few statements over the whole
// table (bench/funding.ts times them at 50,000 projects).
//
// The risk is computed in SQL from the same rules as stages.ts (each stage counts from the previous
// stage's actual date when known, else from its due date), so the dashboard reads the earliest
// stage not done without loading every project; the page then shows those projects' stages from
// stages.ts itself, and a test checks that both agree.
import { QueryTypes } from 'sequelize';
import type { Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError } from '../../platform/errors.js';
import { addDays, todayInRome } from '../tenders/index.js';
import { assertCanManageCalls, projectScope } from './policy.js';
import { projectViewsWhere, thresholds, type ProjectView } from './service.js';
import { DEFAULT_RULES, PROJECT_STATES, type ProjectState } from './stages.js';

const rule = (key: keyof typeof DEFAULT_RULES) => `COALESCE((c.rules->>'${key}')::int, ${DEFAULT_RULES[key]})`;

/** Each project's due dates in SQL, stage by stage, as stages.ts computes them (joined to p and c). */
const DUE_CHAIN = `
    CROSS JOIN LATERAL (SELECT COALESCE(p.admitted_on, p.funded_on) + ${rule('cupDays')} AS cup_due,
                               p.funded_on + ${rule('contractDays')} AS contract_due) d1
    CROSS JOIN LATERAL (SELECT COALESCE(p.contract_on, d1.contract_due) + ${rule('completionDays')} AS completion_due) d2
    CROSS JOIN LATERAL (SELECT COALESCE(p.completed_on, d2.completion_due) + ${rule('asseverazioneDays')} AS asseverazione_due) d3
    CROSS JOIN LATERAL (SELECT COALESCE(p.asseverated_on, d3.asseverazione_due) + ${rule('creDays')} AS cre_due) d4
    CROSS JOIN LATERAL (SELECT COALESCE(p.cre_on, d4.cre_due) + ${rule('paymentRequestDays')} AS payment_request_due) d5
    CROSS JOIN LATERAL (SELECT
        CASE WHEN p.cup IS NULL AND p.cup_on IS NULL THEN d1.cup_due END AS cup_open,
        CASE WHEN p.contract_on IS NULL THEN d1.contract_due END AS contract_open,
        CASE WHEN p.completed_on IS NULL THEN d2.completion_due END AS completion_open,
        CASE WHEN p.asseverated_on IS NULL THEN d3.asseverazione_due END AS asseverazione_open,
        CASE WHEN p.cre_on IS NULL THEN d4.cre_due END AS cre_open,
        CASE WHEN p.payment_requested_on IS NULL THEN d5.payment_request_due END AS payment_request_open) o
    CROSS JOIN LATERAL (SELECT LEAST(o.cup_open, o.contract_open, o.completion_open, o.asseverazione_open, o.cre_open, o.payment_request_open) AS next_due) due`;

/** The stage of the earliest due date (the first in the stages' order when two fall on the same day). */
const NEXT_STAGE = `CASE due.next_due WHEN o.cup_open THEN 'cup' WHEN o.contract_open THEN 'contract' WHEN o.completion_open THEN 'completion'
  WHEN o.asseverazione_open THEN 'asseverazione' WHEN o.cre_open THEN 'cre' WHEN o.payment_request_open THEN 'paymentRequest' END`;

const DUES = `
  SELECT p.id, p.entity_id, due.next_due
    FROM funding_projects p JOIN funding_calls c ON c.id = p.call_id JOIN entities e ON e.id = p.entity_id
    ${DUE_CHAIN}
   WHERE e.membership_status = 'active' AND p.state NOT IN ('paid','renounced','revoked')`;

/** The SQL statements of the dashboard, by name (the bench prints and times them). */
export const DASHBOARD_SQL = {
  byMeasure: `
    SELECT COALESCE(c.measure, '') AS measure, count(*)::int AS projects,
           COALESCE(sum(p.amount_cents) FILTER (WHERE p.state IN ('funded','paid')), 0)::bigint AS granted,
           COALESCE(sum(p.amount_cents) FILTER (WHERE p.state = 'paid'), 0)::bigint AS paid
      FROM funding_projects p JOIN funding_calls c ON c.id = p.call_id JOIN entities e ON e.id = p.entity_id
     WHERE e.membership_status = 'active'
     GROUP BY 1 ORDER BY COALESCE(c.measure, '') = '', 1`,
  byState: `
    SELECT p.state, count(*)::int AS projects, COALESCE(sum(p.amount_cents), 0)::bigint AS amount
      FROM funding_projects p JOIN entities e ON e.id = p.entity_id
     WHERE e.membership_status = 'active'
     GROUP BY 1`,
  atRisk: `
    WITH d AS (${DUES})
    SELECT id, next_due, count(*) OVER ()::int AS total FROM d WHERE next_due <= :dangerUntil
     ORDER BY next_due, id LIMIT :limit`,
  notApplied: `
    WITH open AS MATERIALIZED (SELECT id, closes_on, eligible_kinds FROM funding_calls WHERE opens_on <= :today AND closes_on >= :today),
         applied AS MATERIALIZED (SELECT DISTINCT p.entity_id FROM funding_projects p WHERE p.call_id IN (SELECT id FROM open))
    SELECT e.id, e.name, e.kind, count(o.id)::int AS open_calls, min(o.closes_on) AS next_closing, count(*) OVER ()::int AS total
      FROM entities e JOIN open o ON e.kind = ANY(o.eligible_kinds)
     WHERE e.membership_status = 'active' AND NOT EXISTS (SELECT 1 FROM applied a WHERE a.entity_id = e.id)
     GROUP BY e.id, e.name, e.kind
     ORDER BY min(o.closes_on), e.name, e.id LIMIT :limit`,
} as const;

export type MeasureRow = { measure: string; projects: number; granted: number; paid: number };
export type StateRow = { state: ProjectState; projects: number; amount: number };
export type NotAppliedRow = { id: number; name: string; kind: string; openCalls: number; nextClosing: string };

export const DASHBOARD_LIMIT = 50;

export async function dashboard(platform: Platform, viewer: Viewer, today = todayInRome()) {
  assertCanManageCalls(viewer);
  const t = await thresholds(platform);
  const q = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) => platform.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  const [measures, states, risk, notApplied] = await Promise.all([
    q<{ measure: string; projects: number; granted: string; paid: string }>(DASHBOARD_SQL.byMeasure),
    q<{ state: ProjectState; projects: number; amount: string }>(DASHBOARD_SQL.byState),
    q<{ id: number; next_due: string; total: number }>(DASHBOARD_SQL.atRisk, { dangerUntil: addDays(today, t.dangerDays), limit: DASHBOARD_LIMIT }),
    q<{ id: number; name: string; kind: string; open_calls: number; next_closing: string; total: number }>(DASHBOARD_SQL.notApplied, { today, limit: DASHBOARD_LIMIT }),
  ]);
  const stateRows: StateRow[] = PROJECT_STATES.map((s) => {
    const r = states.find((x) => x.state === s);
    return { state: s, projects: r?.projects ?? 0, amount: Number(r?.amount ?? 0) };
  });
  const views = risk.length ? await projectViewsWhere(platform, 'p.id IN (:ids)', { ids: risk.map((r) => r.id) }, today) : [];
  const byId = new Map(views.map((v) => [v.id, v]));
  const atRisk = risk.map((r) => byId.get(r.id)).filter((v): v is ProjectView => !!v);
  return {
    thresholds: t,
    measures: measures.map((m): MeasureRow => ({ measure: m.measure, projects: m.projects, granted: Number(m.granted), paid: Number(m.paid) })),
    states: stateRows,
    atRisk,
    atRiskTotal: risk[0]?.total ?? 0,
    notApplied: notApplied.map((r): NotAppliedRow => ({ id: r.id, name: r.name, kind: r.kind, openCalls: r.open_calls, nextClosing: r.next_closing })),
    notAppliedTotal: notApplied[0]?.total ?? 0,
  };
}

// ---- CSV export of projects ----

export const PROJECTS_CSV_COLUMNS = [
  'id', 'ente', 'codice_ipa', 'avviso', 'misura', 'titolo', 'cup', 'stato', 'importo_euro', 'data_invio', 'data_ammissione', 'data_finanziamento',
  'data_contratto', 'data_completamento', 'data_asseverazione', 'data_cre', 'data_domanda_erogazione', 'data_erogazione', 'decreto', 'prossima_scadenza', 'fase', 'livello', 'origine',
] as const;

const euroCell = (cents: number) => `${Math.trunc(cents / 100)},${String(Math.abs(cents % 100)).padStart(2, '0')}`;

type CsvSqlRow = {
  id: number; entity_name: string; ipa_code: string; call_title: string; measure: string | null; title: string | null; cup: string | null; state: string; amount_cents: string;
  submitted_on: string | null; admitted_on: string | null; funded_on: string | null; contract_on: string | null; completed_on: string | null; asseverated_on: string | null;
  cre_on: string | null; payment_requested_on: string | null; paid_on: string | null; decree: string | null; imported: boolean; next_due: string | null; next_stage: string | null;
};

/**
 * Every project the viewer may see (staff: all; a body's users: their body's), read in pages of 500
 * by id so the export streams; the next deadline and its stage computed in SQL like the dashboard's
 * risk, its level against the thresholds. `words` give the labels in the reader's language.
 */
export async function* projectsCsvRows(
  platform: Platform,
  viewer: Viewer,
  words: { state: (s: string) => string; stage: (s: string) => string; level: (s: string) => string; origin: (imported: boolean) => string },
): AsyncGenerator<Record<(typeof PROJECTS_CSV_COLUMNS)[number], string>> {
  const scope = projectScope(viewer);
  if (!scope) throw new NotFoundError('funding:error.notFound');
  const today = todayInRome();
  const t = await thresholds(platform);
  const dangerUntil = addDays(today, t.dangerDays);
  const warningUntil = addDays(today, t.warningDays);
  const level = (due: string) => (due < today ? 'overdue' : due <= dangerUntil ? 'danger' : due <= warningUntil ? 'warning' : 'ok');
  // The few labels, translated once rather than for every row.
  const memo = <K extends string | boolean>(f: (k: K) => string) => {
    const seen = new Map<K, string>();
    return (k: K) => seen.get(k) ?? seen.set(k, f(k)).get(k)!;
  };
  const word = { state: memo(words.state), stage: memo(words.stage), level: memo(words.level), origin: memo(words.origin) };
  let last = 0;
  for (;;) {
    // The page's ids first (the primary key, or the body's index), then their rows: a page costs the same at any depth.
    const rows = await platform.sequelize.query<CsvSqlRow>(
      `SELECT p.id, e.name AS entity_name, e.ipa_code, c.title AS call_title, c.measure, p.title, p.cup, p.state, p.amount_cents, p.submitted_on, p.admitted_on,
              p.funded_on, p.contract_on, p.completed_on, p.asseverated_on, p.cre_on, p.payment_requested_on, p.paid_on, p.decree, p.import_key IS NOT NULL AS imported,
              CASE WHEN p.state NOT IN ('paid','renounced','revoked') THEN due.next_due END AS next_due,
              CASE WHEN p.state NOT IN ('paid','renounced','revoked') THEN ${NEXT_STAGE} END AS next_stage
         FROM funding_projects p JOIN funding_calls c ON c.id = p.call_id JOIN entities e ON e.id = p.entity_id
         ${DUE_CHAIN}
        WHERE p.id IN (SELECT id FROM funding_projects WHERE id > :last${'entityId' in scope ? ' AND entity_id = :entityId' : ''} ORDER BY id LIMIT 500)
        ORDER BY p.id`,
      { replacements: { last, entityId: 'entityId' in scope ? scope.entityId : 0 }, type: QueryTypes.SELECT },
    );
    if (!rows.length) return;
    for (const p of rows) {
      const cents = Number(p.amount_cents);
      yield {
        id: String(p.id),
        ente: p.entity_name,
        codice_ipa: p.ipa_code,
        avviso: p.call_title,
        misura: p.measure ?? '',
        titolo: p.title ?? '',
        cup: p.cup ?? '',
        stato: word.state(p.state),
        importo_euro: euroCell(cents),
        data_invio: p.submitted_on ?? '',
        data_ammissione: p.admitted_on ?? '',
        data_finanziamento: p.funded_on ?? '',
        data_contratto: p.contract_on ?? '',
        data_completamento: p.completed_on ?? '',
        data_asseverazione: p.asseverated_on ?? '',
        data_cre: p.cre_on ?? '',
        data_domanda_erogazione: p.payment_requested_on ?? '',
        data_erogazione: p.paid_on ?? '',
        decreto: p.decree ?? '',
        prossima_scadenza: p.next_due ?? '',
        fase: p.next_stage ? word.stage(p.next_stage) : '',
        livello: p.next_due ? word.level(level(p.next_due)) : '',
        origine: word.origin(p.imported),
      };
    }
    last = rows[rows.length - 1].id;
  }
}
