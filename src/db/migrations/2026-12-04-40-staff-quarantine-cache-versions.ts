// Two more tables under cache_versions (migration 2026-12-01-40): the centre's active staff (the
// assignee choices of every page of the desk queue, the recipients of every new request's mail) and
// the pending quarantine of the desk's mailbox (the count on every page of the queue) are kept in
// process under the version of their table, instead of costing two statements per page. Both change
// rarely (a sign-in writes its user's last login, an e-mail fetch the quarantine), and their
// transactions are short: a writer holds the table's version row until its commit, so a long
// transaction writing users would hold up the others that write it.
import type { MigrationContext } from '../migrate.js';

const TABLES = ['users', 'desk_mail_quarantine'];

export async function up({ sequelize }: MigrationContext): Promise<void> {
  for (const table of TABLES) {
    await sequelize.query(`
      INSERT INTO cache_versions (table_name) VALUES ('${table}') ON CONFLICT (table_name) DO NOTHING;
      CREATE TRIGGER ${table}_cache_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION cache_versions_bump();
    `);
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  for (const table of TABLES) {
    await sequelize.query(`DROP TRIGGER IF EXISTS ${table}_cache_version ON ${table}; DELETE FROM cache_versions WHERE table_name = '${table}';`);
  }
}
