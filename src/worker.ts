// The job-queue worker (Procfile `worker`): mail, reminders and SLA checks, outside the web processes.
import { loadConfigOrExit } from './config.js';
import { buildPlatform, jobDefinitions } from './boot.js';
import { messageTranslator } from './platform/i18n.js';
import { createLogger } from './platform/logger.js';
import { msg } from './platform/messages.js';

// Console lines for the operator, in Italian.
const tm = messageTranslator('it');

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) {
    console.error(tm(msg('common:console.workerNeedsDatabase')));
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  const platform = await buildPlatform(config, log, config.databaseUrl, { migrate: false });
  await platform.jobs.work(jobDefinitions(platform));
  log.info('worker ready');
  const shutdown = async () => {
    await platform.jobs.stop().catch(() => undefined);
    await platform.sequelize.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  console.error(tm(msg('common:console.workerFailed', { error: err instanceof Error ? err.message : String(err) })));
  process.exit(1);
});
