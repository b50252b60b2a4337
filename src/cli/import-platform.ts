// What an import command runs on: the configuration, the database (DATABASE_URL or the embedded
// PostgreSQL under DATA_DIR, like `npm start`) with its migrations applied, and a platform without
// job queue or mail, since imports from the command line notify nobody. Closed again afterwards.
import { initModels, openDatabase } from '../boot.js';
import { ConfigError, loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createSequelize } from '../db/sequelize.js';
import { AuditLog } from '../platform/audit.js';
import type { Platform } from '../platform/context.js';
import { FileStore } from '../platform/files.js';
import { createLogger } from '../platform/logger.js';

/** Runs `command` on an import platform and returns its exit code; a bad configuration is a usage error (2). */
export async function withImportPlatform(command: (platform: Platform) => Promise<number>): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const { url, embedded } = await openDatabase(config, log);
  const sequelize = createSequelize(url, log, 3);
  try {
    initModels(sequelize);
    await migrate(sequelize, log);
    const platform = { config, log, sequelize, databaseUrl: url, audit: new AuditLog(sequelize), files: new FileStore(sequelize) } as unknown as Platform;
    return await command(platform);
  } finally {
    await sequelize.close();
    await embedded?.stop();
  }
}
