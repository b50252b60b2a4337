// `npm run migrate` and `npm run seed`: against DATABASE_URL, or the embedded server under DATA_DIR.
import { buildPlatform, openDatabase, runSeeds } from '../boot.js';
import { loadConfigOrExit } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createSequelize } from '../db/sequelize.js';
import { messageTranslator } from '../platform/i18n.js';
import { createLogger } from '../platform/logger.js';
import { msg } from '../platform/messages.js';

// Console lines for the operator, in Italian.
const tm = messageTranslator('it');

async function main(command: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'seed') {
    console.error('uso: tsx src/cli/db.ts migrate|seed');
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  const { url, embedded } = await openDatabase(config, log);
  try {
    if (command === 'migrate') {
      const sequelize = createSequelize(url, log);
      await migrate(sequelize, log);
      await sequelize.close();
      console.log(tm(msg('common:console.migrated')));
    } else {
      const platform = await buildPlatform(config, log, url);
      await runSeeds(platform);
      await platform.jobs.stop();
      await platform.sequelize.close();
      console.log(tm(msg('common:console.seeded')));
    }
  } finally {
    await embedded?.stop();
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exit(1);
});
