// The dossiers another area may link a body's record to (the funding area links a funded project to
// the dossier that buys its supply): plain values, one query on the area's own tables.
import { QueryTypes } from 'sequelize';
import type { Platform } from '../../platform/context.js';

export type DossierRef = { id: number; title: string; cup: string | null; href: string };

/**
 * The dossiers that concern a body: the ones it runs (stazione appaltante) and the aggregated ones
 * it takes part in (not withdrawn), plus, when a CUP is given, the dossiers carrying that CUP.
 */
export async function dossiersOfBody(platform: Platform, entityId: number, cup: string | null = null): Promise<DossierRef[]> {
  const rows = await platform.sequelize.query<{ id: number; title: string; cup: string | null }>(
    `SELECT d.id, d.title, d.cup FROM tender_dossiers d
      WHERE d.contracting_entity_id = :entityId
         OR EXISTS (SELECT 1 FROM tender_participants p WHERE p.dossier_id = d.id AND p.entity_id = :entityId AND p.status <> 'withdrawn')
         OR (CAST(:cup AS text) IS NOT NULL AND d.cup = :cup)
      ORDER BY d.updated_at DESC, d.id DESC LIMIT 200`,
    { replacements: { entityId, cup }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ ...r, href: `/gare/${r.id}` }));
}
