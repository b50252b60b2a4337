// Adoption: a body declares, for itself, interest in an asset, an evaluation, its use, or that it
// dropped it. The asset page, the body page and the staff matrix read these declarations.
import { QueryTypes, type Transaction } from 'sequelize';
import { isBodyUser, isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { Adoption, type AdoptionStatus } from './models.js';
import { openDataT } from './exports.js';
import { canDeclareAdoption, canSeeAdoptionMatrix, canSeeAdoptionNote } from './policy.js';
import { adoptionSchema } from './schemas.js';
import { loadAsset } from './service.js';

const today = () => new Date().toISOString().slice(0, 10);

/** Recounts the denormalised counters the list sorts and filters on ("most adopted", "in use"). */
export async function recountAdoptions(platform: Platform, assetId: number, transaction?: Transaction): Promise<void> {
  await platform.sequelize.query(
    `UPDATE catalog_assets SET
       in_use_count = (SELECT count(*) FROM catalog_adoptions WHERE asset_id = :id AND status = 'in_use'),
       adoption_count = (SELECT count(*) FROM catalog_adoptions WHERE asset_id = :id AND status <> 'dismissed')
     WHERE id = :id`,
    { replacements: { id: assetId }, transaction },
  );
}

/** Creates or changes the declaration of the actor's own body (the body is never taken from the form). */
export async function declareAdoption(platform: Platform, actor: Actor, slug: string, input: unknown): Promise<{ status: AdoptionStatus; created: boolean }> {
  const asset = await loadAsset(actor, slug);
  if (!isBodyUser(actor) || !actor.entityId) throw new ForbiddenError(msg('catalog:error.adoptBodyOnly'), 'catalog.adopt');
  if (!canDeclareAdoption(actor, asset)) throw new ForbiddenError(msg('catalog:error.adoptPublishedOnly'), 'catalog.adopt');
  const data = parseInput(adoptionSchema, input);
  const entityId = actor.entityId;
  const outcome = await platform.sequelize.transaction(async (transaction) => {
    const existing = await Adoption.findOne({ where: { assetId: asset.id, entityId }, transaction, lock: transaction.LOCK.UPDATE });
    const since = data.since ?? (existing && existing.status === data.status ? existing.since : today());
    let created = false;
    let previous: AdoptionStatus | null = null;
    if (existing) {
      previous = existing.status;
      await existing.update({ status: data.status, since, note: data.note, declaredBy: actor.userId }, { transaction });
    } else {
      await Adoption.create({ assetId: asset.id, entityId, status: data.status, since, note: data.note, declaredBy: actor.userId }, { transaction });
      created = true;
    }
    await recountAdoptions(platform, asset.id, transaction);
    await platform.audit.record(actor, {
      action: 'catalog.adoption-declared',
      subjectType: 'catalog_asset',
      subjectId: asset.id,
      entityId,
      details: { slug: asset.slug, from: previous, to: data.status, since },
    }, transaction);
    return { status: data.status, created };
  });
  return outcome;
}

// ---- The body page (entities module's entityPanels hook) ----

export async function entityCatalogPanel(platform: Platform, viewer: Viewer, entityId: number) {
  const [adoptions, ceded] = await Promise.all([
    platform.sequelize.query<{ slug: string; name: string; kind: string; status: AdoptionStatus; since: string; note: string | null }>(
      `SELECT a.slug, a.name, a.kind, d.status, to_char(d.since, 'YYYY-MM-DD') AS since, d.note
         FROM catalog_adoptions d JOIN catalog_assets a ON a.id = d.asset_id
        WHERE d.entity_id = :entityId AND a.status = 'published'
        ORDER BY CASE d.status WHEN 'in_use' THEN 0 WHEN 'evaluating' THEN 1 WHEN 'interested' THEN 2 ELSE 3 END, a.name
        LIMIT 200`,
      { replacements: { entityId }, type: QueryTypes.SELECT },
    ),
    platform.sequelize.query<{ slug: string; name: string; kind: string; in_use_count: number }>(
      `SELECT slug, name, kind, in_use_count FROM catalog_assets WHERE entity_id = :entityId AND status = 'published' ORDER BY in_use_count DESC, name LIMIT 100`,
      { replacements: { entityId }, type: QueryTypes.SELECT },
    ),
  ]);
  const showNotes = canSeeAdoptionNote(viewer, entityId);
  return {
    adoptions: adoptions.map((a) => ({ ...a, note: showNotes ? a.note : null })),
    ceded,
    own: !!viewer && !isStaff(viewer) && viewer.entityId === entityId,
  };
}

// ---- The staff matrix ----

export type MatrixFilter = { province: string | null; kind: string | null; onlyInUse: boolean };

export function parseMatrixFilter(query: Record<string, unknown>): MatrixFilter {
  const province = typeof query.provincia === 'string' && /^[A-Za-z]{2}$/.test(query.provincia) ? query.provincia.toUpperCase() : null;
  const kind = typeof query.tipo === 'string' && ['software', 'template', 'toolkit', 'service'].includes(query.tipo) ? query.tipo : null;
  return { province, kind, onlyInUse: query.solo_in_uso === '1' };
}

const MATRIX_BODIES = 40;

/**
 * One page of assets (rows) with the bodies that declared something about them (columns): the
 * columns are the bodies with declarations on the page's assets, the most active first.
 */
export async function adoptionMatrix(platform: Platform, viewer: Viewer, filter: MatrixFilter, page: { perPage: number; offset: number }) {
  if (!canSeeAdoptionMatrix(viewer)) throw new ForbiddenError(msg('catalog:error.matrixStaffOnly'), 'catalog.matrix');
  const statusCond = filter.onlyInUse ? `d.status = 'in_use'` : 'true';
  const replacements = { province: filter.province, kind: filter.kind, limit: page.perPage, offset: page.offset };
  const bodyCond = filter.province ? 'AND e.province_code = :province' : '';
  const kindCond = filter.kind ? 'AND a.kind = :kind' : '';
  const assets = await platform.sequelize.query<{ id: number; slug: string; name: string; in_use_count: number; adoption_count: number; total: number }>(
    `SELECT a.id, a.slug, a.name, a.in_use_count, a.adoption_count, count(*) OVER ()::int AS total
       FROM catalog_assets a
      WHERE a.status = 'published' ${kindCond}
        AND EXISTS (SELECT 1 FROM catalog_adoptions d JOIN entities e ON e.id = d.entity_id WHERE d.asset_id = a.id AND ${statusCond} ${bodyCond})
      ORDER BY a.in_use_count DESC, a.adoption_count DESC, lower(a.name)
      LIMIT :limit OFFSET :offset`,
    { replacements, type: QueryTypes.SELECT },
  );
  const ids = assets.map((a) => a.id);
  const cells = ids.length
    ? await platform.sequelize.query<{ asset_id: number; entity_id: number; entity_name: string; ipa_code: string; status: AdoptionStatus; since: string }>(
        `SELECT d.asset_id, d.entity_id, e.name AS entity_name, e.ipa_code, d.status, to_char(d.since, 'YYYY-MM-DD') AS since
           FROM catalog_adoptions d JOIN entities e ON e.id = d.entity_id
          WHERE d.asset_id IN (:ids) AND ${statusCond} ${bodyCond}`,
        { replacements: { ...replacements, ids }, type: QueryTypes.SELECT },
      )
    : [];
  const bodyTotals = new Map<number, { id: number; name: string; ipa: string; n: number }>();
  for (const c of cells) {
    const b = bodyTotals.get(c.entity_id) ?? { id: c.entity_id, name: c.entity_name, ipa: c.ipa_code, n: 0 };
    b.n++;
    bodyTotals.set(c.entity_id, b);
  }
  const bodies = [...bodyTotals.values()].sort((a, b) => b.n - a.n || a.name.localeCompare(b.name, 'it'));
  const shownBodies = bodies.slice(0, MATRIX_BODIES).sort((a, b) => a.name.localeCompare(b.name, 'it'));
  const grid = new Map(cells.map((c) => [`${c.asset_id}:${c.entity_id}`, c]));
  return {
    assets,
    bodies: shownBodies,
    hiddenBodies: Math.max(0, bodies.length - MATRIX_BODIES),
    cell: (assetId: number, entityId: number) => grid.get(`${assetId}:${entityId}`) ?? null,
    total: assets[0]?.total ?? 0,
  };
}

/** The whole matrix as CSV rows: one row per asset, one column per body with at least one declaration. */
export async function* adoptionMatrixCsv(platform: Platform, viewer: Viewer, filter: MatrixFilter): AsyncGenerator<string[]> {
  if (!canSeeAdoptionMatrix(viewer)) throw new ForbiddenError(msg('catalog:error.matrixStaffOnly'), 'catalog.matrix');
  const statusCond = filter.onlyInUse ? `d.status = 'in_use'` : 'true';
  const bodyCond = filter.province ? 'AND e.province_code = :province' : '';
  const kindCond = filter.kind ? 'AND a.kind = :kind' : '';
  const replacements = { province: filter.province, kind: filter.kind };
  const bodies = await platform.sequelize.query<{ id: number; name: string; ipa_code: string }>(
    `SELECT DISTINCT e.id, e.name, e.ipa_code FROM catalog_adoptions d
       JOIN entities e ON e.id = d.entity_id JOIN catalog_assets a ON a.id = d.asset_id
      WHERE a.status = 'published' ${kindCond} AND ${statusCond} ${bodyCond}
      ORDER BY e.name`,
    { replacements, type: QueryTypes.SELECT },
  );
  const column = new Map(bodies.map((b, i) => [b.id, i]));
  yield ['asset', 'slug', 'in_uso', 'dichiarazioni', ...bodies.map((b) => `${b.name} (${b.ipa_code})`)];
  let lastKey: { n: number; name: string; id: number } | null = null;
  for (;;) {
    const assets: Array<{ id: number; slug: string; name: string; lname: string; in_use_count: number; adoption_count: number }> = await platform.sequelize.query(
      `SELECT a.id, a.slug, a.name, lower(a.name) AS lname, a.in_use_count, a.adoption_count FROM catalog_assets a
        WHERE a.status = 'published' ${kindCond}
          AND EXISTS (SELECT 1 FROM catalog_adoptions d JOIN entities e ON e.id = d.entity_id WHERE d.asset_id = a.id AND ${statusCond} ${bodyCond})
          ${lastKey ? 'AND (a.in_use_count, lower(a.name), a.id) > (:n, :name, :lastId)' : ''}
        ORDER BY a.in_use_count, lower(a.name), a.id LIMIT 500`,
      { replacements: { ...replacements, n: lastKey?.n ?? 0, name: lastKey?.name ?? '', lastId: lastKey?.id ?? 0 }, type: QueryTypes.SELECT },
    );
    if (!assets.length) return;
    const cells = await platform.sequelize.query<{ asset_id: number; entity_id: number; status: AdoptionStatus }>(
      `SELECT d.asset_id, d.entity_id, d.status FROM catalog_adoptions d JOIN entities e ON e.id = d.entity_id
        WHERE d.asset_id IN (:ids) AND ${statusCond} ${bodyCond}`,
      { replacements: { ...replacements, ids: assets.map((a) => a.id) }, type: QueryTypes.SELECT },
    );
    const byAsset = new Map<number, string[]>();
    for (const c of cells) {
      const row = byAsset.get(c.asset_id) ?? new Array<string>(bodies.length).fill('');
      const i = column.get(c.entity_id);
      // Like the open data, the CSV speaks Italian whoever downloads it (see exports.ts).
      if (i !== undefined) row[i] = openDataT(`catalog:adoption.${c.status}`);
      byAsset.set(c.asset_id, row);
    }
    for (const a of assets) yield [a.name, a.slug, String(a.in_use_count), String(a.adoption_count), ...(byAsset.get(a.id) ?? new Array<string>(bodies.length).fill(''))];
    const last = assets[assets.length - 1];
    lastKey = { n: last.in_use_count, name: last.lname, id: last.id };
  }
}
