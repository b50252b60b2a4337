// Shared pieces of the benchmarks: a scratch database with the app on it, an Express hello-world
// baseline, autocannon runs with exact percentiles, and a count of SQL statements per page.
import { fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import express from 'express';
import { SMTPServer } from 'smtp-server';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { appDeps, buildPlatform, runSeeds } from '../src/boot.js';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import type { Platform } from '../src/platform/context.js';
import { createLogger } from '../src/platform/logger.js';

export type Scratch = { platform: Platform; baseUrl: string; stop: () => Promise<void> };

/** A fresh embedded PostgreSQL (or a fresh database on BENCH_DATABASE_URL's server) with the app listening; `env` adds settings. */
export async function startScratch(env: Record<string, string> = {}): Promise<Scratch> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-bench-'));
  chmodSync(dir, 0o755);
  const log = createLogger(process.env.BENCH_LOG === '1' ? 'error' : 'silent');
  const db = await startEmbeddedPostgres(dir, log, { database: 'cithub_bench', persistent: false });
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: db.url,
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const platform = await buildPlatform(config, log, db.url);
  await runSeeds(platform);
  const { app, close } = await createApp(platform, appDeps(platform));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    platform,
    baseUrl: config.baseUrl,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await platform.jobs.stop();
      await close();
      await platform.sequelize.close();
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The baseline: an Express hello-world route in the same process, measured in the same run. */
export async function startHelloWorld(): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = express();
  app.get('/hello', (_req, res) => {
    res.send('Hello World!');
  });
  const port = await freePort();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${port}/hello`, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

export type Measurement = { name: string; requests: number; reqPerSec: number; p50: number; p95: number; p99: number; errors: number; non2xx: number; statuses?: Record<string, number> };

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

export type MeasureOptions = {
  connections?: number;
  durationSeconds?: number;
  headers?: Record<string, string>;
  /** Distinct paths (with query) on url's origin, requested in turn: real traffic that a page cache cannot answer. */
  paths?: string[];
  /** Headers per connection (e.g. one session cookie each), given out in turn. */
  identities?: Array<Record<string, string>>;
  /** For writes: the method and the body of every request (form-encoded, or a template: [<csrf>], [<uuid>], [<n>], see load-worker.mjs). */
  method?: 'GET' | 'POST';
  body?: string;
  /** Per identity (same index): its CSRF token for the body template and, optionally, the path it submits to. */
  forms?: Array<{ csrf: string; path?: string }>;
  /** The status that counts as success (a form's 302); default any 2xx. */
  expectStatus?: number;
  /** The load generator in a child process instead of a worker thread: its memory then stays out of the app process's RSS. */
  separateProcess?: boolean;
};

/** Runs autocannon in a worker thread (bounded in time, loopback only) and computes exact percentiles from every response time. */
export async function measure(name: string, url: string, opts: MeasureOptions = {}): Promise<Measurement> {
  const workerData = { url, connections: opts.connections ?? 32, duration: opts.durationSeconds ?? 10, headers: opts.headers, paths: opts.paths, identities: opts.identities,
    method: opts.method, body: opts.body, forms: opts.forms, expectStatus: opts.expectStatus };
  type Result = { times: number[]; requests: number; reqPerSec: number; errors: number; non2xx: number; statuses: Record<string, number> };
  const script = new URL('./load-worker.mjs', import.meta.url);
  let result: Result;
  if (opts.separateProcess) {
    const child = fork(fileURLToPath(script), [], { execArgv: [], serialization: 'advanced' });
    child.send(workerData);
    result = await new Promise<Result>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Result));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`load generator exited with ${code} before its result`)));
    });
  } else {
    const worker = new Worker(script, { workerData });
    result = await new Promise<Result>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
  }
  const times = result.times.sort((a, b) => a - b);
  return {
    name,
    requests: result.requests,
    reqPerSec: result.requests / (opts.durationSeconds ?? 10),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors: result.errors,
    non2xx: result.non2xx,
    statuses: result.statuses,
  };
}

/** How many SQL statements the app runs to answer one GET of `url`. */
export async function countStatements(platform: Platform, url: string, headers: Record<string, string> = {}): Promise<number> {
  // Let requests of an earlier load run drain first, so they are not counted.
  await new Promise((r) => setTimeout(r, 1500));
  let count = 0;
  const hook = () => {
    count++;
  };
  platform.sequelize.addHook('beforeQuery', 'bench-count', hook);
  try {
    const res = await fetch(url, { headers, redirect: 'manual' });
    await res.text();
    if (res.status >= 400) throw new Error(`${url} answered ${res.status}`);
  } finally {
    platform.sequelize.removeHook('beforeQuery', 'bench-count');
  }
  return count;
}

/** Logs in through the real form and returns the session cookie header. */
export async function loginCookie(baseUrl: string, email: string, password = 'cithub-demo'): Promise<string> {
  const page = await fetch(`${baseUrl}/login`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
  const token = (await page.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  if (res.status !== 302) throw new Error(`login of ${email} failed: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** A real SMTP server that accepts everything, for the mail benchmarks: counts messages and distinct recipients. */
export type SmtpSink = { port: number; received: () => number; recipients: Set<string>; waitFor: (count: number) => Promise<void>; close: () => Promise<void> };

export async function startSmtpSink(): Promise<SmtpSink> {
  let received = 0;
  const recipients = new Set<string>();
  let onReceived: () => void = () => undefined;
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        for (const r of session.envelope.rcptTo) recipients.add(r.address);
        onReceived();
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => sink.listen(port, '127.0.0.1', resolve));
  return {
    port,
    received: () => received,
    recipients,
    waitFor: (count) =>
      new Promise<void>((resolve) => {
        onReceived = () => {
          if (received >= count) resolve();
        };
      }),
    close: () => new Promise<void>((resolve) => sink.close(() => resolve())),
  };
}

/** The production configuration of a benchmark's scratch app: its database, data folder and SMTP sink. */
export function benchConfig(databaseUrl: string, dataDir: string, smtpPort: number) {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    BASE_URL: 'http://127.0.0.1',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
}
