// Who is acting: the signed-in user as the services see it (never an Express request).
export const ROLES = ['member', 'rtd', 'referent', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Actor = {
  userId: number;
  email: string;
  name: string;
  role: Role;
  /** The body (ente) the user belongs to; staff and admin may have none. */
  entityId: number | null;
  ip: string | null;
};

/** null is a visitor who has not logged in. */
export type Viewer = Actor | null;

export const isStaff = (v: Viewer): boolean => !!v && (v.role === 'staff' || v.role === 'admin');
export const isAdmin = (v: Viewer): boolean => !!v && v.role === 'admin';
/** A user acting for a body: member, RTD or referent of it. */
export const isBodyUser = (v: Viewer): boolean =>
  !!v && v.entityId !== null && (v.role === 'member' || v.role === 'rtd' || v.role === 'referent');
export const belongsTo = (v: Viewer, entityId: number): boolean => isBodyUser(v) && v!.entityId === entityId;
