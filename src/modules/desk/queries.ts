// Lists of requests: a body's own list and the staff queue (filters, sort, pagination, CSV), each
// answered with a fixed number of indexed statements whatever the number of rows.
import { QueryTypes } from 'sequelize';
import { isStaff, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import type { BusinessCalendar } from '../../platform/calendar.js';
import { matchBodies } from '../entities/index.js';
import { deskConfig, type DeskSettings } from './config.js';
import { queueFilterSchema, type QueueFilter } from './schemas.js';
import type { RequestCategory, RequestPriority, RequestState } from './states.js';
import { escapeLike } from '../../platform/sql.js';

export const RUNNING_STATES = "('new','assigned','in_progress')";
export const OVERDUE_SQL = `(r.state IN ${RUNNING_STATES} AND (r.resolution_due_at <= now() OR (r.first_response_at IS NULL AND r.first_response_due_at <= now())))`;

export type ListRow = {
  id: number;
  entityId: number;
  entityName: string;
  subject: string;
  category: RequestCategory;
  priority: RequestPriority;
  state: RequestState;
  requesterName: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  firstResponseAt: Date | null;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  firstResponseMet: boolean | null;
  resolutionMet: boolean | null;
  messageCount: number;
};

/**
 * The next deadline of a row: which clock (`sla` once the request is done or paused), when, how close
 * (`remainingMinutes` of business time, for a running clock not yet past). The view words it
 * (desk:due.*), so the same row reads in Italian or English.
 */
export type DueInfo = {
  clock: 'firstResponse' | 'resolution' | 'sla';
  at: Date | null;
  status: 'ok' | 'warning' | 'breached' | 'paused' | 'met' | 'missed' | 'none';
  remainingMinutes: number | null;
};

/** The next SLA deadline of a row and how close it is, for the queue's highlighting. */
export function dueInfo(row: Pick<ListRow, 'state' | 'category' | 'firstResponseAt' | 'firstResponseDueAt' | 'resolutionDueAt' | 'firstResponseMet' | 'resolutionMet'>, settings: DeskSettings, calendar: BusinessCalendar, now: Date): DueInfo {
  if (row.state === 'resolved' || row.state === 'closed') {
    if (row.resolutionMet === false || row.firstResponseMet === false) return { clock: 'sla', at: null, status: 'missed', remainingMinutes: null };
    if (row.resolutionMet === true) return { clock: 'sla', at: null, status: 'met', remainingMinutes: null };
    return { clock: 'sla', at: null, status: 'none', remainingMinutes: null };
  }
  if (row.state === 'waiting') return { clock: 'sla', at: null, status: 'paused', remainingMinutes: null };
  const targets = settings.slaTargets[row.category];
  const first = !row.firstResponseAt && row.firstResponseDueAt;
  const at = first ? row.firstResponseDueAt : row.resolutionDueAt;
  const target = first ? targets.firstResponseMinutes : targets.resolutionMinutes;
  const clock = first ? 'firstResponse' : 'resolution';
  if (!at) return { clock, at: null, status: 'none', remainingMinutes: null };
  // A missed first response stays missed even when the resolution deadline is still far.
  const firstMissed = !row.firstResponseAt && row.firstResponseDueAt && row.firstResponseDueAt <= now;
  if (at <= now || firstMissed) return { clock, at, status: 'breached', remainingMinutes: null };
  const remaining = calendar.businessMinutesBetween(now, at);
  return { clock, at, status: target - remaining >= target * settings.warningRatio ? 'warning' : 'ok', remainingMinutes: remaining };
}

type Where = { sql: string; replacements: Record<string, unknown> };

/** The filter as the viewer may use it: a body's users are always scoped to their body. */
export function normaliseFilter(viewer: Viewer, query: unknown): QueueFilter {
  const filter = queueFilterSchema.parse(query ?? {});
  const staff = isStaff(viewer);
  if (!staff) {
    delete filter.entity;
    delete filter.entityName;
    delete filter.assignee;
    delete filter.overdue;
  }
  filter.state ??= staff ? 'open' : 'all';
  filter.sort ??= staff ? 'due' : 'updated';
  return filter;
}

/** The filter, with a body typed by name resolved to the bodies it names (`bodies`). */
export async function resolveFilter(viewer: Viewer, query: unknown): Promise<QueueFilter & { bodies?: number[] }> {
  const filter = normaliseFilter(viewer, query);
  return filter.entityName ? { ...filter, bodies: await matchBodies(filter.entityName) } : filter;
}

export function whereOf(viewer: Viewer, filter: QueueFilter & { bodies?: number[] }): Where {
  const clauses: string[] = [];
  const replacements: Record<string, unknown> = {};
  if (!isStaff(viewer)) {
    clauses.push('r.entity_id = :viewerEntity');
    replacements.viewerEntity = viewer?.entityId ?? -1;
  } else if (filter.bodies) {
    // The typed body wins over an id from a link: the form shows the linked body's name and sends it back.
    clauses.push('r.entity_id = ANY(CAST(:bodies AS int[]))');
    replacements.bodies = `{${filter.bodies.join(',')}}`;
  } else if (filter.entity) {
    clauses.push('r.entity_id = :entity');
    replacements.entity = filter.entity;
  }
  if (filter.state === 'open') clauses.push("r.state IN ('new','assigned','in_progress','waiting')");
  else if (filter.state && filter.state !== 'all') {
    clauses.push('r.state = :state');
    replacements.state = filter.state;
  }
  if (filter.category) {
    clauses.push('r.category = :category');
    replacements.category = filter.category;
  }
  if (filter.priority) {
    clauses.push('r.priority = :priority');
    replacements.priority = filter.priority;
  }
  if (filter.assignee === 'me') {
    clauses.push('r.assignee_id = :me');
    replacements.me = viewer?.userId ?? -1;
  } else if (filter.assignee === 'none') clauses.push('r.assignee_id IS NULL');
  else if (filter.assignee) {
    clauses.push('r.assignee_id = :assignee');
    replacements.assignee = Number(filter.assignee);
  }
  if (filter.overdue) clauses.push(OVERDUE_SQL);
  if (filter.q) {
    const number = /^#?(\d{1,9})$/.exec(filter.q);
    if (number) {
      clauses.push('(r.id = :qid OR lower(r.subject) LIKE :qlike)');
      replacements.qid = Number(number[1]);
    } else clauses.push('lower(r.subject) LIKE :qlike');
    replacements.qlike = `%${escapeLike(filter.q.toLowerCase())}%`;
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', replacements };
}

const ORDER: Record<string, string> = {
  due: 'r.resolution_due_at ASC NULLS LAST, r.id ASC',
  updated: 'r.last_activity_at DESC, r.id DESC',
  created: 'r.created_at DESC, r.id DESC',
  priority: "CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, r.resolution_due_at ASC NULLS LAST, r.id ASC",
};

/** The list's columns, then `extra` ones, from the request and the names it shows. */
const select = (extra = '') => `SELECT r.id, r.entity_id AS "entityId", e.name AS "entityName", r.subject, r.category, r.priority, r.state,
       rq.name AS "requesterName", r.assignee_id AS "assigneeId", asg.name AS "assigneeName",
       r.created_at AS "createdAt", r.last_activity_at AS "lastActivityAt", r.first_response_at AS "firstResponseAt",
       r.first_response_due_at AS "firstResponseDueAt", r.resolution_due_at AS "resolutionDueAt",
       r.resolved_at AS "resolvedAt", r.closed_at AS "closedAt", r.first_response_met AS "firstResponseMet",
       r.resolution_met AS "resolutionMet", r.message_count AS "messageCount"${extra}
  FROM desk_requests r
  JOIN entities e ON e.id = r.entity_id
  LEFT JOIN users rq ON rq.id = r.requester_id
  LEFT JOIN users asg ON asg.id = r.assignee_id`;

// A list is counted at most this far past the page shown: counting 90,000 closed requests costs more
// than the page itself, and "more than 1,000" is all a reader needs in order to narrow the filters.
const COUNT_AHEAD = 1000;

export async function listRequests(platform: Platform, viewer: Viewer, query: unknown, page: { perPage: number; offset: number }, now = new Date()) {
  const filter = await resolveFilter(viewer, query);
  const { sql, replacements } = whereOf(viewer, filter);
  const cap = page.offset + COUNT_AHEAD;
  const counted = `SELECT count(*) FROM (SELECT 1 FROM desk_requests r ${sql} LIMIT :cap) counted`;
  // The count rides on every row of the page (computed once): one round trip instead of two. An
  // empty page says nothing of the count, unless it is the first (then there is nothing at all).
  const [rows, config] = await Promise.all([
    platform.sequelize.query<ListRow & { total: string }>(`${select(`, (${counted}) AS total`)} ${sql} ORDER BY ${ORDER[filter.sort!]} LIMIT :limit OFFSET :offset`, {
      replacements: { ...replacements, cap: cap + 1, limit: page.perPage, offset: page.offset },
      type: QueryTypes.SELECT,
    }),
    deskConfig(platform.sequelize),
  ]);
  let n = rows.length ? Number(rows[0].total) : 0;
  if (!rows.length && page.offset > 0) {
    const [row] = await platform.sequelize.query<{ count: string }>(counted, { replacements: { ...replacements, cap: cap + 1 }, type: QueryTypes.SELECT });
    n = Number(row.count);
  }
  const items = rows.map(({ total: _total, ...r }) => ({ ...r, due: dueInfo(r, config.settings, config.calendar, now) }));
  return { filter, rows: items, total: Math.min(n, cap), more: n > cap };
}

/** Counts for the home cards. */
export async function deskCounts(platform: Platform, viewer: Viewer): Promise<{ open: number; mine: number; overdue: number; unassigned: number; waiting: number }> {
  if (!viewer) return { open: 0, mine: 0, overdue: 0, unassigned: 0, waiting: 0 };
  if (!isStaff(viewer)) {
    const [row] = await platform.sequelize.query<{ open: string; waiting: string }>(
      `SELECT count(*) FILTER (WHERE state IN ('new','assigned','in_progress','waiting')) AS open, count(*) FILTER (WHERE state = 'waiting') AS waiting
         FROM desk_requests WHERE entity_id = :e`,
      { replacements: { e: viewer.entityId ?? -1 }, type: QueryTypes.SELECT },
    );
    return { open: Number(row.open), waiting: Number(row.waiting), mine: 0, overdue: 0, unassigned: 0 };
  }
  const [row] = await platform.sequelize.query<{ mine: string; overdue: string; unassigned: string }>(
    `SELECT (SELECT count(*) FROM desk_requests WHERE assignee_id = :me AND state IN ('new','assigned','in_progress','waiting')) AS mine,
            (SELECT count(*) FROM desk_requests r WHERE ${OVERDUE_SQL}) AS overdue,
            (SELECT count(*) FROM desk_requests WHERE state = 'new') AS unassigned`,
    { replacements: { me: viewer.userId }, type: QueryTypes.SELECT },
  );
  return { open: 0, waiting: 0, mine: Number(row.mine), overdue: Number(row.overdue), unassigned: Number(row.unassigned) };
}

export const CSV_COLUMNS = [
  'numero',
  'ente',
  'codice_ipa',
  'oggetto',
  'categoria',
  'priorita',
  'stato',
  'richiedente',
  'assegnata_a',
  'aperta_il',
  'prima_risposta_il',
  'scadenza_prima_risposta',
  'scadenza_risoluzione',
  'risolta_il',
  'chiusa_il',
  'sla_prima_risposta',
  'sla_risoluzione',
  'messaggi_pubblici',
] as const;

// Text typed by users goes out as it is: the CSV responder (src/web/responders.ts) guards every cell against formulas.
const cell = (v: string | null) => v ?? '';
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : '');

/** Translates a locale key in the reader's language (the `t` of the request). */
export type Words = (key: string) => string;

/**
 * The filtered list as CSV rows, read in keyset batches. Only request fields: no message text at all,
 * so no internal note can slip into an export. The column names are fixed identifiers (CSV_COLUMNS),
 * whatever the language, so that spreadsheets and scripts built on the export keep working; the
 * names of states, categories and priorities in the cells are in the reader's language (`words`).
 */
export async function* exportRows(platform: Platform, viewer: Viewer, query: unknown, words: Words): AsyncGenerator<Record<(typeof CSV_COLUMNS)[number], string | number>> {
  const met = (v: boolean | null) => (v === null ? '' : words(v ? 'desk:csv.met' : 'desk:csv.missed'));
  const filter = await resolveFilter(viewer, query);
  const { sql, replacements } = whereOf(viewer, filter);
  let lastId = 0;
  for (;;) {
    const rows = await platform.sequelize.query<ListRow & { ipaCode: string }>(
      `SELECT r.id, e.name AS "entityName", e.ipa_code AS "ipaCode", r.subject, r.category, r.priority, r.state,
              rq.name AS "requesterName", asg.name AS "assigneeName", r.created_at AS "createdAt", r.first_response_at AS "firstResponseAt",
              r.first_response_due_at AS "firstResponseDueAt", r.resolution_due_at AS "resolutionDueAt", r.resolved_at AS "resolvedAt",
              r.closed_at AS "closedAt", r.first_response_met AS "firstResponseMet", r.resolution_met AS "resolutionMet", r.message_count AS "messageCount"
         FROM desk_requests r JOIN entities e ON e.id = r.entity_id
         LEFT JOIN users rq ON rq.id = r.requester_id LEFT JOIN users asg ON asg.id = r.assignee_id
         ${sql ? `${sql} AND` : 'WHERE'} r.id > :lastId ORDER BY r.id LIMIT 1000`,
      { replacements: { ...replacements, lastId }, type: QueryTypes.SELECT },
    );
    if (!rows.length) return;
    for (const r of rows) {
      yield {
        numero: r.id,
        ente: cell(r.entityName),
        codice_ipa: r.ipaCode,
        oggetto: cell(r.subject),
        categoria: words(`desk:category.${r.category}`),
        priorita: words(`desk:priority.${r.priority}`),
        stato: words(`desk:state.${r.state}`),
        richiedente: cell(r.requesterName),
        assegnata_a: cell(r.assigneeName),
        aperta_il: iso(r.createdAt),
        prima_risposta_il: iso(r.firstResponseAt),
        scadenza_prima_risposta: r.firstResponseAt ? '' : iso(r.firstResponseDueAt),
        scadenza_risoluzione: r.state === 'resolved' || r.state === 'closed' ? '' : iso(r.resolutionDueAt),
        risolta_il: iso(r.resolvedAt),
        chiusa_il: iso(r.closedAt),
        sla_prima_risposta: met(r.firstResponseMet),
        sla_risoluzione: met(r.resolutionMet),
        messaggi_pubblici: r.messageCount,
      };
    }
    lastId = rows[rows.length - 1].id;
  }
}
