// Who may see and do what in the news area: named pure functions, each with its unit test.
import { isStaff, type Viewer } from '../../platform/actor.js';
import { ForbiddenError } from '../../platform/errors.js';

export type PostState = 'draft' | 'scheduled' | 'published';

/** Staff write, schedule and publish posts, and run the newsletter. */
export const canManageNews = (viewer: Viewer): boolean => isStaff(viewer);

/** A published post is public; a draft or a scheduled one is seen by staff only (others get a 404). */
export const canSeePost = (viewer: Viewer, post: { state: PostState }): boolean => post.state === 'published' || canManageNews(viewer);

export function assertCanManageNews(viewer: Viewer, action: string): void {
  if (!canManageNews(viewer)) throw new ForbiddenError(undefined, action);
}
