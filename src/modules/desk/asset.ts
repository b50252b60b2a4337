// The catalogue asset a reuse request is about, read through the catalogue's face (the desk keeps a
// snapshot of its id, slug and name on the request, so a later rename or archive keeps the link readable).
import { findPublishedAssetByName, findPublishedAssetBySlug } from '../catalog/index.js';

export type AssetRef = { id: number | null; slug: string; name: string };

export async function findPublishedAsset(slug: string): Promise<AssetRef | null> {
  return findPublishedAssetBySlug(slug.trim().toLowerCase());
}

/** The demo data's way in: a published asset by its exact name. */
export async function findPublishedAssetNamed(name: string): Promise<AssetRef | null> {
  return findPublishedAssetByName(name);
}
