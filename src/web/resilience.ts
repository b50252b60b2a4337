// Shedding load instead of queueing it, and resubmissions that never create twice.
//
// Each request gets a deadline (REQUEST_TIMEOUT_SECONDS): past it the client is answered 503 with
// Retry-After, and the database layer (src/platform/requests.ts) refuses the request's next
// statement and cancels a running one, so its transaction rolls back rather than committing for a
// user who was told it failed. For a multipart upload the clock starts once the body has arrived.
//
// Forms that create things carry an idempotency key (views/partials/idempotency.ejs); the key is
// claimed in the creation's transaction, the first answer's redirect is stored with it, and a repeat
// (a retry, a double click, the back button) is redirected there instead of creating again.
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Platform } from '../platform/context.js';
import { compactError } from '../platform/logger.js';
import { msg } from '../platform/messages.js';
import { hot } from '../platform/prepared.js';
import { runInRequestScope, validIdempotencyKey, type RequestScope } from '../platform/requests.js';
import { flash, localPath, viewerOf } from './http.js';

export const IDEMPOTENCY_FIELD = '_idem';

export function requestScope(platform: Platform) {
  const timeoutMs = platform.config.requestTimeoutSeconds * 1000;
  const retryAfter = String(Math.max(1, Math.ceil(platform.config.requestTimeoutSeconds / 3)));
  return (req: Request, res: Response, next: NextFunction): void => {
    const multipart = /^multipart\//i.test(req.headers['content-type'] ?? '');
    const scope: RequestScope = {
      deadline: multipart ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs,
      idempotencyKey: () => validIdempotencyKey((req.body as Record<string, unknown> | undefined)?.[IDEMPOTENCY_FIELD]),
      idempotencyScope: () => {
        const viewer = viewerOf(req);
        return viewer ? `user:${viewer.userId}` : `session:${req.sessionID ?? ''}`;
      },
    };
    res.locals.idempotencyKey = () => randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const expire = () => {
      if (res.headersSent || res.writableEnded) return;
      res.locals.timedOut = true;
      platform.log.warn({ method: req.method, path: req.originalUrl.slice(0, 200), seconds: platform.config.requestTimeoutSeconds }, 'request past its deadline: answered 503');
      res.setHeader('Retry-After', retryAfter);
      res.setHeader('Connection', 'close');
      res.status(503).render('errors/error', { status: 503, titleKey: 'faults.timeoutTitle', textKey: 'faults.timeoutText', message: null, details: [] }, (err, html) => {
        if (err) res.type('text/plain').send('Errore 503');
        else res.send(html);
      });
    };
    const arm = () => {
      scope.deadline = Date.now() + timeoutMs;
      timer = setTimeout(expire, timeoutMs);
    };
    if (multipart && !req.readableEnded) req.once('end', arm);
    else arm();
    res.once('close', () => clearTimeout(timer));

    // The first answer of a claimed key is a redirect: keep where it led, for the repeats.
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      const key = scope.claimed;
      if (!key || res.locals.timedOut) return redirect(...args);
      const location = String(typeof args[0] === 'number' ? args[1] : args[0]);
      void platform.sequelize
        .query(hot('UPDATE idempotency_keys SET location = $1 WHERE key = $2'), { bind: [location.slice(0, 2000), key] })
        .catch((err) => platform.log.warn({ err: compactError(err), key }, 'idempotency key result not recorded'))
        .then(() => {
          // Past the deadline meanwhile, the answer (503) has gone already.
          if (!res.headersSent) redirect(...args);
        })
        .catch((err) => platform.log.warn({ err: compactError(err) }, 'redirect after a claimed idempotency key failed'));
    }) as typeof res.redirect;

    runInRequestScope(scope, () => {
      // A multipart parser reads the body from socket events: bind them to this request's context,
      // so that the route after it still sees the scope.
      if (multipart) req.emit = AsyncResource.bind(req.emit, 'RequestBody', req) as typeof req.emit;
      next();
    });
  };
}

/**
 * Where the first submission of `key` led: waits a little for it (the first one may have committed
 * an instant ago and not yet stored its redirect). Null when it is not known.
 */
export async function firstResult(platform: Platform, key: string, scope: string): Promise<string | null> {
  for (let i = 0; i < 50; i++) {
    const [rows] = await platform.sequelize.query('SELECT scope, location FROM idempotency_keys WHERE key = $1', { bind: [key] });
    const row = rows[0] as { scope: string; location: string | null } | undefined;
    if (!row || row.scope !== scope) return null;
    if (row.location) return localPath(row.location, '/');
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/** The answer to a repeated submission: back to the first result, with a word of explanation. */
export async function redirectToFirstResult(platform: Platform, req: Request, res: Response, key: string): Promise<void> {
  const viewer = viewerOf(req);
  const scope = viewer ? `user:${viewer.userId}` : `session:${req.sessionID ?? ''}`;
  const location = await firstResult(platform, key, scope).catch(() => null);
  flash(req, 'info', msg('common:faults.alreadySubmitted'));
  res.redirect(303, location ?? localPath(req.originalUrl.split('?')[0], '/'));
}
