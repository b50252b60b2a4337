import pino from 'pino';

export type Logger = pino.Logger;

/**
 * What a log line never carries: session cookies, CSRF tokens, passwords, the tokens of emailed links,
 * Authorization headers (anyone who reads the logs could otherwise take over a session or an account).
 * Paths as pino's `redact` reads them; `*` is one level (req.headers, res.headers, a logged body).
 */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  ...['password', 'currentPassword', 'newPassword', 'confirmPassword', '_csrf', 'token', 'sid'].flatMap((field) => [field, `*.${field}`, `req.body.${field}`, `req.query.${field}`]),
];

// The secret part of a URL: the token of an emailed link, a token or CSRF value in the query.
const LINK_TOKEN = /(\/(?:invito|password\/reimposta|sondaggio)\/)[^/?#]+/g;
const SECRET_QUERY = /([?&](?:_csrf|token|password)=)[^&#]*/gi;

/** A URL fit for a log line: tokens of links and secret query values replaced by [Redacted]. */
export function redactUrl(url: string): string {
  return url.replace(LINK_TOKEN, '$1[Redacted]').replace(SECRET_QUERY, '$1[Redacted]');
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = { level, base: { app: 'cit-hub' }, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * An error reduced to what a log line needs (name, message, code, the first frames of the stack):
 * driver errors carry their connection or client object, kilobytes on every line of an outage.
 */
/**
 * PostgreSQL closing its connections because it is shutting down (57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now): expected when the embedded server stops with the app
 * (Ctrl-C reaches both), so it is logged as one line, not as an error with its stack.
 */
export function isDatabaseShutdown(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '57P01' || code === '57P02' || code === '57P03';
}

export function compactError(err: unknown): { name?: string; message: string; code?: string; cause?: string; stack?: string } {
  if (!(err instanceof Error) && (typeof err !== 'object' || err === null)) return { message: String(err) };
  const e = err as { name?: string; message?: string; code?: unknown; parent?: { message?: string; code?: unknown }; original?: { code?: unknown }; stack?: string; cause?: unknown };
  const code = e.code ?? e.parent?.code ?? e.original?.code;
  const parentMessage = e.parent?.message && e.parent.message !== e.message ? e.parent.message : undefined;
  const cause = parentMessage ?? (e.cause instanceof Error ? e.cause.message : undefined);
  return {
    name: e.name,
    message: String(e.message ?? err),
    ...(code !== undefined ? { code: String(code) } : {}),
    ...(cause ? { cause } : {}),
    ...(e.stack ? { stack: e.stack.split('\n').slice(0, 6).join('\n') } : {}),
  };
}
