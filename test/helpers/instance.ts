// A second CIT Hub process (`src/server.ts`) on this run's test database, as a second web process
// behind a load balancer would be: its own connections, caches and routers. No demo data loading
// and no job worker of its own (the shared test app works the jobs).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded.js';
import { testContext } from './app.js';
import { testDatabaseUrl } from './db.js';

export type SecondInstance = { baseUrl: string; stop: () => Promise<void> };

/** `env` adds to or overrides the second process's environment (e.g. TRUST_PROXY). */
export async function startSecondInstance(env: Record<string, string> = {}): Promise<SecondInstance> {
  await testContext(); // the schema and the demo data are in place before the second process starts
  const databaseUrl = await testDatabaseUrl();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-second-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      BASE_URL: baseUrl,
      SESSION_SECRET: 'test-secret-that-is-long-enough-for-the-checks',
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
      WORKERS: 'separate',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('pronto')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the second instance exited with ${code}: ${stderr.slice(-2000)}`)));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, stop };
}
