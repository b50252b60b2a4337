// npm run bench -- coaching [seconds] [connections]: the staff's list of every body (/affiancamento)
// with 2,000 adhering bodies, each with a submitted self-assessment (scores per area) and a plan of
// 6 actions, with the SQL statements each page runs (bounded whatever the number of bodies).
import { QueryTypes } from 'sequelize';
import { generateBodies } from './generate.js';
import { countStatements, fmt, loginCookie, measure, printTable, startScratch } from './lib.js';

const BODIES = 2_000;

export async function run(args: string[]): Promise<void> {
  const duration = Number(args[0] ?? 5);
  const connections = Number(args[1] ?? 4);
  const scratch = await startScratch();
  try {
    const { sequelize } = scratch.platform;
    // The same page before the 2,000 bodies exist (only the demo ones): the statements must not grow with them.
    const before = await countStatements(scratch.platform, `${scratch.baseUrl}/affiancamento`, { cookie: await loginCookie(scratch.baseUrl, 'staff@cithub.example') });
    const [{ n: demo }] = await sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM entities WHERE membership_status = 'active'`, { type: QueryTypes.SELECT });
    const t0 = Date.now();
    await generateBodies(sequelize, BODIES);
    const [version] = await sequelize.query<{ id: number }>(`SELECT id FROM coaching_template_versions WHERE status = 'published' ORDER BY id LIMIT 1`, { type: QueryTypes.SELECT });
    await sequelize.query(
      `INSERT INTO coaching_assessments (entity_id, version_id, status, submitted_at, score, level, area_scores)
       SELECT e.id, :v, 'submitted', now() - (e.id % 300) * interval '1 day', s.score, LEAST(5, 1 + floor(s.score / 20))::int,
              (SELECT jsonb_agg(jsonb_build_object('areaId', a.id, 'code', a.code, 'title', a.title, 'score', (e.id * a.id) % 101, 'answered', 3, 'questions', 3)) FROM coaching_areas a WHERE a.version_id = :v)
         FROM entities e CROSS JOIN LATERAL (SELECT ((e.id * 37) % 100)::numeric AS score) s WHERE e.membership_status = 'active'`,
      { replacements: { v: version.id } },
    );
    await sequelize.query(
      `INSERT INTO coaching_actions (entity_id, title, due_on, status, progress)
       SELECT e.id, 'Azione ' || g, current_date + ((g * 40) - 120), (ARRAY['todo','doing','done','paused','doing','todo'])[g], (g * 15) % 100
         FROM entities e CROSS JOIN generate_series(1, 6) g WHERE e.membership_status = 'active'`,
    );
    const [{ n }] = await sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM entities WHERE membership_status = 'active'`, { type: QueryTypes.SELECT });
    console.log(`${n} enti aderenti con autovalutazione e piano generati in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const staffCookie = await loginCookie(scratch.baseUrl, 'staff@cithub.example');
    const b = scratch.baseUrl;
    const pages: Array<[string, string]> = [
      ['/affiancamento (pagina 1)', `${b}/affiancamento`],
      ['/affiancamento?page=40', `${b}/affiancamento?page=40`],
      ['/affiancamento?level=3&band=upTo5k', `${b}/affiancamento?level=3&band=upTo5k`],
      ['/affiancamento?province=RA', `${b}/affiancamento?province=RA`],
    ];
    const rows = [];
    for (const [name, url] of pages) {
      const headers = { cookie: staffCookie };
      await fetch(url, { headers }).then((r) => r.arrayBuffer());
      const sql = await countStatements(scratch.platform, url, headers);
      const m = await measure(name, url, { durationSeconds: duration, connections, headers });
      if (m.non2xx || m.errors) throw new Error(`${name}: ${m.non2xx} risposte non 2xx, ${m.errors} errori`);
      rows.push({ pagina: name, 'req/s': fmt(m.reqPerSec, 0), p50: m.p50, p95: m.p95, p99: m.p99, sql });
    }
    console.log(`\n${connections} connessioni, ${duration} s per misura, latenze in ms`);
    printTable(rows);
    console.log(`\n/affiancamento con ${demo} enti aderenti (solo i dati dimostrativi): ${before} istruzioni SQL; con ${n}: ${rows[0].sql}.`);
  } finally {
    await scratch.stop();
  }
}
