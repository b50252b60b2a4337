// Tenders: a body invited to a needs collection from elsewhere (a working group's action) keeps
// where the invitation came from, shown on its needs page.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    ALTER TABLE tender_needs_invitations ADD COLUMN origin_kind text, ADD COLUMN origin_id integer, ADD COLUMN origin_label text, ADD COLUMN origin_href text;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('ALTER TABLE tender_needs_invitations DROP COLUMN origin_kind, DROP COLUMN origin_id, DROP COLUMN origin_label, DROP COLUMN origin_href');
}
