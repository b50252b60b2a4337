// Versions of the tables that in-process caches depend on (src/platform/cache.ts). A statement-level
// trigger bumps a table's version inside the writing transaction, so no writer can forget to, the
// bump commits or rolls back with the change, and every process reads the new version at once.
// One row per table: writers of the same table queue on it until commit (these tables change rarely).
import type { MigrationContext } from '../migrate.js';

const TABLES = ['entities', 'settings', 'catalog_assets', 'catalog_asset_files', 'catalog_asset_events', 'catalog_adoptions'];

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE cache_versions (
      table_name text PRIMARY KEY,
      version bigint NOT NULL DEFAULT 0
    );
    CREATE FUNCTION cache_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cache_versions SET version = version + 1 WHERE table_name = TG_TABLE_NAME;
      RETURN NULL;
    END
    $$;
  `);
  for (const table of TABLES) {
    await sequelize.query(`
      INSERT INTO cache_versions (table_name) VALUES ('${table}');
      CREATE TRIGGER ${table}_cache_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION cache_versions_bump();
    `);
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  for (const table of TABLES) {
    await sequelize.query(`DROP TRIGGER IF EXISTS ${table}_cache_version ON ${table};`);
  }
  await sequelize.query('DROP FUNCTION IF EXISTS cache_versions_bump(); DROP TABLE IF EXISTS cache_versions;');
}
