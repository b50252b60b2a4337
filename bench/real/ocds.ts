// The bulk exports under real data (5,000 dossiers, half public; 10,000 assets; the desk requests):
// the OCDS export is made stale by a write, then while it is rebuilt `/healthz` is measured (the
// build must never stall the server), with the build's time, its first byte, the process's RSS
// growth during it and the sizes it serves; then the built export under load, 32 concurrent
// requests after a change (one build), and the catalogue and desk CSV/JSON exports.
import http from 'node:http';
import { QueryTypes } from 'sequelize';
import { exportBuilds } from '../../src/modules/tenders/opendata.js';
import { fmt, loginCookie, measure } from '../lib.js';
import type { RealContext, RealRow, RealSection } from './types.js';

type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; bytes: number; ttfbMs: number; totalMs: number };

/** A GET that counts the bytes on the wire (fetch would decode them) and times the first byte. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        const ttfbMs = performance.now() - t0;
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, ttfbMs, totalMs: performance.now() - t0 }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Samples the process's RSS every few ms while `work` runs (the app runs in this process). */
async function withRss<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMb: (peak - before) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 2)} MB`;
const kb = (bytes: number) => `${fmt(bytes / 1024, 0)} KB`;

async function run(ctx: RealContext): Promise<RealRow[]> {
  const { scratch } = ctx;
  const { sequelize } = scratch.platform;
  const b = scratch.baseUrl;
  const rows: RealRow[] = [];
  const row = (figure: string, value: string, target = '', ok: boolean | null = null) => rows.push({ section: 'ocds', figure, value, ratio: '', target, ok });
  const [{ n }] = await sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM tender_dossiers WHERE is_public', { type: QueryTypes.SELECT });
  // A write the export depends on: a public dossier changes, as its history does on every change.
  const touch = () => sequelize.query('UPDATE tender_dossiers SET updated_at = now() WHERE id = (SELECT id FROM tender_dossiers WHERE is_public ORDER BY id LIMIT 1)');
  const exportUrl = `${b}/gare/ocds.json`;

  // One build from stale, measured alone: time, first byte, RSS growth.
  await rawGet(exportUrl);
  await touch();
  const builds0 = exportBuilds();
  const first = await withRss(() => rawGet(exportUrl, { 'accept-encoding': 'identity' }));
  if (first.result.status !== 200) throw new Error(`/gare/ocds.json answered ${first.result.status}`);
  row(`build di /gare/ocds.json (${n} gare pubbliche)`, `${fmt(first.result.totalMs / 1000, 2)} s`);
  row('primo byte dopo una modifica', `${fmt(first.result.ttfbMs, 0)} ms`);
  row('crescita RSS durante il build', `${fmt(first.growthMb, 1)} MB`, '≤ 50 MB', first.growthMb <= 50);

  const idle = await measure('/healthz a riposo', `${b}/healthz`, { durationSeconds: ctx.duration, connections: ctx.connections });
  row('/healthz a riposo (riferimento)', `p99 ${fmt(idle.p99, 0)} ms, ${fmt(idle.reqPerSec, 0)} req/s (hello p99 ${fmt(ctx.hello.p99, 0)} ms)`);

  // /healthz under load while the export is rebuilt again and again (a write before each build),
  // so the whole measurement falls inside builds.
  let building = true;
  let rebuilt = 0;
  const rebuilding = (async () => {
    while (building) {
      await touch();
      const r = await rawGet(exportUrl, { 'accept-encoding': 'identity' });
      if (r.status !== 200) throw new Error(`/gare/ocds.json answered ${r.status}`);
      rebuilt++;
    }
  })();
  const during = await withRss(() => measure('/healthz durante il build', `${b}/healthz`, { durationSeconds: ctx.duration, connections: ctx.connections }));
  building = false;
  await rebuilding;
  const h = during.result;
  row(`/healthz durante ${rebuilt} build (${ctx.connections} conn.)`, `p99 ${fmt(h.p99, 0)} ms, ${fmt(h.reqPerSec, 0)} req/s (a riposo p99 ${fmt(idle.p99, 0)} ms)`, 'p99 ≤ 50 ms', h.p99 <= 50 && h.errors === 0 && h.non2xx === 0);
  // Informative: it includes the load generator's own thread, started inside the window.
  row('crescita RSS durante i build ripetuti (con il thread di autocannon)', `${fmt(during.growthMb, 1)} MB`);

  const plain = await rawGet(exportUrl, { 'accept-encoding': 'identity' });
  const gz = await rawGet(exportUrl, { 'accept-encoding': 'gzip' });
  const br = await rawGet(exportUrl, { 'accept-encoding': 'gzip, deflate, br' });
  row('dimensione: identity / gzip / br', `${mb(plain.bytes)} / ${kb(gz.bytes)} (${gz.headers['content-encoding'] ?? '-'}) / ${kb(br.bytes)} (${br.headers['content-encoding'] ?? '-'})`);

  const served = await measure('/gare/ocds.json già pronto (br)', exportUrl, { durationSeconds: ctx.duration, connections: ctx.connections, headers: { 'accept-encoding': 'br' } });
  row('/gare/ocds.json già pronto (br)', `${fmt(served.reqPerSec, 0)} req/s, p99 ${fmt(served.p99, 0)} ms`, '', served.errors === 0 && served.non2xx === 0 ? null : false);
  // What a harvester polling with its ETag gets: the state query and a 304, nothing built nor sent.
  const revalidated = await measure('/gare/ocds.json con If-None-Match', exportUrl, { durationSeconds: ctx.duration, connections: ctx.connections, headers: { 'if-none-match': String(plain.headers.etag) } });
  row('/gare/ocds.json con If-None-Match (304)', `${fmt(revalidated.reqPerSec, 0)} req/s, p99 ${fmt(revalidated.p99, 0)} ms`);

  await touch();
  const before = exportBuilds();
  const answers = await Promise.all(Array.from({ length: 32 }, () => rawGet(exportUrl, { 'accept-encoding': 'gzip' })));
  const builds = exportBuilds() - before;
  const allOk = answers.every((a) => a.status === 200);
  row('32 richieste concorrenti dopo una modifica: build', `${builds}`, '1', builds === 1 && allOk);
  row('build contati in tutta la sezione', `${exportBuilds() - builds0}`);

  // The other bulk exports: time and RSS growth of one download each.
  const staffCookie = await loginCookie(b, 'staff@cithub.example');
  const others: Array<[string, string, Record<string, string>]> = [
    ['/catalogo.csv', `${b}/catalogo.csv`, {}],
    ['/catalogo.json', `${b}/catalogo.json`, {}],
    ['/richieste/export.csv (staff)', `${b}/richieste/export.csv`, { cookie: staffCookie }],
  ];
  for (const [name, url, headers] of others) {
    const r = await withRss(() => rawGet(url, { ...headers, 'accept-encoding': 'gzip' }));
    if (r.result.status !== 200) throw new Error(`${name} answered ${r.result.status}`);
    row(`${name}: tempo, primo byte, gzip`, `${fmt(r.result.totalMs, 0)} ms, ${fmt(r.result.ttfbMs, 0)} ms, ${kb(r.result.bytes)}`);
    row(`${name}: crescita RSS`, `${fmt(r.growthMb, 1)} MB`, '≤ 50 MB', r.growthMb <= 50);
  }
  return rows;
}

export const section: RealSection = { name: 'ocds', run };
