// npm run bench -- catalog [seconds]: the public catalogue on 10,000 assets, 2,000 bodies and
// 30,000 adoptions, against an Express hello-world route measured in the same run (32 connections).
// Each page is measured as served in production (facet counts and anonymous pages cached for a
// few seconds, invalidated on every write) and, for transparency, with the caches switched off.
import { setCatalogCaching } from '../src/modules/catalog/cache.js';
import { generateCatalog } from './generate-catalog.js';
import { countStatements, fmt, measure, printTable, startHelloWorld, startScratch } from './lib.js';

export async function run(args: string[]): Promise<void> {
  const duration = Number(args[0] ?? 10);
  const started = Date.now();
  const scratch = await startScratch();
  const hello = await startHelloWorld();
  try {
    const { popularSlug } = await generateCatalog(scratch.platform.sequelize);
    const [[counts]] = (await scratch.platform.sequelize.query(
      `SELECT (SELECT count(*) FROM catalog_assets)::int AS assets, (SELECT count(*) FROM catalog_assets WHERE status = 'published')::int AS published,
              (SELECT count(*) FROM entities)::int AS bodies, (SELECT count(*) FROM catalog_adoptions)::int AS adoptions`,
    )) as unknown as [[{ assets: number; published: number; bodies: number; adoptions: number }]];
    console.log(`Dati: ${counts.assets} asset (${counts.published} pubblicati), ${counts.bodies} enti, ${counts.adoptions} adozioni — generati in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const pages = [
      ['/catalogo', '/catalogo'],
      ['/catalogo?q=…&tipo&categoria', `/catalogo?q=${encodeURIComponent('prenotazione appuntamenti')}&tipo=software&categoria=online-booking`],
      ['/catalogo/:slug', `/catalogo/${popularSlug}`],
    ] as const;

    const base = await measure('hello-world', hello.url, { durationSeconds: duration });
    const rows: Array<Record<string, string | number>> = [
      { page: 'hello-world', cache: '—', 'req/s': fmt(base.reqPerSec, 0), p50: fmt(base.p50, 2), p99: fmt(base.p99, 2), ratio: '1.00', sql: 0, errors: base.errors + base.non2xx },
    ];
    const verdicts: string[] = [];
    const drain = () => new Promise((r) => setTimeout(r, 4000));
    for (const [name, path] of pages) {
      const url = `${scratch.baseUrl}${path}`;
      // As in production: facet counts and visitors' pages cached on the catalogue's version.
      setCatalogCaching(true);
      await drain();
      const warm = await measure(name, url, { durationSeconds: duration });
      // Statements to build the page from scratch (a cache hit runs none), then the same page
      // measured with the caches off: every request runs the queries and renders the page.
      setCatalogCaching(false);
      const sql = await countStatements(scratch.platform, url);
      const cold = await measure(name, url, { durationSeconds: duration });
      const ratio = warm.reqPerSec / base.reqPerSec;
      rows.push({ page: name, cache: 'sì', 'req/s': fmt(warm.reqPerSec, 0), p50: fmt(warm.p50, 2), p99: fmt(warm.p99, 2), ratio: fmt(ratio, 2), sql, errors: warm.errors + warm.non2xx });
      rows.push({ page: name, cache: 'no', 'req/s': fmt(cold.reqPerSec, 0), p50: fmt(cold.p50, 2), p99: fmt(cold.p99, 2), ratio: fmt(cold.reqPerSec / base.reqPerSec, 2), sql, errors: cold.errors + cold.non2xx });
      const minRatio = path === '/catalogo' ? 0.2 : path.includes('q=') ? 0.1 : null;
      const okP99 = warm.p99 <= 100;
      const okRatio = minRatio === null || ratio >= minRatio;
      verdicts.push(`${name}: p99 ${fmt(warm.p99, 1)} ms ${okP99 ? '≤' : '>'} 100 ms${minRatio !== null ? `, ${fmt(ratio * 100, 0)} % di hello-world ${okRatio ? '≥' : '<'} ${minRatio * 100} %` : ''} → ${okP99 && okRatio ? 'OK' : 'NON RAGGIUNTO'}`);
      // Let the slow uncached requests still in flight finish before the next measurement.
      await drain();
    }
    console.log(`${duration} s per misura, 32 connessioni, latenze in ms; ratio = req/s della pagina / req/s di hello-world; sql = istruzioni SQL per costruire la pagina`);
    printTable(rows);
    console.log('Obiettivi (con la cache, come in produzione):');
    for (const v of verdicts) console.log(`  ${v}`);
  } finally {
    setCatalogCaching(true);
    await hello.stop();
    await scratch.stop();
  }
}
