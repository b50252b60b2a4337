// Flash messages (a word for the next page after a change: «Richiesta aperta») travel in a signed
// cookie of their own, not in the session: a change that only says so writes no session row, and
// the page that shows the word writes none to forget it. In the session they cost both a write and,
// on the page after, another one (one statement in ten of opening a desk request).
//
// Signed with the session secret (HMAC-SHA-256), so a message shown on a page of the centre was put
// there by the centre; read and cleared by the next page a browser shows (not by an image, a
// script or a JSON call), as the session's list was.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { cookieValue } from './cookies.js';

export type FlashType = 'success' | 'info' | 'warning' | 'danger';
export type Flash = { type: FlashType; text: string };

const COOKIE = 'cithub.flash';
const TYPES: readonly string[] = ['success', 'info', 'warning', 'danger'];
/** Browsers keep a cookie of up to 4,096 bytes: a message that would not fit is left out (the ones before it are kept). */
const MAX_VALUE = 3500;
const STATE = Symbol('flash');

type State = { secret: string; secure: boolean; outgoing: Flash[] };
type WithState = Request & { [STATE]?: State };

/** Makes `addFlash` and `takeFlashes` work for the requests after it. */
export function flashCookies(secret: string, secure: boolean) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    (req as WithState)[STATE] = { secret, secure, outgoing: [] };
    next();
  };
}

function stateOf(req: Request): State {
  const state = (req as WithState)[STATE];
  if (!state) throw new Error('flash messages used before the flashCookies middleware');
  return state;
}

const signature = (secret: string, payload: string) => createHmac('sha256', secret).update(`flash\u0000${payload}`).digest('base64url');

function encode(secret: string, flashes: Flash[]): string {
  const payload = Buffer.from(JSON.stringify(flashes)).toString('base64url');
  return `${payload}.${signature(secret, payload)}`;
}

function decode(secret: string, value: string): Flash[] {
  const dot = value.lastIndexOf('.');
  if (dot < 0) return [];
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(secret, payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((f): f is Flash => !!f && typeof f === 'object' && TYPES.includes((f as Flash).type) && typeof (f as Flash).text === 'string');
  } catch {
    return [];
  }
}

/** Sets (or, with `value` null, clears) the flash cookie, replacing one set earlier by this response. */
function writeCookie(res: Response, state: State, value: string | null): void {
  if (res.headersSent) return;
  const attributes = `Path=/; HttpOnly; SameSite=Lax${state.secure ? '; Secure' : ''}`;
  const cookie = value === null ? `${COOKIE}=; ${attributes}; Max-Age=0` : `${COOKIE}=${value}; ${attributes}`;
  const previous = res.getHeader('Set-Cookie');
  const others = (Array.isArray(previous) ? previous : previous === undefined ? [] : [String(previous)]).filter((c) => !c.startsWith(`${COOKIE}=`));
  res.setHeader('Set-Cookie', [...others, cookie]);
}

/** Queues a message for the next page; `text` is a Message (msg()), translated when it is shown. */
export function addFlash(req: Request, flash: Flash): void {
  const state = stateOf(req);
  const value = encode(state.secret, [...state.outgoing, flash]);
  if (value.length > MAX_VALUE) return;
  state.outgoing.push(flash);
  writeCookie(req.res!, state, value);
}

/** The messages queued for this page, which it shows once: its answer clears the cookie (a message queued later sets it again). */
export function takeFlashes(req: Request, res: Response): Flash[] {
  const header = req.headers.cookie;
  if (!header || !header.includes(`${COOKIE}=`)) return [];
  const value = cookieValue(header, COOKIE);
  const state = stateOf(req);
  writeCookie(res, state, null);
  return value ? decode(state.secret, value) : [];
}
