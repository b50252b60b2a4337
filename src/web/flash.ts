// Flash messages (a word for the next page after a change: «Richiesta aperta») travel in a signed
// cookie of their own, not in the session: a change that only says so writes no session row, and
// the page that shows the word writes none to forget it. In the session they cost both a write and,
// on the page after, another one (one statement in ten of opening a desk request).
//
// Signed with the session secret (HMAC-SHA-256) together with the time they were queued, and kept
// for minutes, not for the browser's life: a page shows only words the centre queued a moment ago.
// Behind TLS the cookie is `__Host-` prefixed, so no other host of the domain can plant one. Read
// and cleared by the next page a browser shows (not by an image, a script or a JSON call), as the
// session's list was; a change made before that page keeps the words still waiting and adds its own.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { cookieValue } from './cookies.js';

export type FlashType = 'success' | 'info' | 'warning' | 'danger';
export type Flash = { type: FlashType; text: string };

const TYPES: readonly string[] = ['success', 'info', 'warning', 'danger'];
/** How long queued words wait for their page; the cookie's Max-Age says the same to the browser. */
export const FLASH_TTL_SECONDS = 600;
/**
 * Browsers keep a cookie of up to 4,096 bytes, name and value: a word that would not fit is left out
 * (the ones queued before it are kept). Words are short; only a pathological name fills it.
 */
const MAX_VALUE = 4000;
const STATE = Symbol('flash');

type State = { secret: string; secure: boolean; name: string; outgoing: Flash[] | null; taken: boolean };
type WithState = Request & { [STATE]?: State };

/** The cookie's name: `__Host-` prefixed when it is Secure (it then cannot come from another host). */
const flashCookieName = (secure: boolean): string => (secure ? '__Host-cithub.flash' : 'cithub.flash');

/** Makes `addFlash` and `takeFlashes` work for the requests after it. */
export function flashCookies(secret: string, secure: boolean) {
  const name = flashCookieName(secure);
  return (req: Request, _res: Response, next: NextFunction): void => {
    (req as WithState)[STATE] = { secret, secure, name, outgoing: null, taken: false };
    next();
  };
}

function stateOf(req: Request): State {
  const state = (req as WithState)[STATE];
  if (!state) throw new Error('flash messages used before the flashCookies middleware');
  return state;
}

const signature = (secret: string, payload: string) => createHmac('sha256', secret).update(`flash\u0000${payload}`).digest('base64url');

/** The cookie's value for `flashes` queued at `at` (epoch ms): the payload and its signature. */
export function encodeFlashes(secret: string, flashes: Flash[], at = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ at, flashes })).toString('base64url');
  return `${payload}.${signature(secret, payload)}`;
}

function decode(secret: string, value: string | undefined): Flash[] {
  if (!value) return [];
  const dot = value.lastIndexOf('.');
  if (dot < 0) return [];
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(secret, payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [];
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { at?: unknown; flashes?: unknown };
    if (typeof parsed.at !== 'number' || Date.now() - parsed.at > FLASH_TTL_SECONDS * 1000 || !Array.isArray(parsed.flashes)) return [];
    return parsed.flashes.filter((f): f is Flash => !!f && typeof f === 'object' && TYPES.includes((f as Flash).type) && typeof (f as Flash).text === 'string');
  } catch {
    return [];
  }
}

const incoming = (req: Request, state: State): string | undefined => {
  const header = req.headers.cookie;
  return header && header.includes(`${state.name}=`) ? cookieValue(header, state.name) : undefined;
};

/** Sets (or, with `value` null, clears) the flash cookie, replacing one set earlier by this response. */
function writeCookie(res: Response, state: State, value: string | null): void {
  if (res.headersSent) return;
  const attributes = `Path=/; HttpOnly; SameSite=Lax${state.secure ? '; Secure' : ''}`;
  const cookie = value === null ? `${state.name}=; ${attributes}; Max-Age=0` : `${state.name}=${value}; ${attributes}; Max-Age=${FLASH_TTL_SECONDS}`;
  const previous = res.getHeader('Set-Cookie');
  const others = (Array.isArray(previous) ? previous : previous === undefined ? [] : [String(previous)]).filter((c) => !c.startsWith(`${state.name}=`));
  res.setHeader('Set-Cookie', [...others, cookie]);
}

/** Queues a message for the next page; `text` is a Message (msg()), translated when it is shown. */
export function addFlash(req: Request, flash: Flash): void {
  const state = stateOf(req);
  // The words still waiting for their page (queued by an earlier change, not yet shown) stay.
  const outgoing = state.outgoing ?? (state.taken ? [] : decode(state.secret, incoming(req, state)));
  const value = encodeFlashes(state.secret, [...outgoing, flash]);
  state.outgoing = outgoing;
  if (value.length > MAX_VALUE) return;
  outgoing.push(flash);
  writeCookie(req.res!, state, value);
}

/** The messages queued for this page, which it shows once: its answer clears the cookie (a message queued later sets it again). */
export function takeFlashes(req: Request, res: Response): Flash[] {
  const state = stateOf(req);
  state.taken = true;
  const value = incoming(req, state);
  if (value === undefined) return [];
  writeCookie(res, state, null);
  return decode(state.secret, value);
}
