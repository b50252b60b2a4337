// Process entry: configuration, database (embedded or DATABASE_URL), migrations, demo data, listen, graceful shutdown.
import { createServer, type Server } from 'node:http';
import { createApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { appDeps, buildPlatform, jobDefinitions, openDatabase, seedOnFirstStart } from './boot.js';
import { releaseEmbeddedExitHooks, type EmbeddedDatabase } from './db/embedded.js';
import { compactError, createLogger } from './platform/logger.js';
import { msg } from './platform/messages.js';
import { consoleText, installProcessHandlers, listenError, StartError } from './platform/process.js';
import { removeStaleUploads } from './web/uploads.js';

let embeddedDatabase: EmbeddedDatabase | null = null;

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  installProcessHandlers(log, 'web');
  const { url, embedded } = await openDatabase(config, log);
  embeddedDatabase = embedded;
  // This process stops its embedded server itself, after the rest (see shutdown below).
  releaseEmbeddedExitHooks();
  const platform = await buildPlatform(config, log, url);
  if (config.seedDemo && (await seedOnFirstStart(platform))) log.info('demo data loaded');
  const stale = await removeStaleUploads(config);
  if (stale) log.warn({ files: stale }, 'temporary uploads of a process that was killed removed');
  const { app, close } = await createApp(platform, appDeps(platform));
  const server: Server = createServer(app);
  // Node's own limit (300 s) would let a stuck upload hold its socket: the app's deadline is far shorter.
  server.requestTimeout = Math.max(120_000, config.requestTimeoutSeconds * 4000);
  // A port in use or not allowed ends the start here, with one clear line and a non-zero exit.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new StartError(listenError(err, config.port))));
    server.listen(config.port, () => resolve());
  });
  server.on('error', (err) => log.error({ err: compactError(err) }, 'HTTP server error'));
  if (config.workers === 'inline') await platform.jobs.work(jobDefinitions(platform));
  log.info({ url: config.baseUrl, port: config.port, ms: Date.now() - started, workers: config.workers, embedded: !!embedded }, 'CIT Hub ready');
  console.log(consoleText(msg('common:console.ready', { url: config.baseUrl, seconds: ((Date.now() - started) / 1000).toFixed(1) })));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await platform.jobs.stop().catch((err) => log.warn({ err: compactError(err) }, 'job queue stop'));
    platform.mail.close();
    await close().catch(() => undefined);
    await platform.sequelize.close().catch(() => undefined);
    await embedded?.stop().catch((err) => log.warn({ err: compactError(err) }, 'embedded PostgreSQL stop'));
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch(async (err) => {
  console.error(consoleText(msg('common:console.startFailed', { error: err instanceof Error ? err.message : String(err) })));
  // The embedded database this process started would otherwise outlive it.
  await embeddedDatabase?.stop().catch(() => undefined);
  process.exit(1);
});
