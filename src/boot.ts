// The composition root: the one place that knows every area. It builds a process's platform (the
// database, embedded or DATABASE_URL; migrations; models; job queue; mailer) and the registry of
// areas, and hands them to the app (src/app.ts), the web process (src/server.ts), the worker
// (src/worker.ts) and the command-line entries (src/cli/). Areas never import this file.
import path from 'node:path';
import { QueryTypes } from 'sequelize';
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
import { RateLimits } from './platform/limits.js';
import { JobQueue, type JobDefinition } from './platform/jobs.js';
import type { Logger } from './platform/logger.js';
import { Mailer } from './platform/mail.js';
import { waitForDatabase, withStartDeadline } from './platform/process.js';
import { createRegistry, type AppModule } from './web/module.js';

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
      sequelize, concurrency: config.mailConcurrency, ratePerSecond: config.mailRatePerSecond, cacheTemplates: !config.viewReload },
    jobs,
  );
  const platform: Platform = { config, log, sequelize, databaseUrl, jobs, mail, audit: new AuditLog(sequelize), files: new FileStore(sequelize), tokens: new TokenStore(sequelize), limits: new RateLimits(sequelize) };
  await jobs.define(jobDefinitions(platform));
  return platform;
}

export function jobDefinitions(platform: Platform): JobDefinition<never>[] {
  return [platform.mail.jobDefinition() as JobDefinition<never>, ...modules.flatMap((m) => m.jobs?.(platform) ?? [])];
}

/**
 * Loads the demo data once, on the first start of an empty database, all or nothing: a start that
 * stopped half-way (a crash, a kill, an error in one area's data) left a marker, and the next start
 * empties the tables it filled and loads everything again, instead of coming up with half the data.
 */
export async function seedOnFirstStart(platform: Platform, areas: readonly AppModule[] = modules): Promise<boolean> {
  const rows = await platform.sequelize.query<{ key: string; value: unknown }>(`SELECT key, value FROM settings WHERE key IN ('demo_seeded', 'demo_seeding')`, { type: QueryTypes.SELECT });
  const marker = new Map(rows.map((r) => [r.key, r.value]));
  if (marker.has('demo_seeded')) return false;
  if (marker.has('demo_seeding')) {
    platform.log.warn('the demo data of an earlier start is incomplete: loading it again from the start');
    const kept = marker.get('demo_seeding') as { tables?: string[] };
    await emptyTablesBut(platform, kept.tables ?? []);
  } else {
    const [entities] = await platform.sequelize.query('SELECT 1 FROM entities LIMIT 1');
    // Bodies but no marker: a real database, never touched.
    if (entities.length) return false;
    // The tables that already have rows before the demo data (filled by the migrations) stay as they are.
    const filled = (await appTables(platform)).filter((t) => t.filled).map((t) => t.name);
    await platform.sequelize.query(`INSERT INTO settings (key, value) VALUES ('demo_seeding', $1::jsonb)`, { bind: [JSON.stringify({ tables: filled })] });
  }
  await runSeeds(platform, areas);
  await platform.sequelize.query(`DELETE FROM settings WHERE key = 'demo_seeding'`);
  return true;
}

async function appTables(platform: Platform): Promise<Array<{ name: string; filled: boolean }>> {
  const tables = await platform.sequelize.query<{ name: string }>(`SELECT format('%I', tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`, { type: QueryTypes.SELECT });
  if (!tables.length) return [];
  const [row] = await platform.sequelize.query<Record<string, boolean>>(`SELECT ${tables.map((t, i) => `EXISTS (SELECT 1 FROM ${t.name}) AS t${i}`).join(', ')}`, { type: QueryTypes.SELECT });
  return tables.map((t, i) => ({ name: t.name, filled: row[`t${i}`] }));
}

/** Empties, in one statement, every table that had no rows before the demo data started (and the sessions). */
async function emptyTablesBut(platform: Platform, kept: string[]): Promise<void> {
  const names = (await appTables(platform)).map((t) => t.name).filter((n) => !kept.includes(n));
  if (names.length) await platform.sequelize.query(`TRUNCATE ${names.join(', ')} RESTART IDENTITY CASCADE`);
}

export async function runSeeds(platform: Platform, areas: readonly AppModule[] = modules): Promise<void> {
  for (const m of areas) {
    if (!m.seed) continue;
    platform.log.info({ module: m.name }, 'loading demo data');
    await m.seed(platform);
  }
  await platform.sequelize.query(
    `INSERT INTO settings (key, value) VALUES ('demo_seeded', to_jsonb(now())) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
  );
}
