// A real browser: Debian's Chromium driven by playwright-core, with axe-core for WCAG 2.1 A/AA.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onShutdown } from './resources.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let pending: Promise<Browser> | null = null;

/** Skips the suite when no Chromium is installed, except in CI where the browser tests must run. */
export function requireBrowser(ctx: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CI === 'true') throw new Error(`Chromium non trovato in ${CHROMIUM}: in CI i test nel browser devono girare (apt-get install chromium).`);
  console.warn(`    Chromium non trovato in ${CHROMIUM}: test nel browser saltati (installa il pacchetto chromium).`);
  ctx.skip();
}

export function browser(): Promise<Browser> {
  pending ??= chromium
    .launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    })
    .then((b) => {
      onShutdown(() => b.close());
      return b;
    });
  return pending;
}

const cspErrors = new WeakMap<Page, string[]>();

export async function newPage(): Promise<Page> {
  const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 }, locale: 'it-IT' });
  const page = await context.newPage();
  const errors: string[] = [];
  cspErrors.set(page, errors);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) errors.push(`${page.url()}: ${msg.text()}`);
  });
  return page;
}

/** What the page's strict CSP blocked so far (inline scripts or styles that would silently break the page). */
export function cspViolations(page: Page): string[] {
  return cspErrors.get(page) ?? [];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: Array<{ target: string[]; html: string }> };

/** Runs axe with the WCAG 2.0/2.1 A and AA rules on the current page. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's strict CSP stays on while axe runs.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // Runs in the page, where `axe` is a global.
    const g = globalThis as unknown as { axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: AxeViolation[] }> }; document: unknown };
    const result = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.html).join('\n    ')}`).join('\n');
}

export async function browserLogin(page: Page, baseUrl: string, email: string, password = 'cithub-demo'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('main form[action="/login"] button[type=submit]')]);
}
