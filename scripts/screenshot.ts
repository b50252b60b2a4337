// Developer aid: a full-page screenshot of a running instance, optionally logged in.
// tsx scripts/screenshot.ts URL OUT.png [EMAIL] [PASSWORD]
import { chromium } from 'playwright-core';

const [url, out, email, password = 'cithub-demo'] = process.argv.slice(2);
if (!url || !out) {
  console.error('uso: tsx scripts/screenshot.ts URL OUT.png [EMAIL] [PASSWORD]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
if (email) {
  await page.goto(new URL('/login', url).href);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}
await page.goto(url);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`salvato ${out}`);
