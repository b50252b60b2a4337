// The job-queue worker (Procfile `worker`): mail, reminders and SLA checks, outside the web processes.
import { loadConfigOrExit } from './config.js';
import { buildPlatform, jobDefinitions } from './boot.js';
import { createLogger } from './platform/logger.js';
import { msg } from './platform/messages.js';
import { consoleText, installProcessHandlers, waitForDatabase } from './platform/process.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) {
    console.error(consoleText(msg('common:console.workerNeedsDatabase')));
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  installProcessHandlers(log, 'worker');
  await waitForDatabase(config.databaseUrl, config.dbStartTimeoutSeconds, log);
  const platform = await buildPlatform(config, log, config.databaseUrl, { migrate: false });
  await platform.jobs.work(jobDefinitions(platform));
  log.info('worker ready');
  console.log(consoleText(msg('common:faults.workerReady')));
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await platform.jobs.stop().catch(() => undefined);
    platform.mail.close();
    await platform.sequelize.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  console.error(consoleText(msg('common:console.workerFailed', { error: err instanceof Error ? err.message : String(err) })));
  process.exit(1);
});
