// npm run bench -- funding [seconds] [connections]: the staff dashboard (/finanziamenti) with 2,000
// adhering bodies and 50,000 projects. Prints the PA digitale 2026 import of the shared files (counts
// and time), each SQL statement of the dashboard with its p50/p95 run alone, the page under load
// (req/s, p50/p95/p99, statements per page), and the CSV export of every project.
import { QueryTypes } from 'sequelize';
import { DASHBOARD_SQL } from '../src/modules/funding/dashboard.js';
import { importOpenData, openDataFiles, reportLines, SHARED_OPEN_DATA_DIR } from '../src/modules/funding/index.js';
import { addDays, todayInRome } from '../src/modules/tenders/index.js';
import { messageTranslator } from '../src/platform/i18n.js';
import { generateBodies } from './generate.js';
import { countStatements, fmt, loginCookie, measure, printTable, startScratch } from './lib.js';

const BODIES = 2_000;
const PROJECTS = 50_000;
const RUNS = 30;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export async function run(args: string[]): Promise<void> {
  const duration = Number(args[0] ?? 5);
  const connections = Number(args[1] ?? 4);
  const scratch = await startScratch();
  try {
    const { platform } = scratch;
    const { sequelize } = platform;
    const files = openDataFiles(SHARED_OPEN_DATA_DIR);
    if (files.length) {
      // The seed imported the shared files already; on a fresh table the same import is timed here.
      await sequelize.query(`DELETE FROM funding_reference_rows; DELETE FROM funding_projects WHERE import_key IS NOT NULL`);
      const report = await importOpenData(platform, files);
      console.log('Import dei dati aperti PA digitale 2026 (file condivisi):');
      for (const line of reportLines(report, messageTranslator('it')).filter((l) => !l.startsWith('  '))) console.log(`  ${line}`);
      const again = await importOpenData(platform, files);
      console.log(`  di nuovo: ${again.created} nuove, ${again.updated} aggiornate, ${again.unchanged} invariate in ${(again.ms / 1000).toFixed(1)} s`);
    } else console.log(`(dati aperti non trovati in ${SHARED_OPEN_DATA_DIR}: import non misurato)`);

    const t0 = Date.now();
    await generateBodies(sequelize, BODIES);
    const today = todayInRome();
    // Open calls besides the open data's closed ones, so that "no application to an open call" has work to do.
    await sequelize.query(
      `INSERT INTO funding_calls (source, title, eligible_kinds, opens_on, closes_on, amount_rule, origin)
       SELECT 'regional', 'Avviso regionale di prova ' || g, ARRAY['comune','unione'], :opens, :closes::date + g, 'none', 'manual' FROM generate_series(1, 8) g`,
      { replacements: { opens: addDays(today, -10), closes: addDays(today, 20) } },
    );
    const perBody = Math.ceil(PROJECTS / BODIES);
    await sequelize.query(
      `WITH calls AS (SELECT id, (row_number() OVER (ORDER BY id))::int - 1 AS k, (count(*) OVER ())::int AS n FROM funding_calls),
            bodies AS (SELECT id, (row_number() OVER (ORDER BY id))::int AS i FROM entities WHERE membership_status = 'active'),
            pairs AS (SELECT b.id AS entity_id, b.i, g, c.id AS call_id FROM bodies b CROSS JOIN generate_series(1, :perBody) g JOIN calls c ON c.k = (b.i + g) % c.n)
       INSERT INTO funding_projects (entity_id, call_id, title, amount_cents, state, cup, admitted_on, funded_on, contract_on, completed_on, paid_on, import_key)
       SELECT entity_id, call_id, 'Progetto ' || i || '-' || g, 1000000 + (i * g * 977) % 9000000,
              (ARRAY['funded','funded','funded','paid','paid','submitted','renounced','funded'])[1 + (i + g) % 8],
              CASE WHEN (i + g) % 5 = 0 THEN NULL ELSE 'B' || lpad(i::text, 7, '0') || lpad(g::text, 7, '0') END,
              :today::date - ((i * g) % 400), :today::date - ((i * g) % 400),
              CASE WHEN (i + g) % 3 = 0 THEN :today::date - ((i * g) % 400) + 90 END,
              NULL,
              CASE WHEN (i + g) % 8 IN (3, 4) THEN :today::date - ((i * g) % 100) END,
              'bench|' || entity_id || '|' || call_id
         FROM pairs LIMIT :limit`,
      { replacements: { perBody, today, limit: PROJECTS } },
    );
    await sequelize.query('ANALYZE funding_projects; ANALYZE funding_calls; ANALYZE entities');
    const [{ n }] = await sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM funding_projects`, { type: QueryTypes.SELECT });
    console.log(`\n${BODIES} enti aderenti e ${n} progetti generati in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Each statement alone, RUNS times.
    const replacements = { today, dangerUntil: addDays(today, 15), limit: 50 };
    const statements = [];
    for (const [name, sql] of Object.entries(DASHBOARD_SQL)) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const s = process.hrtime.bigint();
        rows = (await sequelize.query(sql, { replacements, type: QueryTypes.SELECT })).length;
        times.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      times.sort((a, b) => a - b);
      statements.push({ istruzione: name, righe: rows, p50: fmt(percentile(times, 50)), p95: fmt(percentile(times, 95)) });
    }
    console.log(`\nIstruzioni SQL del cruscotto, ciascuna da sola ${RUNS} volte (ms):`);
    printTable(statements);
    for (const [name, sql] of Object.entries(DASHBOARD_SQL)) console.log(`\n-- ${name}\n${sql.trim()}`);

    const cookie = await loginCookie(scratch.baseUrl, 'staff@cithub.example');
    const url = `${scratch.baseUrl}/finanziamenti`;
    const headers = { cookie };
    await fetch(url, { headers }).then((r) => r.arrayBuffer());
    const sql = await countStatements(platform, url, headers);
    const m = await measure('/finanziamenti', url, { durationSeconds: duration, connections, headers });
    if (m.non2xx || m.errors) throw new Error(`/finanziamenti: ${m.non2xx} risposte non 2xx, ${m.errors} errori`);
    console.log(`\n${connections} connessioni, ${duration} s, latenze in ms`);
    printTable([{ pagina: '/finanziamenti', 'req/s': fmt(m.reqPerSec, 1), p50: m.p50, p95: m.p95, p99: m.p99, sql }]);

    const c0 = Date.now();
    const csv = await fetch(`${scratch.baseUrl}/finanziamenti/progetti.csv`, { headers }).then((r) => r.arrayBuffer());
    console.log(`\nCSV di tutti i progetti: ${(csv.byteLength / 1024 / 1024).toFixed(1)} MB in ${((Date.now() - c0) / 1000).toFixed(1)} s`);
  } finally {
    await scratch.stop();
  }
}
