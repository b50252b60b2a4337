// The composition root: the one place that knows every area. It builds a process's platform (the
// database, embedded or DATABASE_URL; migrations; models; job queue; mailer) and the registry of
// areas, and hands them to the app (src/app.ts), the web process (src/server.ts), the worker
// (src/worker.ts) and the command-line entries (src/cli/). Areas never import this file.
import path from 'node:path';
import type { AppDeps } from './app.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createSequelize } from './db/sequelize.js';
import { accountsAuthenticator } from './modules/accounts/index.js';
import { modules } from './modules/index.js';
import { AuditLog } from './platform/audit.js';
import type { Platform } from './platform/context.js';
import { FileStore } from './platform/files.js';
import { TokenStore } from './platform/tokens.js';
import { JobQueue, type JobDefinition } from './platform/jobs.js';
import type { Logger } from './platform/logger.js';
import { Mailer } from './platform/mail.js';
import { waitForDatabase, withStartDeadline } from './platform/process.js';
import { createRegistry } from './web/module.js';

/** Every area, in the order of module.ts's list: menu, routes, jobs, demo data. */
export const registry = createRegistry(modules);

/** What createApp needs besides the platform. */
export function appDeps(platform: Platform): AppDeps {
  return { registry, authenticator: accountsAuthenticator(platform) };
}

/** Binds every area's models to a connection (models are module-level classes: the last one bound wins). */
export function initModels(sequelize: Platform['sequelize']): void {
  for (const m of modules) m.initModels?.(sequelize);
}

export async function openDatabase(config: Config, log: Logger): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.databaseUrl) {
    await waitForDatabase(config.databaseUrl, config.dbStartTimeoutSeconds, log);
    return { url: config.databaseUrl, embedded: null };
  }
  const embedded = await withStartDeadline(startEmbeddedPostgres(config.dataDir, log), config.dbStartTimeoutSeconds);
  log.info('embedded PostgreSQL started');
  return { url: embedded.url, embedded };
}

export async function buildPlatform(
  config: Config,
  log: Logger,
  databaseUrl: string,
  opts: { migrate?: boolean; pollingIntervalSeconds?: number } = {},
): Promise<Platform> {
  const sequelize = createSequelize(databaseUrl, log, undefined, { acquireTimeoutMs: config.dbAcquireTimeoutSeconds * 1000 });
  initModels(sequelize);
  if (opts.migrate !== false) await migrate(sequelize, log);
  const jobs = await JobQueue.start({ databaseUrl, sequelize, log, pollingIntervalSeconds: opts.pollingIntervalSeconds });
  const mail = new Mailer(
    { from: config.mailFrom, smtpUrl: config.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox'), baseUrl: config.baseUrl, centreName: config.centre.name, log, retryDelaySeconds: config.mailRetryDelaySeconds,
      sequelize, concurrency: config.mailConcurrency, ratePerSecond: config.mailRatePerSecond },
    jobs,
  );
  const platform: Platform = { config, log, sequelize, databaseUrl, jobs, mail, audit: new AuditLog(sequelize), files: new FileStore(sequelize), tokens: new TokenStore(sequelize) };
  await jobs.define(jobDefinitions(platform));
  return platform;
}

export function jobDefinitions(platform: Platform): JobDefinition<never>[] {
  return [platform.mail.jobDefinition() as JobDefinition<never>, ...modules.flatMap((m) => m.jobs?.(platform) ?? [])];
}

/** Loads the demo data once, on the first start of an empty database. */
export async function seedOnFirstStart(platform: Platform): Promise<boolean> {
  const [rows] = await platform.sequelize.query(`SELECT 1 FROM settings WHERE key = 'demo_seeded'`);
  if (rows.length) return false;
  const [entities] = await platform.sequelize.query('SELECT 1 FROM entities LIMIT 1');
  if (entities.length) return false;
  await runSeeds(platform);
  return true;
}

export async function runSeeds(platform: Platform): Promise<void> {
  for (const m of modules) {
    if (!m.seed) continue;
    platform.log.info({ module: m.name }, 'loading demo data');
    await m.seed(platform);
  }
  await platform.sequelize.query(
    `INSERT INTO settings (key, value) VALUES ('demo_seeded', to_jsonb(now())) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
  );
}
