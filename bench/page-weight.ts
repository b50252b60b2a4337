// npm run bench -- page-weight [BASE_URL]: the bytes a browser fetches on the wire for a cold page
// (empty cache) and for the pages after it (warm cache), and how many static files it asks the server
// for again (revalidations) once they are cached. Against a scratch instance (production settings),
// or against BASE_URL when given (e.g. a running `npm start`). Target: cold < 400 KB, warm: no static
// file requested again.
import { chromium, type CDPSession } from 'playwright-core';
import { printTable, startScratch } from './lib.js';

type Fetch = { url: string; status: number; bytes: number; fromCache: boolean; encoding: string };

async function recorder(cdp: CDPSession) {
  const fetches = new Map<string, Fetch>();
  const cached = new Set<string>();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  cdp.on('Network.responseReceived', (e) => {
    const enc = (e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '') as string;
    fetches.set(e.requestId, { url: e.response.url, status: e.response.status, bytes: 0, fromCache: Boolean(e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker), encoding: enc });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    cached.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const f = fetches.get(e.requestId);
    if (f) f.bytes = e.encodedDataLength;
  });
  return {
    take(): Fetch[] {
      const all = [...fetches.entries()].map(([id, f]) => ({ ...f, fromCache: f.fromCache || cached.has(id) }));
      fetches.clear();
      cached.clear();
      return all;
    },
  };
}

export async function run(args: string[]): Promise<void> {
  const scratch = args[0] ? null : await startScratch();
  const base = args[0] ?? scratch!.baseUrl;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const rows: Array<Record<string, string | number>> = [];
    for (const [who, pages] of [
      ['visitor', ['/', '/catalogo', '/enti', '/login']],
      ['utente@russi.cithub.example', ['/', '/richieste', '/catalogo', '/gare']],
    ] as const) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'it-IT' });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      const rec = await recorder(cdp);
      if (who !== 'visitor') {
        await page.goto(`${base}/login`);
        await page.fill('#f-email', who);
        await page.fill('#f-password', 'cithub-demo');
        await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('main form[action="/login"] button[type=submit]')]);
        rec.take(); // the login itself warmed the cache: start cold again with a new context below
        await cdp.send('Network.clearBrowserCache');
      }
      let first = true;
      for (const p of pages) {
        await page.goto(`${base}${p}`, { waitUntil: 'load' });
        await page.waitForLoadState('networkidle');
        const fetched = rec.take();
        const overNetwork = fetched.filter((f) => !f.fromCache);
        const statics = overNetwork.filter((f) => new URL(f.url, base).pathname.startsWith('/static/'));
        const bytes = overNetwork.reduce((n, f) => n + f.bytes, 0);
        const html = overNetwork.find((f) => !new URL(f.url, base).pathname.startsWith('/static/'));
        rows.push({
          who: who === 'visitor' ? 'visitor' : 'member',
          page: p,
          load: first ? 'cold' : 'warm',
          'KB on the wire': (bytes / 1024).toFixed(1),
          requests: overNetwork.length,
          'static requests': statics.length,
          revalidated: statics.filter((f) => f.status === 304).length,
          'html encoding': html?.encoding || 'none',
        });
        first = false;
      }
      await context.close();
    }
    printTable(rows);
  } finally {
    await browser.close();
    await scratch?.stop();
  }
}
