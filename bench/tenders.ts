// npm run bench -- tenders [seconds] [connections]: the tender pages with 5,000 dossiers (40,000
// participations, 25,000 milestones), anonymous, as a body user and as staff, with the SQL
// statements each page runs (bounded whatever the number of rows).
import { QueryTypes } from 'sequelize';
import { generateBodies } from './generate.js';
import { generateTenders } from './generate-tenders.js';
import { countStatements, fmt, loginCookie, measure, printTable, startHelloWorld, startScratch } from './lib.js';

const DOSSIERS = 5_000;

export async function run(args: string[]): Promise<void> {
  const duration = Number(args[0] ?? 8);
  const connections = Number(args[1] ?? 8);
  const scratch = await startScratch();
  const hello = await startHelloWorld();
  try {
    const { sequelize } = scratch.platform;
    const t0 = Date.now();
    await generateBodies(sequelize, 300);
    const bodyIds = (await sequelize.query<{ id: number }>("SELECT id FROM entities WHERE membership_status = 'active' ORDER BY id", { type: QueryTypes.SELECT })).map((r) => r.id);
    const [staff] = await sequelize.query<{ id: number }>("SELECT id FROM users WHERE email = 'staff@cithub.example'", { type: QueryTypes.SELECT });
    await generateTenders(sequelize, { n: DOSSIERS, bodyIds, rupUserId: staff.id });
    console.log(`${DOSSIERS} gare generate in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const [web] = await sequelize.query<{ id: number }>("SELECT id FROM tender_dossiers WHERE title LIKE 'Rifacimento dei siti web istituzionali%' ORDER BY id LIMIT 1", { type: QueryTypes.SELECT });
    const staffCookie = await loginCookie(scratch.baseUrl, 'staff@cithub.example');
    const rtdCookie = await loginCookie(scratch.baseUrl, 'rtd@russi.cithub.example');
    const b = scratch.baseUrl;
    const pages: Array<[string, string, string | null]> = [
      ['/gare (visitatore)', `${b}/gare`, null],
      ['/gare?q=cloud&page=3 (visitatore)', `${b}/gare?q=cloud&page=3`, null],
      ['/gare (RTD di Russi)', `${b}/gare`, rtdCookie],
      ['/gare?phase=active (staff)', `${b}/gare?phase=active`, staffCookie],
      [`/gare/${web.id} (visitatore)`, `${b}/gare/${web.id}`, null],
      [`/gare/${web.id} (staff)`, `${b}/gare/${web.id}`, staffCookie],
      ['/gare/scadenze (staff)', `${b}/gare/scadenze`, staffCookie],
      [`/gare/${web.id}/ocds.json`, `${b}/gare/${web.id}/ocds.json`, null],
      ['/gare/ocds.json (2.500 gare, in cache)', `${b}/gare/ocds.json`, null],
    ];
    const base = await measure('hello-world', hello.url, { durationSeconds: duration, connections });
    const rows = [{ pagina: 'hello-world', 'req/s': fmt(base.reqPerSec, 0), p50: base.p50, p95: base.p95, p99: base.p99, sql: 0 }];
    for (const [name, url, cookie] of pages) {
      const headers: Record<string, string> = cookie ? { cookie } : {};
      await fetch(url, { headers }).then((r) => r.arrayBuffer()); // warm-up (and the OCDS cache)
      const sql = await countStatements(scratch.platform, url, headers);
      const m = await measure(name, url, { durationSeconds: duration, connections, headers });
      if (m.non2xx || m.errors) throw new Error(`${name}: ${m.non2xx} risposte non 2xx, ${m.errors} errori`);
      rows.push({ pagina: name, 'req/s': fmt(m.reqPerSec, 0), p50: m.p50, p95: m.p95, p99: m.p99, sql });
    }
    console.log(`\n${connections} connessioni, ${duration} s per misura, latenze in ms`);
    printTable(rows);
  } finally {
    await hello.stop();
    await scratch.stop();
  }
}
