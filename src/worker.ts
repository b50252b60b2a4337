// The job-queue worker (Procfile `worker`): mail, reminders and SLA checks, outside the web processes.
import { loadConfigOrExit } from './config.js';
import { buildPlatform, jobDefinitions } from './boot.js';
import { createLogger } from './platform/logger.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) {
    console.error('Il worker separato richiede DATABASE_URL (con il database integrato i job girano nel processo web).');
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
  console.error('Il worker non si è avviato:', err instanceof Error ? err.message : err);
  process.exit(1);
});
