// Static files and page weight: Bootstrap Italia (from node_modules) and the app's own files (public/),
// served compressed (brotli or gzip, with HTML and every other compressible answer) and cached for a
// year as immutable under versioned URLs, `/static/v-<hash>/bi/...` and `/static/v-<hash>/app/...`.
// The hash covers the contents of public/ and the version of bootstrap-italia, so a release that
// changes a file changes the URL and no browser ever revalidates a static file it already has.
// Views keep writing `/static/app/...` and `/static/bi/...`: the view engine rewrites those URLs in
// every rendered page (so a new area's views get it with no work), and the unversioned URLs keep
// working (revalidated) for anything outside a rendered page.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import compression from 'compression';
import ejs from 'ejs';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ROOT } from '../platform/paths.js';

export const PUBLIC_DIR = path.join(ROOT, 'public');
export const BOOTSTRAP_ITALIA_DIR = path.join(ROOT, 'node_modules', 'bootstrap-italia', 'dist');
const YEAR_SECONDS = 365 * 24 * 3600;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

function biVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'bootstrap-italia', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The version of the static files: a hash of public/'s contents and bootstrap-italia's version. */
export function contentVersion(): string {
  const h = createHash('sha256').update(biVersion());
  for (const file of filesUnder(PUBLIC_DIR)) h.update(path.relative(PUBLIC_DIR, file)).update(readFileSync(file));
  return h.digest('hex').slice(0, 12);
}

/** A cheap stand-in while developing (`npm run dev`): public/'s names, sizes and modification times (re-read per page). */
function statVersion(): string {
  const h = createHash('sha256').update(biVersion());
  for (const file of filesUnder(PUBLIC_DIR)) {
    const s = statSync(file);
    h.update(`${file}:${s.size}:${s.mtimeMs}`);
  }
  return h.digest('hex').slice(0, 12);
}

const STATIC_URL = /(["'(=\s])\/static\/(bi|app)\//g;
const STATIC_PREFIX = /^\/static\/(bi|app)\//;

/** `/static/bi/...` and `/static/app/...` in a page, rewritten to their versioned, immutable URLs. */
export function versionStaticUrls(html: string, version: string): string {
  return html.replace(STATIC_URL, `$1/static/v-${version}/$2/`);
}

/** One URL (an area's stylesheet or script, given by code), versioned the same way. */
function versionStaticUrl(url: string, version: string): string {
  return url.replace(STATIC_PREFIX, `/static/v-${version}/$1/`);
}

const VERSIONED = /^\/static\/v-[0-9a-f]{6,64}\/(bi|app)\//;

/**
 * Compression, the static files and the view engine that versions their URLs. Unless `reload` (`npm
 * run dev`), the version is computed once from the files' contents and the URLs are rewritten in
 * each template's source as it is compiled, once, instead of in every rendered page (a search over
 * the whole page, a tenth of the CPU of a long page); the few URLs that come from code (an area's
 * styles and scripts) go through `staticUrl`. With `reload` the version follows edits to public/
 * and every rendered page is rewritten.
 */
export function installStaticAssets(app: Express, opts: { reload: boolean }): void {
  // Brotli at quality 5: near its best ratio for HTML and CSS at a cost a page render can pay.
  app.use(compression({ brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } } }));

  if (!opts.reload) {
    const fixed = contentVersion();
    ejs.fileLoader = (file: string) => versionStaticUrls(readFileSync(file, 'utf8'), fixed);
    app.locals.staticUrl = (url: string) => versionStaticUrl(url, fixed);
    app.engine('ejs', ejs.renderFile);
  } else {
    app.locals.staticUrl = (url: string) => url;
    app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
      ejs.renderFile(file, data as ejs.Data, (err, html) => (err ? done(err) : done(null, versionStaticUrls(html, statVersion()))));
    });
  }

  // A versioned URL is the unversioned one, cached for good (any version: a page of the previous
  // release, during a rolling deploy, still gets its files).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const m = VERSIONED.exec(req.url);
    if (m) {
      req.url = `/static/${m[1]}/` + req.url.slice(m[0].length);
      res.locals.immutableAsset = true;
    }
    next();
  });
  const staticOptions = {
    index: false as const,
    maxAge: 0,
    setHeaders: (res: unknown) => {
      if ((res as Response).locals.immutableAsset) (res as Response).setHeader('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
    },
  };
  app.use('/static/bi', express.static(BOOTSTRAP_ITALIA_DIR, staticOptions));
  app.use('/static/app', express.static(PUBLIC_DIR, staticOptions));
}
