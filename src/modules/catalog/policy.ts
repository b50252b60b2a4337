// Who may see and do what in the catalogue: the one place with these rules.
import { belongsTo, isBodyUser, isStaff, type Viewer } from '../../platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import type { AdoptionStatus, AssetStatus } from './models.js';

type AssetRef = { entityId: number | null; status: AssetStatus };
/** The viewer's own body, when it is a cedent (only cedent bodies propose assets). */
export type ViewerBody = { id: number; isCedent: boolean } | null;

const EDITABLE_BY_CEDENT: AssetStatus[] = ['draft', 'returned'];

/** Published assets are public; the others only for staff and the cedent body's users. */
export function canSeeAsset(viewer: Viewer, asset: AssetRef): boolean {
  if (asset.status === 'published') return true;
  return isStaff(viewer) || (asset.entityId !== null && belongsTo(viewer, asset.entityId));
}

export function assertCanSeeAsset(viewer: Viewer, asset: AssetRef | null): asserts asset is AssetRef {
  // Not found rather than forbidden: the existence of another body's draft is not revealed.
  if (!asset || !canSeeAsset(viewer, asset)) throw new NotFoundError(msg('catalog:error.assetNotFound'));
}

/** Members, RTDs and referents of a cedent body propose assets for their body; staff for any body. */
export function canImport(viewer: Viewer, body: ViewerBody): boolean {
  return isStaff(viewer) || (isBodyUser(viewer) && !!body && body.isCedent && body.id === viewer!.entityId);
}

export function assertCanImport(viewer: Viewer, body: ViewerBody): void {
  if (canImport(viewer, body)) return;
  throw new ForbiddenError(
    isBodyUser(viewer)
      ? msg('catalog:error.cedentOnlyImport')
      : msg('catalog:error.noImportPermission'),
    'catalog.import',
  );
}

/** Staff edit any asset; a cedent body's users edit their body's drafts and returned assets. */
export function canEditAsset(viewer: Viewer, asset: AssetRef): boolean {
  if (isStaff(viewer)) return true;
  return asset.entityId !== null && belongsTo(viewer, asset.entityId) && EDITABLE_BY_CEDENT.includes(asset.status);
}

export function assertCanEditAsset(viewer: Viewer, asset: AssetRef): void {
  if (canEditAsset(viewer, asset)) return;
  if (asset.entityId !== null && belongsTo(viewer, asset.entityId)) {
    throw new ForbiddenError(
      asset.status === 'submitted'
        ? msg('catalog:error.editUnderReview')
        : msg('catalog:error.editPublished'),
      'catalog.edit',
    );
  }
  throw new ForbiddenError(msg('catalog:error.editOtherBody'), 'catalog.edit');
}

export function canSubmit(viewer: Viewer, asset: AssetRef): boolean {
  return asset.entityId !== null && belongsTo(viewer, asset.entityId) && EDITABLE_BY_CEDENT.includes(asset.status);
}

export function canReview(viewer: Viewer): boolean {
  return isStaff(viewer);
}

/** A draft that was never published can be deleted by its cedent; staff delete any non-published asset. */
export function canDelete(viewer: Viewer, asset: AssetRef & { publishedAt: Date | null }): boolean {
  if (asset.publishedAt || asset.status === 'published') return false;
  if (isStaff(viewer)) return true;
  return asset.entityId !== null && belongsTo(viewer, asset.entityId) && EDITABLE_BY_CEDENT.includes(asset.status);
}

/** A member, RTD or referent declares adoption for their own body, on a published asset. */
export function canDeclareAdoption(viewer: Viewer, asset: AssetRef): boolean {
  return isBodyUser(viewer) && asset.status === 'published';
}

/** Adoption notes are the body's own remarks: shown to that body and to staff only. */
export function canSeeAdoptionNote(viewer: Viewer, entityId: number): boolean {
  return isStaff(viewer) || belongsTo(viewer, entityId);
}

export function canSeeAdoptionMatrix(viewer: Viewer): boolean {
  return isStaff(viewer);
}

/** The manage list: staff see every asset; a cedent body's users see their body's. */
export function canManage(viewer: Viewer, body: ViewerBody): boolean {
  return canImport(viewer, body);
}

export function canSeeWarnings(viewer: Viewer, asset: AssetRef): boolean {
  return isStaff(viewer) || (asset.entityId !== null && belongsTo(viewer, asset.entityId));
}

export function assertStaff(viewer: Viewer, action: string): void {
  if (!isStaff(viewer)) throw new ForbiddenError(msg('catalog:error.staffOnly'), action);
}

export const ADOPTION_ORDER: AdoptionStatus[] = ['in_use', 'evaluating', 'interested', 'dismissed'];
