// The plan actions another area may link a body's record to (the funding area links a funded
// project to the plan action it fulfils): plain values, one query on the area's own table.
import type { Platform } from '../../platform/context.js';
import { rows } from './sql.js';

export type PlanActionRef = { id: number; title: string; status: string; href: string };

/** The actions of a body's plan, newest first. */
export async function planActionsOf(platform: Platform, entityId: number): Promise<PlanActionRef[]> {
  const found = await rows<{ id: number; title: string; status: string }>(
    platform,
    'SELECT id, title, status FROM coaching_actions WHERE entity_id = :entityId ORDER BY created_at DESC, id DESC LIMIT 300',
    { entityId },
  );
  return found.map((a) => ({ ...a, href: `/affiancamento/${entityId}/piano/azioni/${a.id}` }));
}
