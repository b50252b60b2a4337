// The public face of the desk: the only file of this area other areas import. Plain values only.
import type { Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { createRequest } from './service.js';
import type { RequestCategory } from './states.js';

/**
 * Opens a desk request in the name of `requester` (a user of a body: the request is that body's), as
 * if they had filled in the form; another area uses it to turn its own work into a request. The input
 * goes through the desk's own validation. Returns the new request's id and page.
 */
export async function openRequestFor(
  platform: Platform,
  requester: Actor,
  input: { subject: string; description: string; category?: RequestCategory },
): Promise<{ id: number; href: string }> {
  const request = await createRequest(platform, requester, { subject: input.subject, description: input.description, category: input.category ?? 'strategic', priority: 'normal' }, []);
  return { id: request.id, href: `/richieste/${request.id}` };
}
