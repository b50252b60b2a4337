// A real IMAP server for the tests: a throwaway Dovecot (Debian's dovecot-imapd) with its own
// configuration, runtime and mail folders in a temporary directory, listening on 127.0.0.1 on a free
// port, with one mailbox. Messages are put in with IMAP APPEND, as a mail server would deliver them.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../src/db/embedded.js';

export const DOVECOT = process.env.DOVECOT_BIN ?? '/usr/sbin/dovecot';

export type TestMailbox = {
  host: string;
  port: number;
  user: string;
  password: string;
  /** imap://user:password@127.0.0.1:port/INBOX, the form of DESK_IMAP_URL. */
  url: string;
  /** Delivers a raw RFC 5322 message into `folder` (INBOX by default). */
  append: (raw: string | Buffer, folder?: string) => Promise<void>;
  /** The UIDs and Message-IDs now in a folder (an absent folder is empty). */
  list: (folder: string) => Promise<Array<{ uid: number; messageId: string | null; subject: string }>>;
  client: () => ImapFlow;
  stop: () => Promise<void>;
};

/** Resolves when something accepts TCP connections on the port; each failed attempt is the signal to try again. */
async function untilListening(port: number, child: ChildProcess, log: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}):\n${readLog(log)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot not listening on ${port} within ${timeoutMs} ms:\n${readLog(log)}`);
    // The master binds the port right after reading its configuration: wait for its next step, briefly.
    await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** attempt)));
  }
}

/** The first of these accounts that exists, with its uid and gid. */
function firstUser(names: string[]): { name: string; uid: number; gid: number } {
  const lines = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of names) {
    const fields = lines.find((l) => l.startsWith(`${name}:`))?.split(':');
    if (fields) return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error(`none of the accounts ${names.join(', ')} exists`);
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '(no log)';
  }
}

/** Starts a Dovecot with one mailbox `desk@test.example` (password random). */
export async function startTestMailbox(): Promise<TestMailbox> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-dovecot-'));
  const port = await freePort();
  const user = 'sportello@cit.test';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const me = os.userInfo();
  // Dovecot refuses to run its login and mail processes as root: under root (CI containers) they run
  // as the package's unprivileged accounts, otherwise everything runs as the current user.
  const root = me.uid === 0;
  const loginUser = root ? firstUser(['dovenull', 'nobody']).name : me.username;
  const internal = root ? firstUser(['dovecot', 'nobody']) : { name: me.username, uid: me.uid, gid: me.gid };
  const { uid, gid } = internal;
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(path.join(dir, d));
  for (const d of ['mail', 'home']) chownSync(path.join(dir, d), uid, gid);
  const log = path.join(dir, 'dovecot.log');
  writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}:${uid}:${gid}::${dir}/home/${user}::\n`, { mode: 0o644 });
  // A user instance: nothing of /etc/dovecot is read, every path is in the temporary directory, and
  // the internal and login processes run as the current user (Dovecot's own accounts may not exist).
  writeFileSync(
    path.join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = cithub-test-${port}
log_path = ${log}
info_log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${internal.name}
default_login_user = ${loginUser}
first_valid_uid = ${uid}
first_valid_gid = ${gid}
mail_location = maildir:${dir}/mail/%u
mail_uid = ${uid}
mail_gid = ${gid}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  const conf = path.join(dir, 'dovecot.conf');
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A test process that ends without its after() hook (a crash, mocha's --exit) takes the server with it.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  try {
    await untilListening(port, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${output}`, { cause: err });
  }

  const client = () => new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false, disableAutoIdle: true });
  const withClient = async <T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = client();
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => undefined);
    }
  };
  const url = `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`;
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url,
    client,
    append: (raw, folder = 'INBOX') =>
      withClient(async (c) => {
        await c.append(folder, raw);
      }),
    list: (folder) =>
      withClient(async (c) => {
        const exists = (await c.list()).some((m) => m.path === folder);
        if (!exists) return [];
        const lock = await c.getMailboxLock(folder);
        try {
          const out: Array<{ uid: number; messageId: string | null; subject: string }> = [];
          for await (const m of c.fetch('1:*', { uid: true, envelope: true })) out.push({ uid: m.uid, messageId: m.envelope?.messageId ?? null, subject: m.envelope?.subject ?? '' });
          return out;
        } finally {
          lock.release();
        }
      }),
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      if (!process.env.KEEP_DOVECOT) rmSync(dir, { recursive: true, force: true });
    },
  };
}
