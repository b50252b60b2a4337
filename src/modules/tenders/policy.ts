// Who may see and do what in the tenders area: every rule in one place.
//
// - Staff (and admins) run the dossiers: they see and change everything.
// - A body's users (member, RTD, referent) see the dossiers their body takes part in or is invited
//   to, the public and participant documents of those dossiers, their own body's needs answer,
//   share and adhesion document — never another body's answers or any staff-only file.
// - Visitors see the dossiers marked public, their public documents and the open data.
// - A comune's own dossier (the comune is the contracting body): the comune's users see and edit
//   all of it; staff support it (they see and may change everything, and only they comment); any
//   other body sees it only once it is public, and never its reserved documents or comments.
import { belongsTo, isBodyUser, isStaff, type Viewer } from '../../platform/actor.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import type { DocumentVisibility } from './procurement.js';

/** What the policy needs to know about a dossier and the viewer's body in it. */
export type DossierAccess = {
  isPublic: boolean;
  /** The viewer's body's participation (null when the body is not involved or the viewer has none). */
  participantStatus: string | null;
  /** The body that runs its own procedure; null for an aggregated dossier of the centre. */
  contractingEntityId: number | null;
};

/** The viewer is a user of the comune that runs this (own) dossier. */
export const isOwnBodyOf = (viewer: Viewer, access: DossierAccess): boolean =>
  access.contractingEntityId !== null && belongsTo(viewer, access.contractingEntityId);

export const canManageTenders = (viewer: Viewer): boolean => isStaff(viewer);

export function assertCanManage(viewer: Viewer, action = 'tenders.manage'): void {
  if (!isStaff(viewer)) throw new ForbiddenError('tenders:error.staffOnly', action);
}

export function canSeeDossier(viewer: Viewer, access: DossierAccess): boolean {
  if (isStaff(viewer)) return true;
  if (access.isPublic) return true;
  if (isOwnBodyOf(viewer, access)) return true;
  return isBodyUser(viewer) && access.participantStatus !== null;
}

/** Who changes a dossier: staff for every dossier, the comune's users for their own dossiers. */
export function canEditDossier(viewer: Viewer, access: DossierAccess): boolean {
  return isStaff(viewer) || isOwnBodyOf(viewer, access);
}

/** 404 when the viewer may not even see the dossier, 403 when they see it but may not change it. */
export function assertCanEditDossier(viewer: Viewer, access: DossierAccess, action: string): void {
  assertCanSeeDossier(viewer, access);
  if (!canEditDossier(viewer, access)) throw new ForbiddenError('tenders:error.staffOnly', action);
}

/** Who opens a comune's own dossier: staff, or the comune's RTD or referent. */
export function canCreateOwnDossier(viewer: Viewer, entityId: number): boolean {
  return isStaff(viewer) || (belongsTo(viewer, entityId) && (viewer!.role === 'rtd' || viewer!.role === 'referent'));
}

/** The centre's comments on an own dossier: the comune and staff read them; staff alone write and edit them. */
export const canSeeComments = (viewer: Viewer, access: DossierAccess): boolean =>
  access.contractingEntityId !== null && (isStaff(viewer) || isOwnBodyOf(viewer, access));
export const canWriteComments = (viewer: Viewer): boolean => isStaff(viewer);

/** A dossier the viewer may not see does not exist for them (404, not 403: no hint that it exists). */
export function assertCanSeeDossier(viewer: Viewer, access: DossierAccess): void {
  if (!canSeeDossier(viewer, access)) throw new NotFoundError('tenders:error.dossierNotFound');
}

/** A body in the dossier (not withdrawn) sees the participant documents. */
export const isActiveParticipant = (viewer: Viewer, access: DossierAccess): boolean =>
  isBodyUser(viewer) && access.participantStatus !== null && access.participantStatus !== 'withdrawn';

/** One version of a document, by its own visibility. */
export function canSeeVersion(viewer: Viewer, access: DossierAccess, visibility: DocumentVisibility): boolean {
  if (!canSeeDossier(viewer, access)) return false;
  if (isStaff(viewer) || isOwnBodyOf(viewer, access)) return true;
  if (visibility === 'public') return true;
  if (visibility === 'participants') return isActiveParticipant(viewer, access);
  return false;
}

/** The visibilities a viewer may read, for queries. */
export function visibleVisibilities(viewer: Viewer, access: DossierAccess): DocumentVisibility[] {
  if (isStaff(viewer) || isOwnBodyOf(viewer, access)) return ['staff', 'participants', 'public'];
  if (!canSeeDossier(viewer, access)) return [];
  return isActiveParticipant(viewer, access) ? ['participants', 'public'] : ['public'];
}

/** A body's own participation data (share, adhesion document): staff and that body's users. */
export function canSeeParticipation(viewer: Viewer, entityId: number): boolean {
  return isStaff(viewer) || (isBodyUser(viewer) && viewer!.entityId === entityId);
}

export function assertCanActForBody(viewer: Viewer, entityId: number, action: string): void {
  if (!canSeeParticipation(viewer, entityId)) {
    throw new ForbiddenError('tenders:error.ownBodyOnly', action);
  }
}

/** The aggregated needs, the list of who has not answered and the CSV: staff only. */
export const canSeeNeedsSummary = (viewer: Viewer): boolean => isStaff(viewer);

/** The full history (it names reserved documents): staff, and the comune of its own dossier. */
export const canSeeHistory = (viewer: Viewer, access?: DossierAccess): boolean => isStaff(viewer) || (access !== undefined && isOwnBodyOf(viewer, access));

/** Details of every participant (shares, statuses of all bodies): staff only; others see the joined bodies' names. */
export const canSeeAllParticipants = (viewer: Viewer): boolean => isStaff(viewer);
