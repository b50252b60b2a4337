// The staff's view of every body (last assessment, level, scores per area, plan progress, overdue
// actions, coach), a body's page with its history, and the anonymised benchmark by population band.
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import type { Page } from '../../web/pagination.js';
import { findActiveStaff } from '../accounts/index.js';
import { todayInRome } from '../tenders/index.js';
import { BAND_SQL, BENCHMARK_MIN_PEERS, LEVELS, median, POPULATION_BANDS, populationBand, type AreaScore, type PopulationBand } from './core.js';
import { assertCanSee, canSeeAllBodies, canWorkOnBody } from './policy.js';
import { requireBody } from './assessments.js';
import { loadPlan } from './plan.js';
import { nextObligation } from './obligations.js';
import { nextSession } from './sessions.js';
import { exec, one, rows } from './sql.js';

export type StaffFilters = { province: string | null; band: PopulationBand | null; level: number | null; coach: number | null };

export function parseFilters(query: Record<string, unknown>): StaffFilters {
  const s = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const province = /^[A-Za-z]{2}$/.test(s('province')) ? s('province').toUpperCase() : null;
  const band = (POPULATION_BANDS as readonly string[]).includes(s('band')) ? (s('band') as PopulationBand) : null;
  const level = /^[1-5]$/.test(s('level')) ? Number(s('level')) : s('level') === '0' ? 0 : null;
  const coach = /^\d{1,9}$/.test(s('coach')) ? Number(s('coach')) : null;
  return { province, band, level, coach };
}

export type StaffRow = {
  id: number;
  name: string;
  province_code: string | null;
  population: number | null;
  band: PopulationBand | null;
  last_at: Date | null;
  last_id: number | null;
  level: number | null;
  score: string | null;
  area_scores: AreaScore[] | null;
  progress: number | null;
  overdue: number;
  coach_name: string | null;
};

/** Every active body with its coaching figures: two statements for any number of bodies (count, page). */
export async function staffList(platform: Platform, viewer: Viewer, query: Record<string, unknown>, page: Page) {
  if (!canSeeAllBodies(viewer)) throw new ForbiddenError('coaching:error.staffOnly', 'coaching.list');
  const filters = parseFilters(query);
  const where = [`e.membership_status = 'active'`];
  if (filters.province) where.push('e.province_code = :province');
  if (filters.band) where.push(`${BAND_SQL} = :band`);
  if (filters.level === 0) where.push('la.level IS NULL');
  else if (filters.level) where.push('la.level = :level');
  if (filters.coach) where.push('cc.coach_user_id = :coach');
  const joins = `FROM entities e
    LEFT JOIN LATERAL (SELECT a.id, a.submitted_at, a.level, a.score, a.area_scores FROM coaching_assessments a
                        WHERE a.entity_id = e.id AND a.status IN ('submitted','approved') ORDER BY a.submitted_at DESC LIMIT 1) la ON true
    LEFT JOIN coaching_coaches cc ON cc.entity_id = e.id`;
  const whereSql = `WHERE ${where.join(' AND ')}`;
  const replacements = { ...filters, today: todayInRome(), limit: page.perPage, offset: page.offset };
  const total = (await one<{ n: number }>(platform, `SELECT count(*)::int AS n ${joins} ${whereSql}`, replacements))!.n;
  const list = await rows<StaffRow>(
    platform,
    `SELECT e.id, e.name, e.province_code, e.population, ${BAND_SQL} AS band, la.submitted_at AS last_at, la.id AS last_id, la.level, la.score, la.area_scores,
            p.progress, COALESCE(p.overdue, 0)::int AS overdue, COALESCE(NULLIF(u.name, ''), u.email) AS coach_name
       ${joins}
       LEFT JOIN users u ON u.id = cc.coach_user_id
       LEFT JOIN LATERAL (SELECT round(avg(CASE WHEN x.status = 'done' THEN 100 ELSE x.progress END) FILTER (WHERE x.status <> 'na'))::int AS progress,
                                 count(*) FILTER (WHERE x.status IN ('todo','doing') AND x.due_on < :today) AS overdue
                            FROM coaching_actions x WHERE x.entity_id = e.id) p ON true
       ${whereSql}
      ORDER BY e.name, e.id LIMIT :limit OFFSET :offset`,
    replacements,
  );
  return { filters, total, bodies: list };
}

/** The options of the list's filters (provinces, coaches): two small statements. */
export async function staffFilterOptions(platform: Platform) {
  const provinces = (await rows<{ p: string }>(platform, `SELECT DISTINCT province_code AS p FROM entities WHERE membership_status = 'active' AND province_code IS NOT NULL ORDER BY 1`)).map((r) => r.p);
  const coaches = await rows<{ id: number; name: string }>(platform, `SELECT id, COALESCE(NULLIF(name, ''), email) AS name FROM users WHERE role IN ('staff','admin') AND status = 'active' ORDER BY name LIMIT 200`);
  return { provinces, coaches, levels: LEVELS, bands: POPULATION_BANDS };
}

export type HistoryPoint = { id: number; at: Date; score: number | null; level: number | null; areas: AreaScore[] };

export async function history(platform: Platform, entityId: number): Promise<HistoryPoint[]> {
  return (
    await rows<{ id: number; submitted_at: Date; score: string | null; level: number | null; area_scores: AreaScore[] }>(
      platform,
      `SELECT id, submitted_at, score, level, area_scores FROM coaching_assessments WHERE entity_id = :entityId AND status IN ('submitted','approved') ORDER BY submitted_at, id LIMIT 50`,
      { entityId },
    )
  ).map((r) => ({ id: r.id, at: r.submitted_at, score: r.score === null ? null : Number(r.score), level: r.level, areas: r.area_scores }));
}

export type Benchmark = { band: PopulationBand; peers: number; rows: Array<{ code: string; title: string; own: number | null; median: number | null }>; ownScore: number | null; medianScore: number | null } | null;

/**
 * The body's last scores against the median of the other bodies of its population band (their last
 * submitted assessment on the same template), never their names; null with fewer than
 * BENCHMARK_MIN_PEERS peers, so no single body's figures can be read from it.
 */
export async function benchmark(platform: Platform, entityId: number, population: number | null, last: HistoryPoint | undefined): Promise<Benchmark> {
  const band = populationBand(population);
  if (!band || !last) return null;
  const peers = await rows<{ score: string | null; area_scores: AreaScore[] }>(
    platform,
    `SELECT la.score, la.area_scores FROM entities e
       JOIN LATERAL (SELECT a.score, a.area_scores FROM coaching_assessments a
                      WHERE a.entity_id = e.id AND a.status IN ('submitted','approved')
                        AND a.version_id IN (SELECT v.id FROM coaching_template_versions v WHERE v.template_id = (SELECT template_id FROM coaching_template_versions WHERE id = (SELECT version_id FROM coaching_assessments WHERE id = :lastId)))
                      ORDER BY a.submitted_at DESC LIMIT 1) la ON true
      WHERE e.id <> :entityId AND ${BAND_SQL} = :band`,
    { entityId, band, lastId: last.id },
  );
  if (peers.length < BENCHMARK_MIN_PEERS) return { band, peers: peers.length, rows: [], ownScore: last.score, medianScore: null };
  const rowsOut = last.areas.map((a) => ({
    code: a.code,
    title: a.title,
    own: a.score,
    median: median(peers.flatMap((p) => p.area_scores.filter((x) => x.code === a.code && x.score !== null).map((x) => x.score!))),
  }));
  return { band, peers: peers.length, rows: rowsOut, ownScore: last.score, medianScore: median(peers.filter((p) => p.score !== null).map((p) => Number(p.score))) };
}

export async function bodyOverview(platform: Platform, viewer: Viewer, entityId: number) {
  assertCanSee(viewer, entityId);
  const body = await requireBody(entityId);
  const points = await history(platform, entityId);
  const plan = await loadPlan(platform, entityId);
  const open = await one<{ id: number; status: string }>(platform, `SELECT id, status FROM coaching_assessments WHERE entity_id = :entityId AND status IN ('draft','returned') LIMIT 1`, { entityId });
  const coach = await one<{ id: number; name: string }>(platform, `SELECT u.id, COALESCE(NULLIF(u.name, ''), u.email) AS name FROM coaching_coaches c JOIN users u ON u.id = c.coach_user_id WHERE c.entity_id = :entityId`, { entityId });
  return {
    body,
    history: points,
    last: points[points.length - 1] ?? null,
    benchmark: await benchmark(platform, entityId, body.population, points[points.length - 1]),
    plan,
    open,
    coach,
    next: await nextSession(platform, entityId),
    nextObligation: await nextObligation(platform, entityId, body.population ?? null),
    canWork: canWorkOnBody(viewer, entityId),
    isStaff: canSeeAllBodies(viewer),
  };
}

export async function setCoach(platform: Platform, actor: Actor, entityId: number, input: { coachId?: unknown }): Promise<void> {
  if (!canSeeAllBodies(actor)) throw new ForbiddenError('coaching:error.staffOnly', 'coaching.coach');
  await requireBody(entityId);
  const raw = typeof input.coachId === 'string' ? input.coachId.trim() : '';
  await platform.sequelize.transaction(async (transaction) => {
    if (!raw) {
      await exec(platform, `DELETE FROM coaching_coaches WHERE entity_id = :entityId`, { entityId }, transaction);
    } else {
      const coach = /^\d{1,9}$/.test(raw) ? await findActiveStaff(Number(raw), { transaction }) : null;
      if (!coach) throw new ValidationError({ coachId: msg('coaching:validation.coach') });
      await exec(platform, `INSERT INTO coaching_coaches (entity_id, coach_user_id) VALUES (:entityId, :c) ON CONFLICT (entity_id) DO UPDATE SET coach_user_id = EXCLUDED.coach_user_id`, { entityId, c: coach.id }, transaction);
    }
    await platform.audit.record(actor, { action: 'coaching.coach', subjectType: 'entity', subjectId: entityId, entityId, details: { coachId: raw || null } }, transaction);
  });
}

/** The home card of a body user: their next actions and the body's next session. */
export async function homeData(platform: Platform, viewer: Actor) {
  const entityId = viewer.entityId!;
  const actions = await rows<{ id: number; title: string; due_on: string | null }>(
    platform,
    `SELECT id, title, due_on FROM coaching_actions WHERE entity_id = :entityId AND status IN ('todo','doing') AND (owner_user_id = :me OR owner_user_id IS NULL)
      ORDER BY due_on NULLS LAST, id LIMIT 3`,
    { entityId, me: viewer.userId },
  );
  return { actions, next: await nextSession(platform, entityId) };
}
