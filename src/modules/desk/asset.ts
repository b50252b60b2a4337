// The catalogue asset a reuse request is about. The catalogue area owns the table; the desk only
// reads a published asset's id, slug and name, with a guarded query so that the desk keeps working
// (keeping the slug) if the catalogue is absent or its schema differs.
import { QueryTypes, type Sequelize } from 'sequelize';

export type AssetRef = { id: number | null; slug: string; name: string };
export type AssetLookup = { found: AssetRef } | { missing: true } | { unavailable: true; slug: string };

export async function findPublishedAsset(sequelize: Sequelize, slug: string): Promise<AssetLookup> {
  if (!/^[a-z0-9][a-z0-9-]{0,199}$/i.test(slug)) return { missing: true };
  try {
    const [table] = await sequelize.query<{ t: string | null }>("SELECT to_regclass('public.catalog_assets')::text AS t", { type: QueryTypes.SELECT });
    if (!table?.t) return { unavailable: true, slug };
    const rows = await sequelize.query<{ id: number; slug: string; name: string }>(
      "SELECT id, slug, name FROM catalog_assets WHERE slug = :slug AND status = 'published' LIMIT 1",
      { replacements: { slug }, type: QueryTypes.SELECT },
    );
    return rows[0] ? { found: { id: rows[0].id, slug: rows[0].slug, name: rows[0].name } } : { missing: true };
  } catch {
    return { unavailable: true, slug };
  }
}
