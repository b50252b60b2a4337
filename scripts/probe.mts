// Developer aid: evaluates an expression in a page at 390 px (optionally signed in) and prints it.
import { chromium } from 'playwright-core';
const [url, email, expr, width = '390'] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await b.newPage({ viewport: { width: Number(width), height: 844 } });
if (email !== '-') {
  await page.goto(new URL('/login', url).href);
  await page.fill('#f-email', email); await page.fill('#f-password', 'cithub-demo');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('main form[action="/login"] button[type=submit]')]);
}
await page.goto(url);
console.log(await page.evaluate(expr));
await b.close();
