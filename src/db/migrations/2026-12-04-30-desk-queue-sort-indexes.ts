// The staff queue's every sort answered from an index at 100,000 requests, whatever the state filter:
// walking an index in the sort's order and stopping after the page, instead of sorting the 93,000
// closed ones (closed by priority 29 ms → 0.2 ms, every state by due date 30 → 0.1, the default open
// queue by due date 1.5 → 0.1; a body's own list by creation, for a body with 5,000, 16 → 0.1). The priority rank is the CASE of ORDER.priority in desk/queries.ts,
// written the same way, so that the planner matches it. A plain created_at index becomes the sort's.
import type { MigrationContext } from '../migrate.js';

const OPEN = "state IN ('new','assigned','in_progress','waiting')";
const RANK = "(CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END)";

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE INDEX desk_requests_due_id_idx ON desk_requests (resolution_due_at, id);
    CREATE INDEX desk_requests_open_due_idx ON desk_requests (resolution_due_at, id) WHERE ${OPEN};
    CREATE INDEX desk_requests_state_activity_idx ON desk_requests (state, last_activity_at DESC, id DESC);
    CREATE INDEX desk_requests_created_id_idx ON desk_requests (created_at DESC, id DESC);
    CREATE INDEX desk_requests_state_created_idx ON desk_requests (state, created_at DESC, id DESC);
    CREATE INDEX desk_requests_entity_created_idx ON desk_requests (entity_id, created_at DESC, id DESC);
    CREATE INDEX desk_requests_rank_idx ON desk_requests (${RANK}, resolution_due_at, id);
    CREATE INDEX desk_requests_state_rank_idx ON desk_requests (state, ${RANK}, resolution_due_at, id);
    CREATE INDEX desk_requests_open_rank_idx ON desk_requests (${RANK}, resolution_due_at, id) WHERE ${OPEN};
    DROP INDEX desk_requests_created_idx;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE INDEX desk_requests_created_idx ON desk_requests (created_at);
    DROP INDEX IF EXISTS desk_requests_due_id_idx, desk_requests_open_due_idx, desk_requests_state_activity_idx, desk_requests_created_id_idx,
      desk_requests_state_created_idx, desk_requests_entity_created_idx, desk_requests_rank_idx, desk_requests_state_rank_idx, desk_requests_open_rank_idx;
  `);
}
