// For the tenders area's dossier page: the funded projects of its CUP (or linked to it), as plain
// values, only those the viewer may see (staff, and the users of the project's body).
import { QueryTypes } from 'sequelize';
import type { Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { canSeeBodyFunding } from './policy.js';
import type { ProjectState } from './stages.js';

export type DossierProject = { id: number; title: string; entityName: string; state: ProjectState; cup: string | null; amountCents: number; href: string };

export async function fundingProjectsOfDossier(platform: Platform, viewer: Viewer, dossier: { id: number; cup: string | null }): Promise<DossierProject[]> {
  if (!viewer) return [];
  const rows = await platform.sequelize.query<{ id: number; entity_id: number; title: string | null; call_title: string; entity_name: string; state: ProjectState; cup: string | null; amount_cents: string }>(
    `SELECT p.id, p.entity_id, p.title, c.title AS call_title, e.name AS entity_name, p.state, p.cup, p.amount_cents
       FROM funding_projects p JOIN funding_calls c ON c.id = p.call_id JOIN entities e ON e.id = p.entity_id
      WHERE p.tender_dossier_id = :id OR (CAST(:cup AS text) IS NOT NULL AND p.cup = :cup)
      ORDER BY e.name, p.id LIMIT 100`,
    { replacements: { id: dossier.id, cup: dossier.cup ? dossier.cup.toUpperCase() : null }, type: QueryTypes.SELECT },
  );
  return rows
    .filter((r) => canSeeBodyFunding(viewer, r.entity_id))
    .map((r) => ({ id: r.id, title: r.title || r.call_title, entityName: r.entity_name, state: r.state, cup: r.cup, amountCents: Number(r.amount_cents), href: `/finanziamenti/progetti/${r.id}` }));
}
