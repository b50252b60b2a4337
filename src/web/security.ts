// Security headers with a strict CSP (no inline script or style) and CSRF tokens on every state change.
import { csrfSync } from 'csrf-sync';
import type { Express, Request, RequestHandler } from 'express';
import helmet from 'helmet';

export function installSecurityHeaders(app: Express, secure: boolean): void {
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          ...(secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: secure,
      crossOriginEmbedderPolicy: false,
    }),
  );
}

// Multipart forms carry the token in the action URL (?_csrf=…), because their body is parsed only
// later by the upload route: so every state-changing request is checked here, before any route.
const { generateToken, csrfSynchronisedProtection } = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body._csrf === 'string') return body._csrf;
    if (typeof req.query._csrf === 'string') return req.query._csrf;
    return req.headers['x-csrf-token'] as string | undefined;
  },
});

export { csrfSynchronisedProtection as csrfProtection };

/**
 * The CSRF check, except for a POST to one of `oneClickPaths` (a link's token in the URL is the whole
 * authorisation there, and a mail client posting `List-Unsubscribe=One-Click` has no session).
 */
export function csrfProtectionExcept(oneClickPaths: readonly RegExp[]): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'POST' && oneClickPaths.some((p) => p.test(req.path))) return next();
    return csrfSynchronisedProtection(req, res, next);
  };
}

export function csrfToken(req: Request): string {
  return generateToken(req);
}
