// Input the database cannot store never reaches it: control characters other than tab, CR and LF
// (a NUL byte makes PostgreSQL refuse a text value) are dropped from form fields and query strings,
// and a path carrying one answers 404. Text pasted from a word processor keeps its words.
import querystring from 'node:querystring';
import type { NextFunction, Request, Response } from 'express';
import { NotFoundError } from '../platform/errors.js';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// The same characters percent-encoded in a raw path.
const ENCODED_CONTROL = /%(0[0-8bcef]|1[0-9a-f]|7f)/i;

/** A copy of the value with the control characters other than tab, CR and LF removed from every string in it. */
export function withoutControlCharacters<T>(value: T): T {
  if (typeof value === 'string') return value.replace(CONTROL_CHARACTERS, '') as T;
  if (Array.isArray(value)) return value.map((v) => withoutControlCharacters(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[withoutControlCharacters(k)] = withoutControlCharacters(v);
    return out as T;
  }
  return value;
}

/** The app's query parser (`app.set('query parser', …)`): Node's simple parser, without control characters. */
export function parseQuery(str: string): Record<string, unknown> {
  return withoutControlCharacters({ ...querystring.parse(str) });
}

/** After the body parser: a path with a control character is no page; form fields lose theirs. */
export function cleanInput(req: Request, _res: Response, next: NextFunction): void {
  if (ENCODED_CONTROL.test(req.path)) return next(new NotFoundError());
  if (req.body && typeof req.body === 'object') req.body = withoutControlCharacters(req.body);
  next();
}
