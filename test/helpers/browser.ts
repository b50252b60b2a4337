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

/** The two widths every checked page is looked at: a desktop and a phone. */
export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

type PageState = { postRedirect: boolean; checks: Promise<void>; failures: AxeViolation[] };
const pageStates = new WeakMap<Page, PageState>();

export async function newPage(): Promise<Page> {
  const context = await (await browser()).newContext({ viewport: DESKTOP, locale: 'it-IT' });
  const page = await context.newPage();
  const errors: string[] = [];
  cspErrors.set(page, errors);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) errors.push(`${page.url()}: ${msg.text()}`);
  });
  const state: PageState = { postRedirect: false, checks: Promise.resolve(), failures: [] };
  pageStates.set(page, state);
  // A page reached by a redirect after a POST (post/redirect/get) must show its confirmation or
  // error inside the viewport and have it announced: checked as soon as the page has loaded.
  page.on('request', (req) => {
    if (!req.isNavigationRequest() || req.frame() !== page.mainFrame()) return;
    let first = req;
    while (first.redirectedFrom()) first = first.redirectedFrom()!;
    state.postRedirect = first !== req && first.method() === 'POST';
  });
  page.on('load', () => {
    if (!state.postRedirect) return;
    const url = page.url();
    state.checks = state.checks.then(() =>
      // As a person sees it: after the page's own load handlers and two frames.
      page
        .evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))')
        .then(() => inPage(page, 'confirmation()'))
        .then((problems) => {
          for (const p of problems) state.failures.push(guard('guard-confirmation', `${url}: ${p.what}`, p.selector, p.html));
        })
        .catch(() => undefined /* the page navigated away before the check: the next load is checked */),
    );
  });
  return page;
}

function guard(id: string, help: string, selector: string, html: string): AxeViolation {
  return { id, impact: 'serious', help, nodes: [{ target: [selector], html }] };
}

type Problem = { what: string; selector: string; html: string };

// The in-page halves of the guards: plain browser JavaScript, evaluated like axe (CSP stays on).
const guardSource = readFileSync(new URL('./page-guards.js', import.meta.url), 'utf8');
/** Runs `globalThis.__citGuards.<call>` in the page (an expression string: no eval inside the page). */
async function inPage(page: Page, call: string): Promise<Problem[]> {
  await page.evaluate(guardSource);
  return page.evaluate(`globalThis.__citGuards.${call}`) as Promise<Problem[]>;
}

/**
 * The layout guards at desktop and phone width, and the confirmation check of the last post/redirect/get.
 * Run by axeViolations, so every page a browser test checks is checked by them too.
 */
export async function guardViolations(page: Page): Promise<AxeViolation[]> {
  const state = pageStates.get(page);
  const found: AxeViolation[] = [];
  if (state) {
    await state.checks;
    found.push(...state.failures.splice(0));
  }
  const original = page.viewportSize() ?? DESKTOP;
  const url = page.url();
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    for (const p of await inPage(page, `layout(${size.width})`)) found.push(guard('guard-layout', `${url}: ${p.what}`, p.selector, p.html));
  }
  await page.setViewportSize(original);
  // The same problem at both widths is one problem.
  return found.filter((v, i) => found.findIndex((w) => w.help.replace(/at \d+ px/, '') === v.help.replace(/at \d+ px/, '')) === i);
}

/** What the page's strict CSP blocked so far (inline scripts or styles that would silently break the page). */
export function cspViolations(page: Page): string[] {
  return cspErrors.get(page) ?? [];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: Array<{ target: string[]; html: string }> };

/** Runs axe with the WCAG 2.0/2.1 A and AA rules on the current page, and the layout and confirmation guards. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const guards = await guardViolations(page);
  // Evaluated through the DevTools protocol, so the page's strict CSP stays on while axe runs.
  await page.evaluate(axeSource);
  const axe = await page.evaluate(async () => {
    // Runs in the page, where `axe` is a global.
    const g = globalThis as unknown as { axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: AxeViolation[] }> }; document: unknown };
    const result = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
  });
  return [...guards, ...axe.map((v) => ({ ...v, help: `${page.url()}: ${v.help}` }))];
}

/** The check every browser test runs on the pages it visits: axe, the guards, and no CSP violation. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) throw new Error(`${label}:\n${describeViolations(violations)}`);
  const csp = cspViolations(page);
  if (csp.length) throw new Error(`${label}: CSP violations:\n${csp.join('\n')}`);
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.html}`).join('\n    ')}`).join('\n');
}

export async function browserLogin(page: Page, baseUrl: string, email: string, password = 'cithub-demo'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('main form[action="/login"] button[type=submit]')]);
}
