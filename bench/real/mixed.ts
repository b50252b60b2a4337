// Mixed load (issue 15): a minute of anonymous visitors on distinct catalogue URLs, members signed in
// with their own sessions, staff working the desk queue and a few staff replies, all at once on the
// full data set; the resident memory of the web process before, at its peak and after the minute.
// The load goes to a web process of its own, started as the Procfile starts one (the compiled build on
// the same database, production configuration, workers separate): the bench process also holds the
// data it generated and the history of every earlier section, which no web process has. Also counts
// the session rows the anonymous GETs created: none is expected, a visitor without a cookie costs no
// session.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { freePort } from '../../src/db/embedded.js';
import { QueryTypes, type Sequelize } from 'sequelize';
import { fmt, loginCookie, measure, type Measurement } from '../lib.js';
import type { RealContext, RealRow, RealSection } from './types.js';

const RSS_TARGET_MB = 250;
const MB = 1024 * 1024;
const REPLY = 'Risposta del centro durante il carico misto.';

/** A full garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** Deterministic pseudo-random numbers, so every run requests the same URLs. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const column = async (sequelize: Sequelize, sql: string, replacements: Record<string, unknown> = {}) =>
  (await sequelize.query<{ v: string }>(sql, { type: QueryTypes.SELECT, replacements })).map((r) => String(r.v));

/** Catalogue URLs generated from the data: full text with 0–2 facets, facets only, asset pages, interleaved. */
async function catalogueUrls(sequelize: Sequelize, seed: number, count: number): Promise<string[]> {
  const rand = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const slugs = await column(sequelize, `SELECT slug AS v FROM catalog_assets WHERE status = 'published' ORDER BY md5(slug || :seed) LIMIT :n`, { seed, n: Math.ceil(count / 3) });
  const words = await column(sequelize, `SELECT DISTINCT lower(w) AS v FROM catalog_assets, unnest(string_to_array(name, ' ')) w WHERE status = 'published' AND w !~ '^[0-9]+$' ORDER BY 1`);
  const facets: Array<[string, string[]]> = [
    ['tipo', await column(sequelize, `SELECT DISTINCT kind AS v FROM catalog_assets WHERE status = 'published' ORDER BY 1`)],
    ['categoria', await column(sequelize, `SELECT DISTINCT unnest(categories) AS v FROM catalog_assets WHERE status = 'published' ORDER BY 1`)],
    ['ambito', await column(sequelize, `SELECT DISTINCT unnest(scopes) AS v FROM catalog_assets WHERE status = 'published' ORDER BY 1`)],
    ['integra', await column(sequelize, `SELECT DISTINCT unnest(italian_platforms) AS v FROM catalog_assets WHERE status = 'published' ORDER BY 1`)],
    ['stato', await column(sequelize, `SELECT DISTINCT development_status AS v FROM catalog_assets WHERE status = 'published' AND development_status IS NOT NULL ORDER BY 1`)],
  ];
  const withFacets = (params: URLSearchParams, n: number) => {
    for (const [param, values] of [...facets].sort(() => rand() - 0.5).slice(0, n)) if (values.length) params.append(param, pick(values));
    return params;
  };
  const urls: string[] = [];
  for (let i = 0; urls.length < count; i++) {
    if (i % 3 === 0) {
      const q = rand() < 0.3 ? `${pick(words)} ${pick(words)}` : pick(words);
      urls.push(`/catalogo?${withFacets(new URLSearchParams({ q }), Math.floor(rand() * 3)).toString()}`);
    } else if (i % 3 === 1) {
      const params = withFacets(new URLSearchParams(), 1 + Math.floor(rand() * 3));
      if (rand() < 0.2) params.set('page', String(2 + Math.floor(rand() * 3)));
      urls.push(`/catalogo?${params.toString()}`);
    } else urls.push(`/catalogo/${encodeURIComponent(slugs[Math.floor(i / 3) % slugs.length])}`);
  }
  return urls;
}

/** The CSRF token of a session, read from a page's form as a browser would. */
async function csrfOf(baseUrl: string, cookie: string, path: string): Promise<string> {
  const html = await (await fetch(`${baseUrl}${path}`, { headers: { cookie } })).text();
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!token) throw new Error(`nessun token CSRF in ${path}`);
  return token;
}

/** The resident memory of a process, from Linux's /proc. */
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`VmRSS di ${pid} non leggibile`);
  return Number(kb) * 1024;
}

/**
 * The Procfile's web command as words: its leading environment assignments (e.g. MALLOC_ARENA_MAX)
 * and node's command line, so the bench starts the web process exactly as a deployment does.
 */
function procfileWeb(root: string): { env: Record<string, string>; args: string[] } {
  const line = readFileSync(path.join(root, 'Procfile'), 'utf8').split('\n').find((l) => l.startsWith('web:'));
  if (!line) throw new Error('il Procfile non ha un processo web');
  const words = line.slice('web:'.length).trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name] = value.join('=');
  }
  if (words.shift() !== 'node') throw new Error(`il processo web del Procfile non è un comando node: ${line}`);
  return { env, args: words };
}

/**
 * A web process of its own on the scratch database, started as the Procfile starts it (the compiled
 * build, built here first, its flags and environment), with this runtime's node; resolves once it answers.
 */
async function startWebProcess(ctx: RealContext): Promise<{ base: string; child: ChildProcess; stop: () => Promise<void> }> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build è uscito con ${build.status}`);
  const web = procfileWeb(root);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { config, databaseUrl } = ctx.scratch.platform;
  console.log(`  processo web come nel Procfile: ${Object.entries(web.env).map(([k, v]) => `${k}=${v} `).join('')}node ${web.args.join(' ')}`);
  const child = spawn(process.execPath, web.args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...web.env,
      NODE_ENV: 'production',
      PORT: String(port),
      BASE_URL: base,
      DATABASE_URL: databaseUrl,
      // The scratch app's secret and data folder: the sessions signed in through either are valid in both.
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      DATA_DIR: config.dataDir,
      LOG_LEVEL: 'silent',
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`il processo web è uscito con ${child.exitCode} prima di rispondere`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600) throw new Error('il processo web non risponde dopo 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

type Stream = { name: string; connections: number; run: () => Promise<Measurement> };

async function run(ctx: RealContext): Promise<RealRow[]> {
  const web = await startWebProcess(ctx);
  try {
    return await runOn(ctx, web);
  } finally {
    await web.stop();
  }
}

async function runOn(ctx: RealContext, web: { base: string; child: ChildProcess }): Promise<RealRow[]> {
  const { scratch, data } = ctx;
  const { sequelize } = scratch.platform;
  const base = web.base;
  const pid = web.child.pid!;
  // A minute at the default 10 s per measurement; shorter runs (while developing) scale it down.
  const seconds = Math.min(60, ctx.duration * 6);

  const anonymous = await catalogueUrls(sequelize, 15, 6000);
  const signedInCatalogue = await catalogueUrls(sequelize, 51, 1500);
  // Members of several bodies, each with a session of their own (the especially active body first).
  const members = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144].filter((i) => i < data.bodyIds.length);
  const memberCookies: Array<Record<string, string>> = [];
  for (const i of members) memberCookies.push({ cookie: await loginCookie(base, `richiedente.${data.bodyIds[i]}@bench.cithub.example`) });
  const memberPaths = signedInCatalogue.flatMap((url, i) => (i % 3 === 2 ? [url, i % 2 ? '/richieste' : '/'] : [url]));

  const staffEmails = await column(sequelize, `SELECT email AS v FROM users WHERE role IN ('staff', 'admin') AND status = 'active' AND password_hash IS NOT NULL ORDER BY id`);
  const staffCookies: Array<Record<string, string>> = [];
  for (const email of staffEmails) staffCookies.push({ cookie: await loginCookie(base, email) });
  const requestIds = (await column(sequelize, 'SELECT id AS v FROM desk_requests ORDER BY md5(id::text) LIMIT 2000')).map(Number);
  const states = ['open', 'new', 'assigned', 'in_progress', 'waiting', 'resolved', 'closed', 'all'];
  const categories = ['', 'legal', 'strategic', 'procurement', 'technical', 'reuse', 'other'];
  const queuePaths: string[] = [];
  for (let i = 0; i < 2000; i++) {
    if (i % 2) queuePaths.push(`/richieste/${requestIds[i % requestIds.length]}`);
    else {
      const params = new URLSearchParams({ state: states[i % states.length] });
      const category = categories[(i * 7) % categories.length];
      if (category) params.set('category', category);
      if (i % 5 === 0) params.set('page', String(2 + (i % 4)));
      queuePaths.push(`/richieste?${params.toString()}`);
    }
  }
  // Staff replies on open requests (the reply form's fields; the token of the writer's own session).
  const openIds = (await column(sequelize, `SELECT id AS v FROM desk_requests WHERE state IN ('assigned', 'in_progress') ORDER BY id LIMIT 500`)).map(Number);
  const writer = staffCookies[0].cookie;
  const writerToken = openIds.length ? await csrfOf(base, writer, `/richieste/${openIds[0]}`) : '';

  const c = ctx.connections;
  const share = (fraction: number) => Math.max(1, Math.round(c * fraction));
  const streams: Stream[] = [
    { name: 'visitatori anonimi, URL distinti del catalogo', connections: share(14 / 32), run: () => measure('anonimi', base, { connections: share(14 / 32), durationSeconds: seconds, separateProcess: true, paths: anonymous }) },
    { name: `membri autenticati (${memberCookies.length} sessioni): catalogo, richieste, home`, connections: share(10 / 32), run: () => measure('membri', base, { connections: share(10 / 32), durationSeconds: seconds, separateProcess: true, paths: memberPaths, identities: memberCookies }) },
    { name: `staff (${staffCookies.length} sessioni): coda dello sportello e richieste`, connections: share(6 / 32), run: () => measure('staff', base, { connections: share(6 / 32), durationSeconds: seconds, separateProcess: true, paths: queuePaths, identities: staffCookies }) },
  ];
  if (openIds.length) {
    const body = new URLSearchParams({ body: REPLY }).toString();
    streams.push({
      name: 'risposte dello staff (POST, 302 atteso)',
      connections: share(2 / 32),
      run: () =>
        measure('risposte', base, {
          connections: share(2 / 32),
          durationSeconds: seconds,
          separateProcess: true,
          paths: openIds.map((id) => `/richieste/${id}/messaggi`),
          identities: [{ cookie: writer, 'x-csrf-token': writerToken, 'content-type': 'application/x-www-form-urlencoded' }],
          method: 'POST',
          body,
        }),
    });
  }

  const sessions = async () => (await sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM session', { type: QueryTypes.SELECT }))[0].n;
  const replies = async () => (await sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM desk_messages WHERE body = :body', { type: QueryTypes.SELECT, replacements: { body: REPLY } }))[0].n;
  const sessionsBefore = await sessions();
  const repliesBefore = await replies();
  // Let what the sign-ins left in flight settle, then sample the web process's RSS while the load
  // runs; the bench process's own RSS (after a full collection) is printed beside it for reference.
  await new Promise((r) => setTimeout(r, 2000));
  collectGarbage();
  const benchBefore = process.memoryUsage().rss;
  const before = rssOf(pid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, 200);
  console.log(`carico misto per ${seconds} s: ${streams.map((s) => `${s.connections} ${s.name}`).join('; ')}`);
  let results: Measurement[];
  try {
    results = await Promise.all(streams.map((s) => s.run()));
  } finally {
    clearInterval(sampler);
  }
  const after = rssOf(pid);
  peak = Math.max(peak, after);
  collectGarbage();
  const benchAfter = process.memoryUsage();
  const sessionsAfter = await sessions();
  const written = (await replies()) - repliesBefore;

  const rows: RealRow[] = [];
  const total = results.reduce((a, m) => a + m.reqPerSec, 0);
  streams.forEach((s, i) => {
    const m = results[i];
    const writes = s.name.startsWith('risposte');
    // A reply answers 302 (back to the request): the replies stored are counted instead.
    const failures = m.errors + (writes ? Math.max(0, m.requests - written) : m.non2xx);
    rows.push({
      section: 'mixed',
      figure: `${s.name}, ${s.connections} conn.`,
      value: `${fmt(m.reqPerSec, 0)} req/s, p50 ${fmt(m.p50, 0)} ms, p99 ${fmt(m.p99, 0)} ms${failures ? `, ${failures} errori/non 2xx` : ''}`,
      ratio: fmt(m.reqPerSec / ctx.hello.reqPerSec, 3),
      target: '',
      ok: null,
    });
  });
  rows.push({ section: 'mixed', figure: `totale del carico misto, ${c} conn.`, value: `${fmt(total, 0)} req/s`, ratio: fmt(total / ctx.hello.reqPerSec, 3), target: '', ok: null });
  rows.push({ section: 'mixed', figure: 'RSS del processo web prima del carico misto (avviato e riscaldato dal login)', value: `${fmt(before / MB, 0)} MB`, ratio: '', target: '', ok: null });
  rows.push({ section: 'mixed', figure: 'RSS del processo web, picco durante il carico', value: `${fmt(peak / MB, 0)} MB`, ratio: '', target: '', ok: null });
  rows.push({
    section: 'mixed',
    figure: `RSS del processo web dopo ${seconds} s di carico misto`,
    value: `${fmt(after / MB, 0)} MB`,
    ratio: '',
    target: `≤ ${RSS_TARGET_MB} MB`,
    ok: after / MB <= RSS_TARGET_MB,
  });
  rows.push({
    section: 'mixed',
    figure: 'RSS del processo del bench (dati generati e sezioni precedenti; senza carico), prima / dopo una garbage collection completa',
    value: `${fmt(benchBefore / MB, 0)} / ${fmt(benchAfter.rss / MB, 0)} MB (heap ${fmt(benchAfter.heapUsed / MB, 0)} MB)`,
    ratio: '',
    target: '',
    ok: null,
  });
  rows.push({
    section: 'mixed',
    figure: 'sessioni create dalle GET anonime',
    value: `${sessionsAfter - sessionsBefore} (su ${results[0].requests} richieste)`,
    ratio: '',
    target: '0 (informativo)',
    ok: null,
  });
  return rows;
}

export const section: RealSection = { name: 'mixed', run };
