// Security headers with a strict CSP (no inline script or style) and CSRF tokens on every state change.
import { csrfSync } from 'csrf-sync';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
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

// A multipart form carries its token in a hidden `_csrf` field that comes first in the form, before
// any file input (browsers send the fields in the order of the page). The body of a multipart form is
// otherwise parsed only by its upload route, after that route's permission check: so here, before any
// route, only the first part is read (at most FIRST_PART_MAX bytes), its token checked, and the bytes
// put back for the upload route. A token is never read from the URL (it would go into logs and history).
const FIRST_PART_MAX = 8 * 1024;
const MULTIPART_TOKEN = Symbol('multipart csrf token');
type MultipartRequest = Request & { [MULTIPART_TOKEN]?: string };

const { generateToken, csrfSynchronisedProtection } = csrfSync({
  getTokenFromRequest: (req) => {
    if (MULTIPART_TOKEN in req) return (req as MultipartRequest)[MULTIPART_TOKEN];
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body._csrf === 'string') return body._csrf;
    return req.headers['x-csrf-token'] as string | undefined;
  },
});

/** The value of the first part of a multipart body if it is the `_csrf` field; null if it is something else; undefined while incomplete. */
export function firstPartToken(head: Buffer, boundary: string): string | null | undefined {
  const opening = Buffer.from(`--${boundary}\r\n`);
  if (head.length < opening.length) return opening.subarray(0, head.length).equals(head) ? undefined : null;
  if (!head.subarray(0, opening.length).equals(opening)) return null;
  const headersEnd = head.indexOf('\r\n\r\n', opening.length);
  if (headersEnd < 0) return undefined;
  const headers = head.subarray(opening.length, headersEnd).toString('latin1').split('\r\n');
  const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
  if (!/^content-disposition:\s*form-data\s*;\s*name="?_csrf"?\s*$/i.test(disposition)) return null;
  const valueEnd = head.indexOf(`\r\n--${boundary}`, headersEnd + 4);
  if (valueEnd < 0) return undefined;
  return head.subarray(headersEnd + 4, valueEnd).toString('utf8');
}

function boundaryOf(req: Request): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(req.headers['content-type'] ?? '');
  return m ? (m[1] ?? m[2]) : null;
}

/** Reads the first part of a multipart body, then gives its bytes back to the stream for the upload route. */
function readFirstPartToken(req: Request): Promise<string | null> {
  const boundary = boundaryOf(req);
  if (!boundary) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const finish = (token: string | null, err?: Error) => {
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('error', onError);
      if (head.length && !req.readableEnded) req.unshift(head);
      if (err) reject(err);
      else resolve(token);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = req.read() as Buffer | null) !== null) {
        head = Buffer.concat([head, chunk]);
        const token = firstPartToken(head.subarray(0, FIRST_PART_MAX), boundary);
        if (token !== undefined) return finish(token);
        if (head.length >= FIRST_PART_MAX) return finish(null);
      }
    };
    const onEnd = () => finish(firstPartToken(head, boundary) ?? null);
    const onError = (err: Error) => finish(null, err);
    req.on('readable', onReadable);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every state-changing request is checked here, before any route: a multipart one on its first part. */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || !req.is('multipart/form-data')) return csrfSynchronisedProtection(req, res, next);
  readFirstPartToken(req).then(
    (token) => {
      (req as MultipartRequest)[MULTIPART_TOKEN] = token ?? undefined;
      csrfSynchronisedProtection(req, res, next);
    },
    (err: unknown) => next(err),
  );
}

/**
 * The CSRF check, except for a POST to one of `oneClickPaths` (a link's token in the URL is the whole
 * authorisation there, and a mail client posting `List-Unsubscribe=One-Click` has no session).
 */
export function csrfProtectionExcept(oneClickPaths: readonly RegExp[]): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'POST' && oneClickPaths.some((p) => p.test(req.path))) return next();
    return csrfProtection(req, res, next);
  };
}

export function csrfToken(req: Request): string {
  return generateToken(req);
}
