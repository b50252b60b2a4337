// Pieces of the fault-injection suite: CIT Hub run as real processes (`src/server.ts`,
// `src/worker.ts`) on a database of the suite's own, a small HTTP client that keeps its session
// cookie, and waits on signals (a line printed, an answer, a count reached) with bounded attempts.
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';

export const ROOT = new URL('../../', import.meta.url).pathname;

export type Proc = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive: () => boolean;
};

/** Starts `tsx <entry>` with `env` on top of this process's environment. */
export function startProcess(entry: 'src/server.ts' | 'src/worker.ts', env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited, alive: () => child.exitCode === null && child.signalCode === null };
}

/** Waits until the process prints `text` (true) or exits (false). */
export async function printed(proc: Proc, text: string, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.output().includes(text)) {
    if (!proc.alive()) return false;
    if (Date.now() > deadline) throw new Error(`no «${text}» within ${timeoutMs} ms; output:\n${proc.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** Polls `check` every `everyMs` until it returns true, at most `attempts` times; returns the elapsed ms. */
export async function poll(what: string, check: () => Promise<boolean> | boolean, attempts: number, everyMs = 100): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < attempts; i++) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not after ${attempts} attempts (${Date.now() - started} ms)`);
}

export async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** A browser-like client: keeps its cookies, never follows redirects, reads CSRF tokens from pages. */
export class Client {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...extra };
  }

  async get(path: string): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(this.base + path, { headers: this.headers(), redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    this.remember(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  async post(path: string, body: URLSearchParams | FormData, opts: { timeoutMs?: number } = {}): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(this.base + path, { method: 'POST', body, headers: this.headers(), redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
    this.remember(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  async csrf(path: string): Promise<string> {
    const page = await this.get(path);
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no CSRF token on ${path} (${page.status})`);
    return m[1];
  }

  async login(email: string, password = 'cithub-demo'): Promise<void> {
    const token = await this.csrf('/login');
    const res = await this.post('/login', new URLSearchParams({ _csrf: token, email, password }));
    if (res.status !== 302) throw new Error(`login of ${email}: ${res.status}`);
  }
}

export async function query<T = Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Stored files that no record refers to, by every foreign key pointing at stored_files. */
export async function orphanFiles(url: string): Promise<number> {
  const refs = await query<{ tbl: string; col: string }>(
    url,
    `SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.confrelid = 'stored_files'::regclass`,
  );
  const where = refs.map((r) => `NOT EXISTS (SELECT 1 FROM ${r.tbl} WHERE ${r.tbl}.${r.col} = f.id)`).join(' AND ');
  const [row] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM stored_files f${where ? ` WHERE ${where}` : ''}`);
  return Number(row.n);
}
