// npm run bench -- platform: the foundation's public pages against an Express hello-world route.
import { countStatements, fmt, measure, printTable, startHelloWorld, startScratch } from './lib.js';

export async function run(args: string[]): Promise<void> {
  const duration = Number(args[0] ?? 8);
  const scratch = await startScratch();
  const hello = await startHelloWorld();
  try {
    const pages = [
      ['/login', `${scratch.baseUrl}/login`],
      ['/enti', `${scratch.baseUrl}/enti`],
      ['/enti?q=lecce&province=LE', `${scratch.baseUrl}/enti?q=lecce&province=LE`],
    ] as const;
    const base = await measure('hello-world', hello.url, { durationSeconds: duration });
    const rows = [{ page: 'hello-world', 'req/s': fmt(base.reqPerSec, 0), p50: base.p50, p99: base.p99, ratio: '1.00', sql: 0 }];
    for (const [name, url] of pages) {
      const sql = await countStatements(scratch.platform, url);
      const m = await measure(name, url, { durationSeconds: duration });
      rows.push({ page: name, 'req/s': fmt(m.reqPerSec, 0), p50: m.p50, p99: m.p99, ratio: fmt(m.reqPerSec / base.reqPerSec, 2), sql });
    }
    console.log('32 connessioni, latenze in ms, ratio = req/s della pagina / req/s di hello-world');
    printTable(rows);
  } finally {
    await hello.stop();
    await scratch.stop();
  }
}
