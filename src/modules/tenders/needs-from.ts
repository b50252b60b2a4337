// A body joins a dossier's needs collection from another area (a working group's action): it is
// invited to the open call like the bodies staff chose, gets the same invitation mail, and its
// needs page shows where the invitation came from. Staff only, like every invitation.
import { QueryTypes } from 'sequelize';
import type { Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { findBodies } from '../entities/index.js';
import { formatDay, todayInRome } from './dates.js';
import { recordEvent } from './history.js';
import { Dossier, NeedsCall, NeedsItem } from './models.js';
import { bodyRecipients } from './needs.js';
import { assertCanManage } from './policy.js';
import { needsAnswerAllowed } from './procurement.js';

export type NeedsOrigin = { kind: string; id: number; label: string; href: string };
export type NeedsCollectionFrom = { dossierId: number; entityId: number; origin: NeedsOrigin };

/** The aggregated dossiers whose needs collection is open now: what a body may still join. */
export async function openNeedsCollections(platform: Platform): Promise<Array<{ id: number; title: string; deadline_on: string }>> {
  return platform.sequelize.query(
    `SELECT d.id, d.title, to_char(c.deadline_on, 'YYYY-MM-DD') AS deadline_on FROM tender_dossiers d JOIN tender_needs_calls c ON c.dossier_id = d.id
      WHERE d.phase = 'needs_collection' AND d.contracting_entity_id IS NULL AND c.closed_at IS NULL AND c.deadline_on >= :today
      ORDER BY c.deadline_on, d.id LIMIT 100`,
    { replacements: { today: todayInRome() }, type: QueryTypes.SELECT },
  );
}

/** Invites the body to the dossier's open needs collection (once), noting where it came from. */
export async function joinNeedsCollection(platform: Platform, actor: Actor, input: NeedsCollectionFrom): Promise<{ id: number; href: string }> {
  assertCanManage(actor, 'tenders.needs-join');
  const [body] = await findBodies([input.entityId]);
  if (!body || body.membershipStatus !== 'active') throw new ConflictError('tenders:error.inviteActiveOnly');
  return platform.sequelize.transaction(async (transaction) => {
    const dossier = await Dossier.findByPk(input.dossierId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!dossier || dossier.contractingEntityId !== null) throw new NotFoundError('tenders:error.dossierNotFound');
    const call = await NeedsCall.findOne({ where: { dossierId: dossier.id }, transaction });
    if (!call || call.closedAt !== null || !needsAnswerAllowed(call.deadlineOn, new Date(), dossier.phase)) throw new ConflictError('tenders:error.needsJoinClosed');
    const href = `/gare/${dossier.id}/fabbisogni?ente=${body.id}`;
    const [existing] = await platform.sequelize.query<{ id: number }>('SELECT id FROM tender_needs_invitations WHERE call_id = :c AND entity_id = :e', { replacements: { c: call.id, e: body.id }, type: QueryTypes.SELECT, transaction });
    if (existing) {
      // Already invited by staff: the invitation now also says where the request came from.
      await platform.sequelize.query('UPDATE tender_needs_invitations SET origin_kind = coalesce(origin_kind, :kind), origin_id = coalesce(origin_id, :oid), origin_label = coalesce(origin_label, :label), origin_href = coalesce(origin_href, :href) WHERE id = :id', {
        replacements: { id: existing.id, kind: input.origin.kind, oid: input.origin.id, label: input.origin.label, href: input.origin.href },
        transaction,
      });
      return { id: existing.id, href };
    }
    const [row] = await platform.sequelize.query<{ id: number }>(
      `INSERT INTO tender_needs_invitations (call_id, entity_id, origin_kind, origin_id, origin_label, origin_href) VALUES (:c, :e, :kind, :oid, :label, :href) RETURNING id`,
      { replacements: { c: call.id, e: body.id, kind: input.origin.kind, oid: input.origin.id, label: input.origin.label, href: input.origin.href }, type: QueryTypes.SELECT, transaction },
    );
    await platform.sequelize.query(`INSERT INTO tender_participants (dossier_id, entity_id, status) VALUES (:d, :e, 'invited') ON CONFLICT (dossier_id, entity_id) DO NOTHING`, { replacements: { d: dossier.id, e: body.id }, transaction });
    const items = await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC']], transaction });
    for (const to of (await bodyRecipients([body.id], transaction)).get(body.id) ?? []) {
      await platform.mail.send(
        {
          to,
          subject: msg('tenders:mail.needsInvitation.subject', { title: dossier.title }),
          template: 'tenders-needs-invitation',
          data: { entityName: body.name, title: dossier.title, object: dossier.object, deadline: formatDay(call.deadlineOn), instructions: call.instructions, items: items.map((i) => ({ label: i.label, unit: i.unit, measure: i.measure })), link: `${platform.config.baseUrl}/gare/${dossier.id}/fabbisogni` },
        },
        transaction,
      );
    }
    await recordEvent(platform, actor, dossier.id, { kind: 'needs-joined', summary: msg('tenders:event.needsJoined', { name: body.name, origin: input.origin.label }), details: { callId: call.id, entityId: body.id, origin: input.origin }, entityId: body.id }, transaction);
    return { id: row.id, href };
  });
}

/** Where a body's invitation to a call came from, when it came from another area. */
export async function invitationOrigin(platform: Platform, callId: number, entityId: number): Promise<{ label: string; href: string } | null> {
  const [row] = await platform.sequelize.query<{ label: string; href: string }>(
    'SELECT origin_label AS label, origin_href AS href FROM tender_needs_invitations WHERE call_id = :c AND entity_id = :e AND origin_href IS NOT NULL',
    { replacements: { c: callId, e: entityId }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}
