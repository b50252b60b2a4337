// Actions that become work in another area, with a link back. Each target says how an action turns
// into its kind of work and gives back the kind, the id and the page of what it made; the action keeps
// them and the new work names the meeting it came from. A target appears once its area offers it.
import { isBodyUser, type Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { messageTranslator } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import type { Person } from '../accounts/index.js';
import { createPlanActionFrom } from '../coaching/index.js';
import { openRequestFor } from '../desk/index.js';
import { joinNeedsCollection, openNeedsCollections } from '../tenders/index.js';
import { recordTrainingNeed } from '../training/index.js';
import type { LinkKind } from './states.js';

export type ActionForLink = { id: number; title: string; due_on: string | null; meeting_id: number; meeting_title: string; group_name: string; owner_entity_id: number | null };
export type Link = { kind: LinkKind; id: number; href: string };

export type LinkOptions = { dossierId: number | null };
type Target = (platform: Platform, actor: Actor, action: ActionForLink, owner: Person, options: LinkOptions) => Promise<Link>;

const it = messageTranslator('it');

/** The owner as the actor of work opened in their body's name. */
function ownerActor(owner: Person | null): Actor {
  if (!owner || owner.status !== 'active') throw new ConflictError('groups:error.ownerNoBody');
  const actor: Actor = { userId: owner.id, email: owner.email, name: owner.name, role: owner.role, entityId: owner.entityId, ip: null };
  if (!isBodyUser(actor)) throw new ConflictError('groups:error.ownerNoBody');
  return actor;
}

/** Where the work came from, as the other area shows it: the group, the sitting and the action's anchor. */
const source = (action: ActionForLink) => ({
  kind: 'groups_action',
  id: action.id,
  label: it(msg('groups:link.coachingSource', { group: action.group_name, meeting: action.meeting_title })),
  href: `/tavoli/sedute/${action.meeting_id}#azione-${action.id}`,
});

const TARGETS: Partial<Record<LinkKind, Target>> = {
  // An action of the owner's body's coaching plan, linking back to the sitting (the coaching area's
  // own rule: staff or the body's RTD may add it).
  coaching: async (platform, actor, action, owner) => {
    const entityId = owner?.entityId ?? action.owner_entity_id;
    if (!entityId) throw new ConflictError('groups:error.ownerNoBody');
    try {
      const r = await createPlanActionFrom(platform, actor, {
        entityId,
        title: action.title.slice(0, 300),
        dueDate: action.due_on,
        ownerUserId: owner && owner.entityId === entityId && owner.status === 'active' ? owner.id : null,
        source: source(action),
      });
      return { kind: 'coaching', id: r.id, href: r.href };
    } catch (err) {
      if (err instanceof ForbiddenError || err instanceof NotFoundError) throw new ConflictError('groups:error.coachingNotAllowed');
      throw err;
    }
  },
  // A training need of the owner's body, which the training staff see with the link back (the
  // training area's own rule: staff or the body's referent or RTD may record it).
  training: async (platform, actor, action, owner) => {
    const entityId = owner?.entityId ?? action.owner_entity_id;
    if (!entityId) throw new ConflictError('groups:error.ownerNoBody');
    try {
      const r = await recordTrainingNeed(platform, actor, { entityId, title: action.title, source: source(action) });
      return { kind: 'training', id: r.id, href: r.href };
    } catch (err) {
      if (err instanceof ForbiddenError || err instanceof NotFoundError) throw new ConflictError('groups:error.trainingNotAllowed');
      throw err;
    }
  },
  // The owner's body joins the chosen dossier's open needs collection (the tenders area's own rule:
  // staff invite bodies), invited with the same mail as the others and the link back.
  tenders: async (platform, actor, action, owner, options) => {
    const entityId = owner?.entityId ?? action.owner_entity_id;
    if (!entityId) throw new ConflictError('groups:error.ownerNoBody');
    if (!options.dossierId) throw new ConflictError('groups:error.chooseDossier');
    try {
      const r = await joinNeedsCollection(platform, actor, { dossierId: options.dossierId, entityId, origin: source(action) });
      return { kind: 'tenders', id: options.dossierId, href: r.href };
    } catch (err) {
      if (err instanceof ForbiddenError) throw new ConflictError('groups:error.tendersNotAllowed');
      if (err instanceof NotFoundError) throw new ConflictError('groups:error.chooseDossier');
      throw err;
    }
  },
  // A desk request of the owner's body, opened in the owner's name.
  desk: async (platform, _actor, action, owner) => {
    const origin = `${platform.config.baseUrl}/tavoli/sedute/${action.meeting_id}#azione-${action.id}`;
    const r = await openRequestFor(platform, ownerActor(owner), {
      subject: action.title.slice(0, 200),
      description: it(msg('groups:link.deskDescription', { group: action.group_name, meeting: action.meeting_title, due: action.due_on ?? '—', url: origin })),
      category: 'strategic',
    });
    return { kind: 'desk', id: r.id, href: r.href };
  },
};

/** The kinds of work an action may become now. */
export const availableTargets = (): LinkKind[] => Object.keys(TARGETS) as LinkKind[];

export async function turnInto(platform: Platform, actor: Actor, kind: LinkKind, action: ActionForLink, owner: Person | null, options: LinkOptions = { dossierId: null }): Promise<Link> {
  const target = TARGETS[kind];
  if (!target) throw new ConflictError('groups:error.linkUnavailable');
  return target(platform, actor, action, owner as Person, options);
}

/** The dossiers whose needs collection an action's body may join now (for the form). */
export const needsCollections = (platform: Platform) => openNeedsCollections(platform);
