// One running CIT Hub for the whole test run: real PostgreSQL, demo data, the job worker inline,
// mail to a real SMTP server, listening on a local port (for the browser tests and mailed links).
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { appDeps, buildPlatform, jobDefinitions, runSeeds } from '../../src/boot.js';
import { freePort } from '../../src/db/embedded.js';
import type { Platform } from '../../src/platform/context.js';
import { createLogger } from '../../src/platform/logger.js';
import { testDatabaseUrl } from './db.js';
import { onShutdown } from './resources.js';
import { startSmtpServer, type TestInbox } from './smtp.js';

export type TestContext = { app: Express; platform: Platform; baseUrl: string; inbox: TestInbox };

let pending: Promise<TestContext> | null = null;

async function start(): Promise<TestContext> {
  const databaseUrl = await testDatabaseUrl();
  const smtp = await startSmtpServer();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cithub-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: 'test-secret-that-is-long-enough-for-the-checks',
    SMTP_URL: smtp.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: 'true',
    MAIL_RETRY_DELAY_SECONDS: '1',
    // As behind the reverse proxy of a deployment: a test that needs an address of its own (the login
    // and reset limits count per address) sends X-Forwarded-For; the others come from 127.0.0.1.
    TRUST_PROXY: 'true',
  });
  const log = createLogger(config.logLevel);
  const platform = await buildPlatform(config, log, databaseUrl, { pollingIntervalSeconds: 0.5 });
  await runSeeds(platform);
  await platform.jobs.work(jobDefinitions(platform));
  const { app, close } = await createApp(platform, appDeps(platform));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  onShutdown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform.jobs.stop();
    await close();
    await platform.sequelize.close();
    await smtp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { app, platform, baseUrl: config.baseUrl, inbox: smtp.inbox };
}

/** The shared running app (started on first call). */
export function testContext(): Promise<TestContext> {
  pending ??= start();
  return pending;
}
