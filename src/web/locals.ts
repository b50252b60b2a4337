// What every view can use: translations, the viewer, the menu, flash messages, the CSRF token, formatters.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';
import { isAdmin, isStaff } from '../platform/actor.js';
import { formattersFor } from '../platform/format.js';
import { viewerOf } from './http.js';
import { messageTranslator, pickLanguage, translator } from '../platform/i18n.js';
import type { NavItem, Registry } from './module.js';
import { csrfToken } from './security.js';

function cookieValue(header: string | undefined, name: string): string | undefined {
  const match = header?.split(/;\s*/).find((c) => c.startsWith(`${name}=`));
  if (!match) return undefined;
  try {
    return decodeURIComponent(match.slice(name.length + 1));
  } catch {
    // A value that is not valid percent-encoding (`lang=%`) counts as no choice: Italian.
    return undefined;
  }
}

/** Locals that need no session or database, so even the 503 page can render. */
export function baseLocals(config: Config, registry: Pick<Registry, 'nav' | 'footerLinks'>) {
  const navItems = registry.nav;
  const footerLinks = registry.footerLinks;
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
    next();
  };
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
  if (req.method === 'GET' && req.session.flash?.length && (!dest || dest === 'document') && !req.xhr) {
    const tm = res.locals.tm as (m: string) => string;
    res.locals.flashes = req.session.flash.map((f) => ({ type: f.type, text: tm(f.text) }));
    req.session.flash = [];
  }
  next();
}
