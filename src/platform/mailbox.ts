// A mailbox read over IMAP (imapflow): the messages of one folder, each downloaded on demand and
// moved to another folder once the caller has recorded what it did with it. The folders are created
// when missing. Nothing here knows what a message means: that is the caller's business.
import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { DeskImapConfig } from '../config.js';
import { compactError, type Logger } from './logger.js';

export type MailboxEntry = {
  uid: number;
  /** The RFC822.SIZE the server reports. */
  size: number;
  /** The Message-ID header as written (angle brackets included), or null. */
  messageId: string | null;
  /** The raw header block, for what the envelope does not carry (Auto-Submitted, Precedence). */
  headers: Buffer;
};

export class MailboxSession {
  constructor(
    private readonly client: ImapFlow,
    private readonly log: Logger,
  ) {}

  /** The first `limit` messages of the open folder, oldest first. */
  async list(limit: number): Promise<MailboxEntry[]> {
    const mailbox = this.client.mailbox;
    if (!mailbox || !mailbox.exists) return [];
    const entries: MailboxEntry[] = [];
    for await (const m of this.client.fetch(`1:${Math.min(limit, mailbox.exists)}`, { uid: true, size: true, envelope: true, headers: true })) {
      entries.push({ uid: m.uid, size: m.size ?? 0, messageId: m.envelope?.messageId?.trim() || null, headers: m.headers ?? Buffer.alloc(0) });
    }
    return entries;
  }

  /** The whole message as the server stores it. */
  async download(uid: number): Promise<Buffer> {
    const m = await this.client.fetchOne(String(uid), { source: true }, { uid: true });
    if (!m || !m.source) throw new Error(`message ${uid} is no longer in the mailbox`);
    return m.source;
  }

  /** Moves a message; one already moved (by a run at the same time) is not an error. */
  async move(uid: number, folder: string): Promise<void> {
    try {
      await this.client.messageMove(String(uid), folder, { uid: true });
    } catch (err) {
      this.log.warn({ err: compactError(err), uid, folder }, 'mailbox: message not moved, it will be moved at the next run');
    }
  }
}

/** A stable id for a message without Message-ID: the hash of its bytes. */
export const contentKey = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Opens the mailbox of `config`, creates the folders it needs, runs `fn` with the fetched folder
 * selected and logs out whatever happens.
 */
export async function withMailbox<T>(config: DeskImapConfig, log: Logger, folders: string[], fn: (session: MailboxSession) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: { user: config.user, pass: config.password },
    tls: { rejectUnauthorized: config.verifyTls },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  });
  // A connection that drops later emits 'error'; without a listener Node would end the process.
  client.on('error', (err: unknown) => log.warn({ err: compactError(err) }, 'mailbox connection error'));
  await client.connect();
  try {
    const existing = new Set((await client.list()).map((m) => m.path));
    for (const folder of folders) if (!existing.has(folder)) await client.mailboxCreate(folder);
    const lock = await client.getMailboxLock(config.mailbox);
    try {
      return await fn(new MailboxSession(client, log));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}
