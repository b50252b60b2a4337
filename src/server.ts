// Process entry: configuration, database (embedded or DATABASE_URL), migrations, demo data, listen, graceful shutdown.
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { appDeps, buildPlatform, jobDefinitions, openDatabase, seedOnFirstStart } from './boot.js';
import { messageTranslator } from './platform/i18n.js';
import { createLogger } from './platform/logger.js';
import { msg } from './platform/messages.js';

// Console lines for the operator, in Italian.
const tm = messageTranslator('it');

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  const { url, embedded } = await openDatabase(config, log);
  const platform = await buildPlatform(config, log, url);
  if (config.seedDemo && (await seedOnFirstStart(platform))) log.info('demo data loaded');
  if (config.workers === 'inline') await platform.jobs.work(jobDefinitions(platform));
  const { app, close } = await createApp(platform, appDeps(platform));
  const server: Server = app.listen(config.port, () => {
    log.info({ url: config.baseUrl, port: config.port, ms: Date.now() - started, workers: config.workers, embedded: !!embedded }, 'CIT Hub ready');
    console.log(tm(msg('common:console.ready', { url: config.baseUrl, seconds: ((Date.now() - started) / 1000).toFixed(1) })));
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform.jobs.stop().catch((err) => log.warn({ err }, 'job queue stop'));
    await close().catch(() => undefined);
    await platform.sequelize.close().catch(() => undefined);
    await embedded?.stop().catch((err) => log.warn({ err }, 'embedded PostgreSQL stop'));
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(tm(msg('common:console.startFailed', { error: err instanceof Error ? err.message : String(err) })));
  process.exit(1);
});
