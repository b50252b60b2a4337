// Desk: partial indexes on the open requests (a few percent of all), so the staff queue filtered by
// category and priority, by assignee or by body is answered from the index, list and count alike.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE INDEX desk_requests_open_category_idx ON desk_requests (category, priority, resolution_due_at, id)
      WHERE state IN ('new','assigned','in_progress','waiting');
    CREATE INDEX desk_requests_open_assignee_idx ON desk_requests (assignee_id, resolution_due_at, id)
      WHERE state IN ('new','assigned','in_progress','waiting');
    CREATE INDEX desk_requests_open_entity_idx ON desk_requests (entity_id, resolution_due_at, id)
      WHERE state IN ('new','assigned','in_progress','waiting');
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP INDEX IF EXISTS desk_requests_open_category_idx, desk_requests_open_assignee_idx, desk_requests_open_entity_idx;
  `);
}
