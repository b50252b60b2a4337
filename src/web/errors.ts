// Typed errors mapped once to pages with the right status; no stack traces reach users.
import type { NextFunction, Request, Response } from 'express';
import { ConnectionError, ConnectionAcquireTimeoutError } from 'sequelize';
import { AppError, BadRequestError, BusyError, TooManyRequestsError, FileRejectedError, ForbiddenError, GoneError, NotFoundError, UnauthorizedError, ValidationError } from '../platform/errors.js';
import type { Platform } from '../platform/context.js';
import { isDatabaseDown as isConnectionLoss } from '../platform/faults.js';
import { compactError } from '../platform/logger.js';
import { msg } from '../platform/messages.js';
import { DuplicateSubmissionError, RequestTimeoutError } from '../platform/requests.js';
import { messageTranslatorOf, viewerOf } from './http.js';
import { redirectToFirstResult } from './resilience.js';

/** Every shape of "the database is unreachable" (src/platform/faults.ts): the 503 page. */
export function isDatabaseDown(err: unknown): boolean {
  return err instanceof ConnectionError || err instanceof ConnectionAcquireTimeoutError || isConnectionLoss(err);
}

export function notFoundHandler(_req: Request, res: Response): void {
  res.status(404).render('errors/error', { status: 404, titleKey: 'errors.404title', textKey: 'errors.404text', message: null, details: [] });
}

export function errorHandler(platform: Platform) {
  return async (err: unknown, req: Request, res: Response, next: NextFunction): Promise<void> => {
    // Answered 503 at its deadline already: what the request did after that is of no interest.
    if (res.locals.timedOut) return;
    if (res.headersSent) return next(err);
    if (err instanceof DuplicateSubmissionError) {
      try {
        return await redirectToFirstResult(platform, req, res, err.key);
      } catch (redirectErr) {
        return next(redirectErr);
      }
    }
    const e = err as { code?: string; type?: string; status?: number; statusCode?: number; message?: string };
    let status = 500;
    let titleKey = 'errors.500title';
    let textKey = 'errors.500text';
    let message: string | null = null;
    let details: string[] = [];

    if (err instanceof UnauthorizedError) {
      if (req.method === 'GET') {
        req.session.returnTo = req.originalUrl;
        return res.redirect('/login');
      }
      status = 401;
      titleKey = 'errors.403title';
      textKey = 'errors.403text';
      message = err.message;
    } else if (err instanceof ForbiddenError || e?.code === 'EBADCSRFTOKEN') {
      status = 403;
      titleKey = 'errors.403title';
      textKey = e?.code === 'EBADCSRFTOKEN' ? 'errors.csrf' : 'errors.403text';
      message = err instanceof ForbiddenError ? err.message : null;
      const viewer = viewerOf(req);
      await platform.audit
        .record(viewer, {
          action: e?.code === 'EBADCSRFTOKEN' ? 'security.csrf-refused' : 'permission.denied',
          details: { method: req.method, path: req.originalUrl.slice(0, 300), reason: err instanceof ForbiddenError ? err.action ?? null : 'csrf' },
          ip: req.ip ?? null,
        })
        .catch((auditErr) => platform.log.error({ err: auditErr }, 'audit of a refusal failed'));
    } else if (err instanceof ValidationError) {
      status = 422;
      titleKey = 'form.errorsTitle';
      textKey = '';
      message = err.message;
      details = Object.values(err.fields);
    } else if (err instanceof FileRejectedError || err instanceof BadRequestError || err instanceof GoneError) {
      // A refused file (422), a body that could not be read (400), a link no longer valid (410).
      status = err.status;
      titleKey = err instanceof GoneError ? 'gone.title' : err instanceof BadRequestError ? 'upload.malformedTitle' : 'form.errorsTitle';
      textKey = '';
      message = err.message;
    } else if (err instanceof RequestTimeoutError) {
      status = 503;
      titleKey = 'faults.timeoutTitle';
      textKey = 'faults.timeoutText';
    } else if (err instanceof AppError) {
      status = err.status;
      if (err instanceof NotFoundError && err.refused) {
        await platform.audit
          .record(viewerOf(req), { action: 'permission.denied', details: { method: req.method, path: req.originalUrl.slice(0, 300), reason: err.refused }, ip: req.ip ?? null })
          .catch((auditErr) => platform.log.error({ err: auditErr }, 'audit of a refusal failed'));
      }
      if (err instanceof TooManyRequestsError) {
        titleKey = 'errors.429title';
        textKey = '';
        res.setHeader('Retry-After', String(Math.max(1, err.retryAfterSeconds)));
      } else if (status === 404) {
        titleKey = 'errors.404title';
        textKey = 'errors.404text';
      } else if (status === 503) {
        titleKey = 'errors.503title';
        textKey = 'errors.503text';
      } else if (status < 500) {
        titleKey = 'errors.403title';
        textKey = '';
      }
      message = status === 404 && err.message === new (err.constructor as new () => AppError)().message ? null : err.message;
    } else if (e?.type === 'entity.too.large' || e?.type === 'parameters.too.many' || e?.status === 413) {
      status = 413;
      titleKey = 'form.errorsTitle';
      textKey = 'errors.tooLarge';
    } else if (isDatabaseDown(err)) {
      status = 503;
      titleKey = 'errors.503title';
      textKey = 'errors.503text';
      platform.log.warn({ err: compactError(err), path: req.originalUrl.slice(0, 200) }, 'database unavailable');
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status;
      titleKey = 'errors.404title';
      textKey = 'errors.404text';
    } else {
      platform.log.error({ err, path: req.originalUrl }, 'unhandled error');
    }
    if (status === 503) res.setHeader('Retry-After', String(err instanceof BusyError ? err.retryAfterSeconds : 30));
    const tm = messageTranslatorOf(res);
    message = message ? tm(message) : message;
    details = details.map((d) => tm(d));
    try {
      res.status(status).render('errors/error', { status, titleKey, textKey, message, details });
    } catch {
      res.status(status).type('text/plain').send(tm(msg('common:errors.plain', { status })));
    }
  };
}
