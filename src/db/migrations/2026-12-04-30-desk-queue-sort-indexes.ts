// The staff queue's every sort answered from an index at 100,000 requests, whatever the state and
// category filters: walking an index in the sort's order and stopping after the page, instead of
// sorting the 93,000 closed ones. Measured on the bench's 100,000 requests, the 280 list statements
// of the queue's filters (5 states x 7 categories x 4 sorts x 2 pages) took 3.2 ms on average and up
// to 30 (closed by priority, every state by due date) with the first six of these, 0.7 ms and at most
// 7.5 with all of them. The state and category ones are there because the most recently active
// requests are the open ones: walking a sort's index without them, the planner's guess that closed
// requests come evenly (93 %) is wrong by 7,000 rows. A body's own list by creation (a body with
// 5,000 requests): 16 -> 0.1 ms. Each index costs a write a few microseconds. The priority rank is
// the CASE of ORDER.priority in desk/queries.ts, written the same way, so that the planner matches
// it. The plain created_at index becomes the created sort's.
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
    CREATE INDEX desk_requests_state_category_activity_idx ON desk_requests (state, category, last_activity_at DESC, id DESC);
    CREATE INDEX desk_requests_state_category_created_idx ON desk_requests (state, category, created_at DESC, id DESC);
    CREATE INDEX desk_requests_category_activity_idx ON desk_requests (category, last_activity_at DESC, id DESC);
    CREATE INDEX desk_requests_category_created_idx ON desk_requests (category, created_at DESC, id DESC);
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
      desk_requests_state_created_idx, desk_requests_entity_created_idx,
      desk_requests_state_category_activity_idx, desk_requests_state_category_created_idx, desk_requests_category_activity_idx, desk_requests_category_created_idx, desk_requests_rank_idx, desk_requests_state_rank_idx, desk_requests_open_rank_idx;
  `);
}
