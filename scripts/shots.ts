// Developer aid: screenshots of several pages at desktop (1366 px) and phone (390 px) width.
// tsx scripts/shots.ts BASE_URL OUT_DIR EMAIL|- PATH...
import { chromium } from 'playwright-core';

const [base, out, email, ...paths] = process.argv.slice(2);
if (!base || !out || !email || !paths.length) {
  console.error('uso: tsx scripts/shots.ts BASE_URL OUT_DIR EMAIL|- PATH...');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'it-IT' });
const page = await context.newPage();
if (email !== '-') {
  await page.goto(new URL('/login', base).href);
  await page.fill('#f-email', email);
  await page.fill('#f-password', 'cithub-demo');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('main form[action="/login"] button[type=submit]')]);
}
for (const p of paths) {
  const name = (email === '-' ? 'anon' : email.split('@')[0]) + p.replace(/[^a-z0-9]+/gi, '_');
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    await page.goto(new URL(p, base).href);
    await page.screenshot({ path: `${out}/${name}-${width}.png`, fullPage: width < 500 ? false : true });
  }
  console.log(`${p} salvato`);
}
await browser.close();
