// What every view can use: translations, the viewer, the menu, flash messages, the CSRF token, formatters.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';
import { isAdmin, isStaff, type Viewer } from '../platform/actor.js';
import { formattersFor } from '../platform/format.js';
import { Fragment } from './fragments.js';
import { takeFlashes } from './flash.js';
import { cookieValue } from './cookies.js';
import { viewerOf } from './http.js';
import { messageTranslator, pickLanguage, translator } from '../platform/i18n.js';
import type { NavItem, Registry } from './module.js';
import { csrfToken } from './security.js';

/** What the kept header leaves to each request: the path back after a language switch, the viewer's name, the CSRF token. */
const HEADER_HOLES = ['back', 'viewerName', 'csrf'] as const;

/** Locals that need no session or database, so even the 503 page can render. */
export function baseLocals(config: Config, registry: Pick<Registry, 'nav' | 'footerLinks'>) {
  const navItems = registry.nav;
  const footerLinks = registry.footerLinks;
  const header = new Fragment('partials/header', config.viewReload, HEADER_HOLES);
  const footer = new Fragment('partials/footer', config.viewReload);
  return (req: Request, res: Response, next: NextFunction): void => {
    const lang = pickLanguage(cookieValue(req.headers.cookie, 'lang'));
    res.locals.lang = lang;
    res.locals.t = translator(lang);
    // Messages from services (errors, flash) are translated here, in the language of the request.
    res.locals.tm = messageTranslator(lang);
    res.locals.viewer = null;
    res.locals.centre = config.centre;
    res.locals.demoMode = config.demoMode;
    res.locals.uploadMaxMb = Math.round(config.uploadMaxBytes / (1024 * 1024));
    res.locals.currentPath = req.path;
    res.locals.fmt = formattersFor(lang);
    res.locals.flashes = [];
    res.locals.errors = {};
    res.locals.values = {};
    res.locals.breadcrumbs = [];
    res.locals.csrf = () => '';
    res.locals.navFor = navItems;
    res.locals.footerLinks = footerLinks;
    res.locals.nav = navItems.filter((n) => !n.visible || n.visible(null));
    // Read when the layout renders, after sessionLocals has set the viewer and their menu.
    res.locals.pageHeader = () => pageHeader(header, res.locals);
    res.locals.pageFooter = () => footer.render(lang, { lang, t: res.locals.t, tm: res.locals.tm, centre: config.centre, footerLinks }, {});
    next();
  };
}

function pageHeader(header: Fragment<(typeof HEADER_HOLES)[number]>, locals: Record<string, unknown>): string {
  const { lang, t, centre } = locals;
  const nav = locals.nav as NavItem[];
  const path = locals.currentPath as string;
  const viewer = locals.viewer as Viewer;
  const current = nav.filter((n) => path === n.href || path.startsWith(n.href + '/')).map((n) => n.href);
  const key = `${String(lang)}|${viewer ? 1 : 0}|${nav.map((n) => n.href).join(' ')}|${current.join(' ')}`;
  return header.render(
    key,
    { lang, t, centre, nav, current, signedIn: Boolean(viewer) },
    // The token only for a signed-in viewer, as before: asking for it may start the session's secret.
    { back: encodeURIComponent(path), viewerName: viewer ? viewer.name || viewer.email : '', csrf: viewer ? (locals.csrf as () => string)() : '' },
  );
}

/** Locals that need the session: run after passport. */
export function sessionLocals(req: Request, res: Response, next: NextFunction): void {
  const viewer = viewerOf(req);
  res.locals.viewer = viewer;
  res.locals.isStaff = isStaff(viewer);
  res.locals.isAdmin = isAdmin(viewer);
  res.locals.csrf = () => csrfToken(req);
  res.locals.nav = (res.locals.navFor as NavItem[]).filter((n) => !n.visible || n.visible(viewer));
  // Only a page the user sees takes the flash messages (not an image, a script or a JSON call).
  const dest = req.get('sec-fetch-dest');
  if (req.method === 'GET' && (!dest || dest === 'document') && !req.xhr) {
    const shown = takeFlashes(req, res);
    const tm = res.locals.tm as (m: string) => string;
    if (shown.length) res.locals.flashes = shown.map((f) => ({ type: f.type, text: tm(f.text) }));
  }
  next();
}
