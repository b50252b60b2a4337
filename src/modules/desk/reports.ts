// Desk reports for staff: requests by body, category, state, month and operator, with median
// first-response and resolution times in business hours, SLA met %, satisfaction average.
// Aggregated in SQL from the figures stored at each change (computed from the history).
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import type { Platform } from '../../platform/context.js';
import { msg } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import type { Words } from './queries.js';
import { isRequestCategory, isRequestChannel, isRequestState, REQUEST_CATEGORIES, type RequestCategory } from './states.js';

/** The report's tables; their ids are also the `table` of the CSV URL and its first column; titles are desk:report.tables.<id>.* */
export const REPORT_TABLES = ['ente', 'categoria', 'canale', 'stato', 'mese', 'operatore'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];
export const isReportTable = (v: unknown): v is ReportTable => typeof v === 'string' && (REPORT_TABLES as readonly string[]).includes(v);

export const reportFilterSchema = z
  .object({
    from: form.optionalDate('desk:field.from'),
    to: form.optionalDate('desk:field.to'),
    category: z.enum(REQUEST_CATEGORIES).optional().catch(undefined),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: msg('desk:error.periodOrder'), path: ['to'] });

export type ReportFilter = { from: string; to: string; category?: RequestCategory };

export type ReportRow = {
  key: string;
  /** What the row is about as stored: a body's or operator's name, a category or state code, a YYYY-MM month; null for "not assigned". Worded by rowLabel(). */
  label: string | null;
  total: number;
  open: number;
  done: number;
  medianFirstResponseHours: number | null;
  medianResolutionHours: number | null;
  slaMeasured: number;
  slaMetPercent: number | null;
  satisfaction: number | null;
  surveys: number;
};

const GROUPS: Record<ReportTable, { key: string; label: string; order: string }> = {
  ente: { key: 'e.id::text', label: 'min(e.name)', order: 'total DESC, label' },
  categoria: { key: 'r.category', label: 'r.category', order: 'total DESC, label' },
  canale: { key: 'r.channel', label: 'r.channel', order: "array_position(ARRAY['portale','telefono','email','sportello','riunione'], min(r.channel))" },
  stato: { key: 'r.state', label: 'r.state', order: "array_position(ARRAY['new','assigned','in_progress','waiting','resolved','closed'], min(r.state))" },
  mese: { key: "to_char(r.created_at AT TIME ZONE 'Europe/Rome', 'YYYY-MM')", label: "to_char(r.created_at AT TIME ZONE 'Europe/Rome', 'YYYY-MM')", order: 'key' },
  operatore: { key: "coalesce(r.assignee_id::text, '-')", label: 'min(asg.name)', order: 'total DESC, label NULLS LAST' },
};

/** Default period: the last twelve months up to today (Europe/Rome). */
export function parseReportFilter(query: unknown, today = new Date()): { filter: ReportFilter; errors: Record<string, string> } {
  const parsed = reportFilterSchema.safeParse(query ?? {});
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(d);
  const yearAgo = new Date(today.getTime() - 365 * 86_400_000);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) errors[String(i.path[0] ?? '_form')] ??= i.message;
    return { filter: { from: day(yearAgo), to: day(today) }, errors };
  }
  return { filter: { from: parsed.data.from ?? day(yearAgo), to: parsed.data.to ?? day(today), category: parsed.data.category }, errors: {} };
}

function where(filter: ReportFilter): { sql: string; replacements: Record<string, unknown> } {
  const clauses = ["r.created_at >= CAST(CAST(:from AS date) AS timestamp) AT TIME ZONE 'Europe/Rome'", "r.created_at < CAST(CAST(:to AS date) + 1 AS timestamp) AT TIME ZONE 'Europe/Rome'"];
  const replacements: Record<string, unknown> = { from: filter.from, to: filter.to };
  if (filter.category) {
    clauses.push('r.category = :category');
    replacements.category = filter.category;
  }
  return { sql: `WHERE ${clauses.join(' AND ')}`, replacements };
}

/**
 * An open request whose clock runs (not waiting for the requester) and whose deadline has passed
 * has already missed its SLA: it counts as measured and not met, or the rate would read 100 % while
 * requests are late. Resolved requests count with their recorded outcome.
 */
const OPEN_OVERDUE = `(r.state IN ('new','assigned','in_progress') AND (r.resolution_due_at < now() OR (r.first_response_at IS NULL AND r.first_response_due_at < now())))`;

const METRICS = `count(*)::int AS total,
  (count(*) FILTER (WHERE r.state IN ('new','assigned','in_progress','waiting')))::int AS open,
  (count(*) FILTER (WHERE r.state IN ('resolved','closed')))::int AS done,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY r.first_response_minutes) AS median_first,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY r.resolution_minutes) AS median_resolution,
  (count(*) FILTER (WHERE r.resolution_met IS NOT NULL OR ${OPEN_OVERDUE}))::int AS sla_n,
  (count(*) FILTER (WHERE r.resolution_met AND r.first_response_met IS NOT FALSE))::int AS sla_met,
  avg(s.rating)::float AS satisfaction,
  count(s.rating)::int AS surveys`;

const FROM = `FROM desk_requests r
  JOIN entities e ON e.id = r.entity_id
  LEFT JOIN users asg ON asg.id = r.assignee_id
  LEFT JOIN LATERAL (SELECT rating FROM desk_surveys ds WHERE ds.request_id = r.id AND ds.answered_at IS NOT NULL ORDER BY ds.answered_at DESC LIMIT 1) s ON true`;

type RawRow = { key: string; label: string | null; total: number; open: number; done: number; median_first: number | null; median_resolution: number | null; sla_n: number; sla_met: number; satisfaction: number | null; surveys: number };

/** The name of a row in the reader's language: a category, a state, a month ("gennaio 2026"), "not assigned". */
export function rowLabel(table: ReportTable, label: string | null, words: Words, lang: string): string {
  if (table === 'categoria' && isRequestCategory(label)) return words(`desk:category.${label}`);
  if (table === 'canale' && isRequestChannel(label)) return words(`desk:channel.${label}`);
  if (table === 'stato' && isRequestState(label)) return words(`desk:state.${label}`);
  if (table === 'mese' && label && /^\d{4}-\d{2}$/.test(label)) {
    const [y, m] = label.split('-').map(Number);
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15)));
  }
  if (table === 'operatore' && label === null) return words('desk:report.unassigned');
  return label ?? '';
}

function toRow(r: RawRow): ReportRow {
  const label = r.label;
  const hours = (v: number | null) => (v == null ? null : Math.round((Number(v) / 60) * 10) / 10);
  return {
    key: r.key,
    label,
    total: r.total,
    open: r.open,
    done: r.done,
    medianFirstResponseHours: hours(r.median_first),
    medianResolutionHours: hours(r.median_resolution),
    slaMeasured: r.sla_n,
    slaMetPercent: r.sla_n ? Math.round((r.sla_met / r.sla_n) * 1000) / 10 : null,
    satisfaction: r.satisfaction == null ? null : Math.round(r.satisfaction * 100) / 100,
    surveys: r.surveys,
  };
}

export async function reportTable(platform: Platform, table: ReportTable, filter: ReportFilter): Promise<ReportRow[]> {
  const g = GROUPS[table];
  const { sql, replacements } = where(filter);
  const rows = await platform.sequelize.query<RawRow>(`SELECT ${g.key} AS key, ${g.label} AS label, ${METRICS} ${FROM} ${sql} GROUP BY ${g.key} ORDER BY ${g.order} LIMIT 5000`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  return rows.map(toRow);
}

export async function reportSummary(platform: Platform, filter: ReportFilter): Promise<ReportRow> {
  const { sql, replacements } = where(filter);
  const [row] = await platform.sequelize.query<RawRow>(`SELECT 'all' AS key, NULL AS label, ${METRICS} ${FROM} ${sql}`, { replacements, type: QueryTypes.SELECT });
  return toRow(row);
}

export async function fullReport(platform: Platform, filter: ReportFilter) {
  const [summary, ...rows] = await Promise.all([reportSummary(platform, filter), ...REPORT_TABLES.map((t) => reportTable(platform, t, filter))]);
  return { summary, tables: REPORT_TABLES.map((t, i) => ({ id: t, rows: rows[i] })) };
}

export const REPORT_CSV_COLUMNS = ['richieste', 'aperte', 'risolte_o_chiuse', 'mediana_prima_risposta_ore_lavorative', 'mediana_risoluzione_ore_lavorative', 'richieste_con_sla_misurato', 'sla_rispettato_percentuale', 'soddisfazione_media', 'questionari'] as const;

/** A CSV line: the column names stay fixed identifiers in every language, the row's name is worded for the reader. */
export function csvRecord(table: ReportTable, r: ReportRow, words: Words, lang: string): Record<string, string | number> {
  const dec = (v: number | null) => (v == null ? '' : String(v).replace('.', ','));
  const label = rowLabel(table, r.label, words, lang);
  return {
    [table]: label,
    richieste: r.total,
    aperte: r.open,
    risolte_o_chiuse: r.done,
    mediana_prima_risposta_ore_lavorative: dec(r.medianFirstResponseHours),
    mediana_risoluzione_ore_lavorative: dec(r.medianResolutionHours),
    richieste_con_sla_misurato: r.slaMeasured,
    sla_rispettato_percentuale: dec(r.slaMetPercent),
    soddisfazione_media: dec(r.satisfaction),
    questionari: r.surveys,
  };
}
