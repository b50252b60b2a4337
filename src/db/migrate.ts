// Schema by migrations (umzug), one file per step under src/db/migrations, applied in name order.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import type { Logger } from '../platform/logger.js';

export type MigrationContext = { sequelize: Sequelize; queryInterface: QueryInterface };
export type Migration = { up: (ctx: MigrationContext) => Promise<void>; down?: (ctx: MigrationContext) => Promise<void> };

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

function migrationFiles(): string[] {
  return readdirSync(migrationsDir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
}

export function createMigrator(sequelize: Sequelize, log?: Logger) {
  return new Umzug<MigrationContext>({
    migrations: migrationFiles().map((file) => {
      const name = file.replace(/\.(ts|js)$/, '');
      const load = async (): Promise<Migration> => (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
      return {
        name,
        up: async ({ context }) => (await load()).up(context),
        down: async ({ context }) => {
          const m = await load();
          if (m.down) await m.down(context);
        },
      };
    }),
    context: { sequelize, queryInterface: sequelize.getQueryInterface() },
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: log ? { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m), debug: (m) => log.debug(m) } : undefined,
  });
}

export async function migrate(sequelize: Sequelize, log?: Logger): Promise<void> {
  // Several web processes may start at once: one migrates while the others wait on the lock,
  // held by a transaction of its own while the migrations run on other pooled connections.
  await sequelize.transaction(async (transaction) => {
    await sequelize.query('SELECT pg_advisory_xact_lock(727001)', { transaction });
    await createMigrator(sequelize, log).up();
  });
}
