// npm run catalog:import -- [--dry-run] FILE...
//
// Imports publiccode.yml files into the catalogue: against DATABASE_URL when set, otherwise the
// embedded PostgreSQL under DATA_DIR (like `npm start`); migrations are applied first. Output and
// rules of one file: src/modules/catalog/batch-import.ts.
// Exit code: 0 when every file was imported, 1 when any was rejected, 2 on a usage error.
import { initModels, openDatabase } from '../boot.js';
import { ConfigError, loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createSequelize } from '../db/sequelize.js';
import { formatOutcome, importFile, parseArgs, summary, USAGE, type CliOutcome } from '../modules/catalog/index.js';
import { AuditLog } from '../platform/audit.js';
import type { Platform } from '../platform/context.js';
import { FileStore } from '../platform/files.js';
import { messageTranslator, translator } from '../platform/i18n.js';
import { createLogger } from '../platform/logger.js';

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    console.log(USAGE);
    return 0;
  }
  if ('error' in args) {
    console.error(`${args.error}\n${USAGE}`);
    return 2;
  }
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
    // The command needs no job queue or mail: imports by the command line notify nobody.
    const platform = { config, log, sequelize, databaseUrl: url, audit: new AuditLog(sequelize), files: new FileStore(sequelize) } as unknown as Platform;
    const outcomes: CliOutcome[] = [];
    for (const file of args.files) {
      const outcome = await importFile(platform, file, args.dryRun);
      outcomes.push(outcome);
      for (const line of formatOutcome(outcome)) console.log(line);
    }
    console.log(summary(outcomes, args.dryRun));
    return outcomes.every((o) => o.ok) ? 0 : 1;
  } finally {
    await sequelize.close();
    await embedded?.stop();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    // Like the report, in Italian (src/modules/catalog/batch-import.ts); an error's message may be a Message.
    console.error(translator('it')('catalog:cli.failed'), err instanceof Error ? messageTranslator('it')(err.message) : err);
    process.exit(1);
  });
