// A throwaway database for the whole run: a fresh database on TEST_DATABASE_URL's server when set,
// otherwise an embedded PostgreSQL in a temporary folder. Never a mock.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createLogger } from '../../src/platform/logger.js';
import { onShutdown } from './resources.js';

let pending: Promise<string> | null = null;

async function createOnServer(serverUrl: string): Promise<string> {
  const name = `cithub_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  onShutdown(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startEmbedded(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-test-'));
  chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres(dir, createLogger('silent'), { database: 'cithub_test', persistent: false });
  onShutdown(async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return db.url;
}

/** The connection string of this run's test database (created on first call). */
export function testDatabaseUrl(): Promise<string> {
  pending ??= process.env.TEST_DATABASE_URL ? createOnServer(process.env.TEST_DATABASE_URL) : startEmbedded();
  return pending;
}
