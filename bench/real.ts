// npm run bench -- real [seconds=10] [connections=32] [--only desk,catalog,ocds,mixed] [--json] [--no-node24]
//
// One benchmark of real traffic (issue 15): a scratch app in production configuration with the
// whole data set loaded once (10,000 assets, 2,000 bodies with one requester each, 5,000 dossiers,
// desk requests grown from 1,000 to 100,000), an Express hello-world measured in the same run, then
// the sections of bench/real/ in a fixed order, each giving its figures with the ratio to
// hello-world, the target and whether it was met. Then the same run again under Node 24 (a child
// process, after this run's app and database stopped: two runs at once would share two cores), and
// one table with both runtimes. Exits 0 when the run completed, whatever the verdicts: a missed
// target is printed as missed; a crash exits non-zero.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QueryTypes } from 'sequelize';
import { generateCatalog } from './generate-catalog.js';
import { generateDeskRequests, generateRequesters } from './generate-desk.js';
import { generateTenders } from './generate-tenders.js';
import { fmt, measure, startHelloWorld, startScratch } from './lib.js';
import type { RealContext, RealData, RealRow, RealSection } from './real/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECTIONS_DIR = path.join(here, 'real');
/** The order the sections run in; files not listed here run after them, by name. */
const ORDER = ['desk', 'catalog', 'ocds', 'mixed'];
const NOT_SECTIONS = new Set(['types.ts']);
const DESK_TOTAL = 100_000;
const DESK_FIRST = 1_000;
const DOSSIERS = 5_000;
/** The line of the Node 24 child that carries its figures (everything else it prints is shown as it comes). */
const JSON_MARK = '@@bench-real-json ';

type Options = { duration: number; connections: number; only: string[] | null; json: boolean; node24: boolean };
type RunResult = { node: string; rows: RealRow[]; crashed: string[] };

function parseOptions(args: string[]): Options {
  const positional: string[] = [];
  const opts: Options = { duration: 10, connections: 32, only: null, json: false, node24: true };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') opts.json = true;
    else if (a === '--no-node24') opts.node24 = false;
    else if (a === '--only') opts.only = (args[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    else if (a.startsWith('--only=')) opts.only = a.slice('--only='.length).split(',').map((s) => s.trim()).filter(Boolean);
    else if (a.startsWith('--')) throw new Error(`opzione sconosciuta: ${a} (uso: npm run bench -- real [secondi] [connessioni] [--only desk,catalog,ocds,mixed] [--json] [--no-node24])`);
    else positional.push(a);
  }
  if (positional[0]) opts.duration = Number(positional[0]);
  if (positional[1]) opts.connections = Number(positional[1]);
  if (!(opts.duration > 0) || !(opts.connections > 0)) throw new Error('secondi e connessioni devono essere numeri positivi');
  return opts;
}

/** The section files present, in the fixed order (the others' sections may not have landed yet). */
function discoverSections(): string[] {
  const names = readdirSync(SECTIONS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_SECTIONS.has(f))
    .map((f) => f.replace(/\.ts$/, ''));
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** This runtime's run: load, baseline, sections; the scratch app and database are stopped before it returns. */
async function runHere(opts: Options): Promise<RunResult> {
  const present = discoverSections();
  const unknown = (opts.only ?? []).filter((n) => !present.includes(n));
  if (unknown.length) console.log(`sezioni non presenti (ignorate): ${unknown.join(', ')}; presenti: ${present.join(', ')}`);
  const selected = present.filter((n) => !opts.only || opts.only.includes(n));
  console.log(`Node ${process.version}: sezioni ${selected.join(', ') || '(nessuna)'}; ${opts.duration} s per misura, ${opts.connections} connessioni`);

  const started = Date.now();
  const scratch = await startScratch();
  const hello = await startHelloWorld();
  const rows: RealRow[] = [];
  const crashed: string[] = [];
  try {
    const { sequelize } = scratch.platform;
    console.log(`app e database pronti in ${seconds(started)}; carico i dati…`);
    const loading = Date.now();
    const { bodyIds, popularSlug } = await generateCatalog(sequelize);
    const requesterIds = await generateRequesters(sequelize, bodyIds);
    // The requesters sign in with the demo password: the staff account's hash is copied, so 2,000
    // argon2 hashes are not computed here.
    await sequelize.query(
      `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'staff@cithub.example') WHERE id = ANY(CAST(:ids AS int[]))`,
      { replacements: { ids: `{${requesterIds.join(',')}}` } },
    );
    const staffIds = (await sequelize.query<{ id: number }>("SELECT id FROM users WHERE role IN ('staff','admin') AND status = 'active' ORDER BY id", { type: QueryTypes.SELECT })).map((r) => r.id);
    const [rup] = await sequelize.query<{ id: number }>("SELECT id FROM users WHERE email = 'staff@cithub.example'", { type: QueryTypes.SELECT });
    await generateTenders(sequelize, { n: DOSSIERS, bodyIds, rupUserId: rup.id });
    const deskOptions = { bodyIds, requesterIds, staffIds, total: DESK_TOTAL, activeBodyIndex: 0 };
    let generated = 0;
    const grow = async (to: number) => {
      if (to <= generated) return;
      const t = Date.now();
      await generateDeskRequests(sequelize, { ...deskOptions, from: generated + 1, to });
      console.log(`richieste dello sportello ${generated + 1}–${to} generate in ${seconds(t)}`);
      generated = to;
    };
    await grow(DESK_FIRST);
    const data: RealData = { bodyIds, requesterIds, staffIds, popularSlug };
    const [counts] = await sequelize.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM catalog_assets)::int AS assets, (SELECT count(*) FROM catalog_assets WHERE status = 'published')::int AS published,
              (SELECT count(*) FROM entities)::int AS bodies, (SELECT count(*) FROM catalog_adoptions)::int AS adoptions,
              (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM desk_requests)::int AS requests,
              (SELECT count(*) FROM tender_dossiers)::int AS dossiers, (SELECT count(*) FROM tender_dossiers WHERE is_public)::int AS public`,
      { type: QueryTypes.SELECT },
    );
    console.log(
      `Dati caricati in ${seconds(loading)}: ${counts.assets} asset (${counts.published} pubblicati), ${counts.adoptions} adozioni, ${counts.bodies} enti, ` +
        `${counts.users} utenti (${requesterIds.length} richiedenti), ${counts.requests} richieste allo sportello, ${counts.dossiers} gare (${counts.public} pubbliche)`,
    );

    const baseline = await measure('hello-world', hello.url, { connections: opts.connections, durationSeconds: opts.duration });
    console.log(`hello-world: ${fmt(baseline.reqPerSec, 0)} req/s, p50 ${fmt(baseline.p50, 1)} ms, p99 ${fmt(baseline.p99, 1)} ms`);
    rows.push({ section: 'base', figure: 'hello-world (Express, stesso processo)', value: `${fmt(baseline.reqPerSec, 0)} req/s, p99 ${fmt(baseline.p99, 1)} ms`, ratio: '1.00', target: '', ok: null });
    const ctx: RealContext = {
      scratch,
      data,
      duration: opts.duration,
      connections: opts.connections,
      helloUrl: hello.url,
      hello: baseline,
      desk: { total: DESK_TOTAL, generated: () => generated, grow },
    };

    for (const name of selected) {
      // Whatever the desk section did (or if it did not run), the sections after it see 100,000 requests.
      if (name !== 'desk') await grow(DESK_TOTAL);
      const t = Date.now();
      console.log(`\n== ${name} ==`);
      try {
        const mod = (await import(pathToFileURL(path.join(SECTIONS_DIR, `${name}.ts`)).href)) as { section?: RealSection };
        if (!mod.section) throw new Error(`bench/real/${name}.ts non esporta section`);
        const got = await mod.section.run(ctx);
        rows.push(...got);
        console.log(`${name}: ${got.length} figure in ${seconds(t)}`);
      } catch (err) {
        // The other sections still run; the run as a whole then exits non-zero.
        console.error(`${name}: interrotta dopo ${seconds(t)}:`, err);
        crashed.push(name);
        rows.push({ section: name, figure: `interrotta: ${(err as Error).message?.split('\n')[0].slice(0, 100)}`, value: '', ratio: '', target: '', ok: false });
      }
    }
    console.log(`\nNode ${process.version}: completato in ${seconds(started)}`);
  } finally {
    await hello.stop();
    await scratch.stop();
  }
  return { node: process.version, rows, crashed };
}

/** The Node 24 binary: BENCH_NODE24, else the npm package node@24 installed once under the temporary folder (as .ci/run does for the tests). */
function node24Binary(): string {
  if (process.env.BENCH_NODE24) return process.env.BENCH_NODE24;
  const prefix = path.join(os.tmpdir(), 'cithub-node24');
  const bin = path.join(prefix, 'node_modules', '.bin', 'node');
  const version = () => (existsSync(bin) ? spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '' : '');
  if (!version().startsWith('v24.')) {
    console.log(`installo Node 24 in ${prefix} (npm install node@24, una volta sola)…`);
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, 'node@24'], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (npm.status !== 0 || !version().startsWith('v24.')) throw new Error(`Node 24 non installato in ${prefix} (npm install node@24 uscito con ${npm.status})`);
  }
  return bin;
}

/** The same run under Node 24, in a child process; its lines are shown as they come, its figures returned. */
async function runNode24(opts: Options): Promise<RunResult> {
  const bin = node24Binary();
  const args = ['--import', 'tsx', path.join(here, 'run.ts'), 'real', String(opts.duration), String(opts.connections), '--json', '--no-node24'];
  if (opts.only) args.push('--only', opts.only.join(','));
  console.log(`\n==== Node 24 (${bin}) ====`);
  const child = spawn(bin, args, { cwd: path.dirname(here), stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let result: RunResult | null = null;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line.startsWith(JSON_MARK)) result = JSON.parse(line.slice(JSON_MARK.length)) as RunResult;
    else console.log(`[node 24] ${line}`);
  });
  createInterface({ input: child.stderr }).on('line', (line) => console.error(`[node 24] ${line}`));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (!result) throw new Error(`la corsa con Node 24 è uscita con ${code} senza figure`);
  return result;
}

const verdict = (ok: boolean | null | undefined) => (ok === true ? '✓' : ok === false ? '✗' : '–');

function printTable(main: RunResult, other: RunResult | null, otherNote: string): void {
  const key = (r: RealRow) => `${r.section}\u0000${r.figure}`;
  const others = new Map((other?.rows ?? []).map((r) => [key(r), r]));
  // A figure whose name carries a count (requests made, builds seen) differs between runtimes: it is
  // paired by its place within its section when the exact name has no partner.
  const mainKeysAll = new Set(main.rows.map(key));
  const paired = new Set<string>();
  const unpaired = (rows: RealRow[], isPaired: (r: RealRow) => boolean) => rows.filter((r) => !isPaired(r));
  for (const section of new Set(main.rows.map((r) => r.section))) {
    const mine = unpaired(main.rows.filter((r) => r.section === section), (r) => others.has(key(r)));
    const theirs = unpaired((other?.rows ?? []).filter((r) => r.section === section), (r) => mainKeysAll.has(key(r)));
    if (mine.length === theirs.length) mine.forEach((r, i) => {
      others.set(key(r), theirs[i]);
      paired.add(key(theirs[i]));
    });
  }
  const mainLabel = `Node ${main.node.replace(/^v/, '')}`;
  const otherLabel = other ? `Node ${other.node.replace(/^v/, '')}` : 'Node 24';
  const header = ['section', 'figure', mainLabel, 'ratio', 'target', 'verdict', otherLabel];
  const body = main.rows.map((r) => {
    const o = others.get(key(r));
    const otherCell = o ? [o.value, o.ratio && `(${o.ratio})`, verdict(o.ok)].filter(Boolean).join(' ') : other ? 'n/d' : otherNote;
    return [r.section, r.figure, r.value, r.ratio, r.target, verdict(r.ok), otherCell];
  });
  // Figures only the other runtime produced (e.g. a section that crashed here) are shown too.
  for (const o of other?.rows ?? []) if (!mainKeysAll.has(key(o)) && !paired.has(key(o))) body.push([o.section, o.figure, 'n/d', '', o.target, '–', `${o.value} ${o.ratio && `(${o.ratio})`} ${verdict(o.ok)}`.trim()]);
  const width = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
  console.log(`\n${line(header)}`);
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of body) console.log(line(row));
  const count = (rows: RealRow[]) => {
    const targets = rows.filter((r) => r.ok !== null);
    return `${targets.filter((r) => r.ok).length} of ${targets.length} targets met`;
  };
  console.log(`\n${mainLabel}: ${count(main.rows)}${other ? `; ${otherLabel}: ${count(other.rows)}` : ''}`);
}

export async function run(args: string[]): Promise<void> {
  const opts = parseOptions(args);
  const main = await runHere(opts);
  if (opts.json) {
    console.log(`${JSON_MARK}${JSON.stringify(main)}`);
    if (main.crashed.length) throw new Error(`sezioni interrotte: ${main.crashed.join(', ')}`);
    return;
  }
  let other: RunResult | null = null;
  let otherNote = 'non misurato (--no-node24)';
  let otherFailed: string | null = null;
  if (process.versions.node.startsWith('24.')) otherNote = 'questa è la corsa con Node 24';
  else if (opts.node24) {
    try {
      other = await runNode24(opts);
    } catch (err) {
      otherFailed = (err as Error).message;
      otherNote = 'corsa fallita';
    }
  }
  printTable(main, other, otherNote);
  const failures = [...main.crashed.map((s) => `${s} interrotta`), ...(other?.crashed ?? []).map((s) => `${s} interrotta con Node 24`), ...(otherFailed ? [otherFailed] : [])];
  if (failures.length) throw new Error(`la corsa non è completa: ${failures.join('; ')}`);
}
