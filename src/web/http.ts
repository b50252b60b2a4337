// Small helpers shared by every route handler.
import 'express-session';
import type { NextFunction, Request, Response } from 'express';
import { isAdmin, isStaff, type Actor, type Viewer } from '../platform/actor.js';
import { ConflictError, FileRejectedError, ForbiddenError, UnauthorizedError, ValidationError } from '../platform/errors.js';
import { messageTranslator, pickLanguage } from '../platform/i18n.js';
import type { Message } from '../platform/messages.js';
import { addFlash, type FlashType } from './flash.js';

declare module 'express-session' {
  interface SessionData {
    lang?: string;
    returnTo?: string;
  }
}

export function viewerOf(req: Request): Viewer {
  return (req as Request & { viewer?: Viewer }).viewer ?? null;
}

export function actorOf(req: Request): Actor {
  const viewer = viewerOf(req);
  if (!viewer) throw new UnauthorizedError();
  return viewer;
}

/** Queues a message for the next page; `text` is a Message (msg()), translated when it is shown (web/flash.ts). */
export function flash(req: Request, type: FlashType, text: Message): void {
  addFlash(req, { type, text });
}

export function requireLogin(req: Request, _res: Response, next: NextFunction): void {
  if (!viewerOf(req)) return next(new UnauthorizedError());
  next();
}

export function requireStaff(req: Request, _res: Response, next: NextFunction): void {
  const v = viewerOf(req);
  if (!v) return next(new UnauthorizedError());
  if (!isStaff(v)) return next(new ForbiddenError(undefined, `staff-area ${req.method} ${req.path}`));
  next();
}

export function requireAdmin(req: Request, _res: Response, next: NextFunction): void {
  const v = viewerOf(req);
  if (!v) return next(new UnauthorizedError());
  if (!isAdmin(v)) return next(new ForbiddenError(undefined, `admin-area ${req.method} ${req.path}`));
  next();
}

/** A path on this site to go back to, or the fallback: never another host (`//x`, `/\\x`) or a scheme. */
export function localPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

/**
 * A positive integer id from a route parameter: decimal digits only (not `0x10`, `1e3`, ` 7`), within a
 * PostgreSQL integer; -1 for anything else, which finds no record (a 404).
 */
export function idParam(value: unknown): number {
  if (typeof value === 'string' && !/^[0-9]{1,10}$/.test(value)) return -1;
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : -1;
}

/** The messages of bad input (a ValidationError or a refused file), for a form that answers with flash messages; null for any other error. */
export function refusalMessages(err: unknown): Message[] | null {
  if (err instanceof ValidationError) return Object.values(err.fields).length ? Object.values(err.fields) : [err.message];
  if (err instanceof FileRejectedError) return [err.message];
  return null;
}

/**
 * Runs a form action; on bad input re-renders the form with status 422, the messages next to the
 * fields and everything the user typed kept (never a 500, never a lost form). `locals` may be a
 * function: the page is then loaded only when it is shown again, not for every submission that
 * succeeds (a request's whole thread, read before each reply, was most of a reply's work).
 */
export async function formAction(
  req: Request,
  res: Response,
  view: string,
  locals: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    let fields: Record<string, string> | null = null;
    let message: string | null = null;
    if (err instanceof ValidationError) {
      fields = err.fields;
      message = err.message;
    } else if (err instanceof ConflictError) {
      fields = err.field ? { [err.field]: err.message } : { _form: err.message };
      message = err.message;
    } else if (err instanceof FileRejectedError) {
      // Next to the file field of this form's upload (src/web/uploads.ts), unless the refusal names another.
      fields = { [err.field ?? (res.locals.uploadField as string | undefined) ?? '_form']: err.message };
      message = err.message;
    }
    if (!fields) throw err;
    if (typeof locals === 'function') locals = await locals();
    const tm = messageTranslatorOf(res);
    fields = Object.fromEntries(Object.entries(fields).map(([name, m]) => [name, tm(m)]));
    message = message ? tm(message) : message;
    const values = { ...(locals.values as Record<string, unknown> | undefined), ...(req.body as Record<string, unknown>) };
    delete values._csrf;
    delete values.password;
    delete values.currentPassword;
    delete values.newPassword;
    delete values.confirmPassword;
    res.status(422).render(view, { ...locals, errors: fields, errorMessage: message, values });
  }
}

/** The translator of Messages for this response's language (set by baseLocals; Italian before it ran). */
export function messageTranslatorOf(res: Response): (m: Message | null | undefined) => string {
  return (res.locals.tm as ((m: Message | null | undefined) => string) | undefined) ?? messageTranslator(pickLanguage(res.locals.lang));
}
