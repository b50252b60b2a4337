// npm run bench -- profile [search|facets|asset|signed|queue|list|open|reply|staff-reply] [seconds=8]
//
// Where one kind of real traffic spends the app's CPU: the data of `bench -- real` (10,000 assets,
// 2,000 bodies, 1,000 desk requests), the chosen traffic from 32 connections, and a CPU profile of
// the app's thread (node:inspector) taken while it runs. Prints the milliseconds of CPU per request
// and the heaviest functions and packages by self time; writes the whole profile to
// /tmp/cithub-<kind>.cpuprofile for Chrome's DevTools.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import pg from 'pg';
import { generateCatalog } from './generate-catalog.js';
import { generateDeskRequests, generateRequesters } from './generate-desk.js';
import { fmt, loginCookie, measure, startScratch } from './lib.js';
import { assetPaths, facetPaths, sample, searchPaths, signedIn } from './real/catalog.js';
import { FORM_POST, MEMBER_REPLY_FORM, OPEN_FORM, sessions, STAFF_REPLY_FORM } from './real/desk.js';
import type { RealContext } from './real/types.js';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const KINDS = ['search', 'facets', 'asset', 'signed', 'queue', 'list', 'open', 'reply', 'staff-reply'] as const;

/** Where a frame's code lives: a package of node_modules, a file of the app, or Node itself. */
function owner(url: string): string {
  if (!url) return '(native/gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node';
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url;
}

/** CPU seconds used so far by the machine (busy, all cores), by PostgreSQL's processes, and by this process. */
function cpuNow(): { machine: number; postgres: number; self: number } {
  const tick = 100; // USER_HZ on Linux
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      postgres += Number(rest[11]) + Number(rest[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  const own = process.cpuUsage();
  return { machine: (user + nice + system + irq + softirq + steal) / tick, postgres: postgres / tick, self: (own.user + own.system) / 1e6 };
}

function summarise(profile: Profile, requests: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);
  const fns = new Map<string, number>();
  const owners = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === '(idle)') continue;
    const o = owner(n.callFrame.url);
    add(fns, `${n.callFrame.functionName || '(anonymous)'} ${o}:${n.callFrame.lineNumber + 1}`, t);
    add(owners, o, t);
  }
  console.log(`CPU occupato ${fmt(busy / 1000, 0)} ms su ${fmt(total / 1000, 0)} ms; ${requests} richieste: ${fmt(busy / 1000 / Math.max(1, requests), 2)} ms di CPU per richiesta`);
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${fmt((100 * t) / busy, 1).padStart(5)} %  ${k}`).join('\n');
  console.log(`\nper pacchetto o file:\n${top(owners, 25)}\n\nper funzione (self):\n${top(fns, 40)}`);
}

export async function run(args: string[]): Promise<void> {
  const kind = (args[0] ?? 'search') as (typeof KINDS)[number];
  if (!KINDS.includes(kind)) throw new Error(`uso: npm run bench -- profile [${KINDS.join('|')}] [secondi]`);
  const seconds = Number(args[1] ?? 8);
  const scratch = await startScratch();
  try {
    const { sequelize } = scratch.platform;
    const { bodyIds, popularSlug } = await generateCatalog(sequelize);
    const requesterIds = await generateRequesters(sequelize, bodyIds);
    await sequelize.query(
      `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'staff@cithub.example') WHERE id = ANY(CAST(:ids AS int[]))`,
      { replacements: { ids: `{${requesterIds.join(',')}}` } },
    );
    const staffIds = (await sequelize.query<{ id: number }>("SELECT id FROM users WHERE role IN ('staff','admin') ORDER BY id", { type: 'SELECT' as never })).map((r) => r.id);
    await generateDeskRequests(sequelize, { bodyIds, requesterIds, staffIds, total: 100_000, activeBodyIndex: 0, from: 1, to: 1000 });
    const ctx = { scratch, connections: 32, data: { bodyIds, requesterIds, staffIds, popularSlug } } as unknown as RealContext;
    const s = await sample(ctx);
    let paths: string[];
    let identities: Array<Record<string, string>> | undefined;
    let write: Record<string, unknown> = {};
    if (kind === 'search') paths = searchPaths(s, 6000, 1501);
    else if (kind === 'facets') paths = facetPaths(s, 3000, 1502);
    else if (kind === 'asset') paths = assetPaths(s, 4000, 1503);
    else if (kind === 'signed') {
      paths = [...searchPaths(s, 3000, 1501), ...facetPaths(s, 1500, 1502)];
      identities = await signedIn(ctx);
    } else if (kind === 'staff-reply') {
      // Each connection answers a request of its own that is still open, as one of 4 staff sessions.
      const { staff } = await sessions(ctx);
      const open = await sequelize.query<{ id: number }>("SELECT id FROM desk_requests WHERE state IN ('new', 'assigned', 'in_progress', 'waiting') ORDER BY id LIMIT 32", { type: 'SELECT' as never });
      paths = ['/richieste'];
      identities = open.map((_, i) => ({ cookie: staff[i % staff.length].cookie }));
      write = {
        ...FORM_POST,
        forms: open.map((r, i) => ({ csrf: staff[i % staff.length].csrf, path: `/richieste/${r.id}/messaggi` })),
        body: STAFF_REPLY_FORM,
      };
    } else if (kind === 'list' || kind === 'open' || kind === 'reply') {
      const { members, memberIds } = await sessions(ctx);
      paths = kind === 'open' ? ['/richieste'] : ['/richieste', '/richieste?page=2', '/richieste?state=closed', '/richieste?state=open', '/richieste?sort=created'];
      identities = members.map((m) => ({ cookie: m.cookie }));
      if (kind === 'open')
        write = {
        ...FORM_POST,
          forms: members.map((m) => ({ csrf: m.csrf })),
          body: OPEN_FORM,
        };
      if (kind === 'reply') {
        // Each member replies in a request of its own body.
        const own = await sequelize.query<{ id: number; requester_id: number }>(
          "SELECT DISTINCT ON (requester_id) id, requester_id FROM desk_requests WHERE requester_id = ANY(CAST(:ids AS int[])) AND state IN ('new', 'assigned', 'in_progress', 'waiting') ORDER BY requester_id, id DESC",
          { replacements: { ids: `{${memberIds.join(',')}}` }, type: 'SELECT' as never },
        );
        const byMember = new Map(own.map((r) => [r.requester_id, r.id]));
        const pairs = members.map((m, i) => ({ m, id: byMember.get(memberIds[i]) })).filter((p) => p.id !== undefined);
        identities = pairs.map((p) => ({ cookie: p.m.cookie }));
        write = {
        ...FORM_POST,
          forms: pairs.map((p) => ({ csrf: p.m.csrf, path: `/richieste/${p.id}/messaggi` })),
          body: MEMBER_REPLY_FORM,
        };
      }
    } else {
      paths = ['/richieste', '/richieste?page=2', '/richieste?state=open'];
      identities = [{ cookie: await loginCookie(scratch.baseUrl, 'staff@cithub.example') }];
    }
    // Warm up (templates compiled, indexes built, JIT), then profile a run of its own.
    await measure('warm-up', `${scratch.baseUrl}${paths[0]}`, { durationSeconds: 3, connections: 32, paths: paths.slice(-500), identities, ...write });
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    let statements = 0;
    const texts = new Map<string, number>();
    // Every statement sent to PostgreSQL, the session store's included: pg's Client is the one door.
    const clientQuery = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
      statements++;
      const q = a[0] as string | { text?: string };
      // Literals folded, so one statement inlining different values counts as one.
      const sql = (typeof q === 'string' ? q : (q?.text ?? '')).replace(/\s+/g, ' ').replace(/'(?:[^']|'')*'/g, '?').replace(/\b\d+\b/g, 'N').slice(0, 140);
      texts.set(sql, (texts.get(sql) ?? 0) + 1);
      return (clientQuery as (...args: unknown[]) => unknown).apply(this, a);
    } as typeof clientQuery;
    const before = cpuNow();
    const m = await measure(kind, `${scratch.baseUrl}${paths[0]}`, { durationSeconds: seconds, connections: 32, paths, identities, ...write });
    const after = cpuNow();
    pg.Client.prototype.query = clientQuery;
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    session.disconnect();
    const file = `/tmp/cithub-${kind}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    console.log(`${kind}: ${fmt(m.reqPerSec, 0)} req/s, p50 ${fmt(m.p50, 1)} ms, p99 ${fmt(m.p99, 1)} ms, ${m.errors + m.non2xx} errori/non-2xx (con il profilatore acceso); profilo in ${file}`);
    const per = (k: keyof typeof after) => fmt((1000 * (after[k] - before[k])) / Math.max(1, m.requests), 2);
    console.log(`CPU per richiesta: macchina ${per('machine')} ms, PostgreSQL ${per('postgres')} ms, questo processo ${per('self')} ms (app, generatore di carico e profilatore); occupazione ${fmt((100 * (after.machine - before.machine)) / (seconds * os.cpus().length), 0)} % di ${os.cpus().length} core`);
    console.log(`${fmt(statements / Math.max(1, m.requests), 2)} istruzioni SQL per richiesta; le più frequenti:`);
    for (const [sql, n] of [...texts].sort((a, b) => b[1] - a[1]).slice(0, 24)) console.log(`  ${fmt(n / Math.max(1, m.requests), 2)}  ${sql}`);
    summarise(profile, m.requests);
  } finally {
    await scratch.stop();
  }
}
