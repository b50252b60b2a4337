// Every version bump of cache_versions also notifies the channel `cache_versions` with the table's
// name (src/platform/notify.ts): in-process indexes of other processes rebuild right after the
// commit instead of at their next request. PostgreSQL sends notifications at commit, once per
// distinct payload per transaction, so a bulk write notifies once.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE OR REPLACE FUNCTION cache_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cache_versions SET version = version + 1 WHERE table_name = TG_TABLE_NAME;
      PERFORM pg_notify('cache_versions', TG_TABLE_NAME);
      RETURN NULL;
    END
    $$;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE OR REPLACE FUNCTION cache_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cache_versions SET version = version + 1 WHERE table_name = TG_TABLE_NAME;
      RETURN NULL;
    END
    $$;
  `);
}
