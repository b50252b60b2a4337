import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'cit-hub' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * An error reduced to what a log line needs (name, message, code, the first frames of the stack):
 * driver errors carry their connection or client object, kilobytes on every line of an outage.
 */
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
