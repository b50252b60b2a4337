// Who may see and do what in the training area: every rule in one place.
//
// - The calendar, cycles and sessions are public (drafts: staff only); the streaming link and the
//   materials only for people with a confirmed seat, the session's speaker and staff.
// - Staff create and change cycles and sessions, see every registration and issue certificates.
// - A signed-in user registers themself; a body's referent or RTD registers colleagues of their own body.
// - The attendance register: staff, or the session's speaker.
// - A body's hours ledger: staff, and the referent or RTD of that body; everyone sees their own hours.
// - External hours (with their certificate): staff for anyone, a body's referent or RTD for its people.
// - What the viewer may not see does not exist for them (404).
import { belongsTo, isStaff, type Viewer } from '../../platform/actor.js';

export const canManageTraining = (viewer: Viewer): boolean => isStaff(viewer);

/** A body's referent or RTD acts for its colleagues. */
export const isBodyLead = (viewer: Viewer, entityId: number | null): boolean =>
  entityId !== null && belongsTo(viewer, entityId) && (viewer!.role === 'rtd' || viewer!.role === 'referent');

/** Register (or cancel) someone of body `entityId` other than oneself. */
export const canRegisterOthers = (viewer: Viewer, entityId: number | null): boolean => isStaff(viewer) || isBodyLead(viewer, entityId);

/** Whether the viewer registers colleagues at all (the form on a session page). */
export const registersColleagues = (viewer: Viewer): boolean => isStaff(viewer) || (!!viewer && isBodyLead(viewer, viewer.entityId));

export const canTakeAttendance = (viewer: Viewer, speakerUserId: number | null): boolean => isStaff(viewer) || (!!viewer && speakerUserId !== null && viewer.userId === speakerUserId);

export const canSeeBodyLedger = (viewer: Viewer, entityId: number): boolean => isStaff(viewer) || isBodyLead(viewer, entityId);

export const canRecordExternalHours = (viewer: Viewer, entityId: number | null): boolean => isStaff(viewer) || isBodyLead(viewer, entityId);

/** The link and materials of a session: staff, its speaker, a person with a confirmed seat. */
export const canSeeSessionPrivate = (viewer: Viewer, speakerUserId: number | null, confirmed: boolean): boolean =>
  isStaff(viewer) || confirmed || (!!viewer && speakerUserId !== null && viewer.userId === speakerUserId);

/** Drafts are the staff's; a published or cancelled cycle is public. */
export const canSeeCycle = (viewer: Viewer, state: string): boolean => state !== 'draft' || isStaff(viewer);
