// Training needs: a need of a body recorded from elsewhere (a working group's action), with a link
// back to where it came from. Staff see every body's needs, a body's people their own.
import { QueryTypes } from 'sequelize';
import { isBodyUser, isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { findBody } from '../entities/index.js';
import { isBodyLead } from './policy.js';

export type NeedSource = { kind: string; id: number; label: string; href: string };
export type TrainingNeedFrom = { entityId: number; title: string; source: NeedSource };
export type TrainingNeedRow = { id: number; entity_id: number; entity_name: string; title: string; source_label: string; source_href: string; created_at: Date };

export const needHref = (id: number): string => `/formazione/fabbisogni#fabbisogno-${id}`;

/** Records a body's training need from another area (idempotent on the source): staff or the body's referent or RTD. */
export async function recordTrainingNeed(platform: Platform, actor: Actor, need: TrainingNeedFrom): Promise<{ id: number; href: string }> {
  if (!isStaff(actor) && !isBodyLead(actor, need.entityId)) throw new ForbiddenError('training:error.needNotAllowed', 'training.need.create');
  const body = await findBody(need.entityId);
  if (!body) throw new NotFoundError('training:error.needBody');
  return platform.sequelize.transaction(async (t) => {
    const [row] = await platform.sequelize.query<{ id: number }>(
      `INSERT INTO training_needs (entity_id, title, source_kind, source_id, source_label, source_href, created_by)
       VALUES (:entityId, :title, :kind, :sourceId, :label, :href, :by)
       ON CONFLICT (source_kind, source_id) DO UPDATE SET source_label = EXCLUDED.source_label RETURNING id`,
      { replacements: { entityId: need.entityId, title: need.title.slice(0, 500), kind: need.source.kind, sourceId: need.source.id, label: need.source.label, href: need.source.href, by: actor.userId }, type: QueryTypes.SELECT, transaction: t },
    );
    await platform.audit.record(actor, { action: 'training.need.create', subjectType: 'training_need', subjectId: row.id, entityId: need.entityId, details: { source: need.source.kind, sourceId: need.source.id } }, t);
    return { id: row.id, href: needHref(row.id) };
  });
}

/** The needs the viewer may see: staff every body's, a body's people their own; anyone else none. */
export async function trainingNeeds(platform: Platform, viewer: Viewer): Promise<TrainingNeedRow[]> {
  if (!isStaff(viewer) && !isBodyUser(viewer)) throw new ForbiddenError('training:error.needsBodies', 'training.needs');
  return platform.sequelize.query<TrainingNeedRow>(
    `SELECT n.id, n.entity_id, e.name AS entity_name, n.title, n.source_label, n.source_href, n.created_at
       FROM training_needs n JOIN entities e ON e.id = n.entity_id
      WHERE (:all OR n.entity_id = :entity) ORDER BY n.created_at DESC, n.id DESC LIMIT 500`,
    { replacements: { all: isStaff(viewer), entity: viewer?.entityId ?? 0 }, type: QueryTypes.SELECT },
  );
}
