// The one mailer: every message is rendered from EJS templates (HTML and text) and goes through
// the job queue, so an SMTP outage delays mail and loses none. With no SMTP_URL, messages are
// written to an outbox folder that admins can read at /admin/posta.
//
// Exactly once, as far as two systems allow: a message's Message-ID is derived from its job id, so
// every attempt of one job is the same message; the SMTP server's acceptance is recorded per job
// (mail_deliveries) and a job run again after that (a worker killed before it could mark the job
// done) sends nothing. Only a process killed between the server's "250 OK" and that record can
// repeat a message, and then with the same Message-ID, which mail clients de-duplicate.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ejs from 'ejs';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Sequelize, Transaction } from 'sequelize';
import { messageTranslator, translator, type Language } from './i18n.js';
import type { JobDefinition, JobInfo, JobQueue } from './jobs.js';
import { compactError, type Logger } from './logger.js';
import { VIEWS_DIR } from './paths.js';

export const MAIL_QUEUE = 'mail.send';
const viewsDir = path.join(VIEWS_DIR, 'mail');

/** A small file sent with a message (an ICS invitation): text content, carried in the job itself. */
export type MailAttachment = { filename: string; contentType: string; content: string };
/** Extra headers of a message (a newsletter's List-Unsubscribe and List-Unsubscribe-Post, RFC 8058), and its Reply-To. */
export type MailHeaders = Record<string, string>;
export type MailMessage = { to: string; subject: string; html: string; text: string; attachments?: MailAttachment[]; headers?: MailHeaders; replyTo?: string };
export type OutboxEntry = MailMessage & { id: string; date: string; from: string };

export type MailRequest = {
  to: string;
  /** A Message (msg()), translated in the recipient's language. */
  subject: string;
  /** The recipient's language; Italian when unknown. */
  lang?: Language;
  /** Name of the templates views/mail/<template>.ejs (HTML) and <template>.txt.ejs (text). */
  template: string;
  data: Record<string, unknown>;
  attachments?: MailAttachment[];
  headers?: MailHeaders;
  replyTo?: string;
};

/**
 * An SMTP send takes seconds (the transport's timeouts below end a stuck one within about 20 s, and a fetched job waits at most one such send for its slot): a mail job
 * still active after this belongs to a worker that died, and is given to another one. Short, because
 * the mail of a killed worker waits this long plus one maintenance interval before it goes out.
 */
export const MAIL_EXPIRE_SECONDS = 25;

export type MailerOptions = {
  from: string;
  smtpUrl: string | null;
  outboxDir: string;
  baseUrl: string;
  centreName: string;
  log: Logger;
  retryDelaySeconds?: number;
  /** Where the acceptance of each job's message is recorded (needed to work the queue). */
  sequelize?: Sequelize;
  /** Messages sent at once by one process (SMTP connections in the pool). */
  concurrency?: number;
  /** At most this many messages per second from one process; 0 for no limit. */
  ratePerSecond?: number;
  /** Keep the compiled templates (every mode but `npm run dev`, which edits them live). */
  cacheTemplates?: boolean;
};

export class Mailer {
  private transporter: Transporter | null = null;
  /** The messages of a `together` call, per transaction, not yet enqueued. */
  private readonly batches = new WeakMap<Transaction, MailMessage[]>();
  private lastPrune = 0;

  constructor(
    private readonly opts: MailerOptions,
    private readonly jobs: JobQueue,
  ) {}

  async render(req: MailRequest): Promise<MailMessage> {
    // Templates read `t` (keys) and `tm` (Messages) in the recipient's language, like the pages do.
    const lang = req.lang ?? 'it';
    const tm = messageTranslator(lang);
    const subject = tm(req.subject);
    const data = { ...req.data, subject, lang, t: translator(lang), tm, baseUrl: this.opts.baseUrl, centreName: this.opts.centreName };
    // Rendered inside the transaction of the change that sends it: reading and compiling three
    // templates for every message was most of a reply's CPU time.
    const cache = this.opts.cacheTemplates ?? true;
    const body = await ejs.renderFile(path.join(viewsDir, `${req.template}.ejs`), data, { async: false, cache });
    const html = await ejs.renderFile(path.join(viewsDir, '_layout.ejs'), { ...data, body }, { cache });
    const text = await ejs.renderFile(path.join(viewsDir, `${req.template}.txt.ejs`), data, { cache });
    const message: MailMessage = { to: req.to, subject, html, text: `${text.trim()}\n\n-- \n${this.opts.centreName}\n${this.opts.baseUrl}\n` };
    if (req.attachments?.length) message.attachments = req.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content }));
    if (req.headers && Object.keys(req.headers).length) message.headers = { ...req.headers };
    if (req.replyTo) message.replyTo = req.replyTo;
    return message;
  }

  /** Renders now and enqueues; pass the transaction of the business change so both commit together. */
  async send(req: MailRequest, transaction?: Transaction): Promise<void> {
    const message = await this.render(req);
    const batch = transaction && this.batches.get(transaction);
    if (batch) batch.push(message);
    else await this.jobs.send(MAIL_QUEUE, message, { transaction });
  }

  /**
   * Runs `fn`; the messages it sends in `transaction` are enqueued together at its end, in one
   * statement (a staff reply mails the requester and the assignee: one insert instead of two).
   * When `fn` throws, none is enqueued, and the transaction rolls back anyway.
   */
  async together<T>(transaction: Transaction, fn: () => Promise<T>): Promise<T> {
    if (this.batches.has(transaction)) return fn();
    const batch: MailMessage[] = [];
    this.batches.set(transaction, batch);
    try {
      const result = await fn();
      if (batch.length === 1) await this.jobs.send(MAIL_QUEUE, batch[0], { transaction });
      else if (batch.length) await this.jobs.sendMany(MAIL_QUEUE, batch, { transaction });
      return result;
    } finally {
      this.batches.delete(transaction);
    }
  }

  /**
   * Enqueues many rendered messages at once (a newsletter's batch), inside `transaction`, at a lower
   * priority than the one-to-one mail so that a password reset never waits behind a newsletter.
   * Returns each message's job id, in order: the delivery of that job is recorded in mail_deliveries.
   */
  async enqueueMany(messages: MailMessage[], transaction: Transaction, priority = -1): Promise<string[]> {
    return this.jobs.sendMany(MAIL_QUEUE, messages, { transaction, priority });
  }

  private transport(): Transporter {
    if (this.transporter) return this.transporter;
    this.transporter = this.opts.smtpUrl
      ? // Pooled connections (one per concurrent send) and timeouts well inside the job's expiry.
        nodemailer.createTransport({
          url: this.opts.smtpUrl,
          pool: true,
          maxConnections: this.opts.concurrency ?? 8,
          maxMessages: 500,
          connectionTimeout: 5_000,
          greetingTimeout: 5_000,
          socketTimeout: 10_000,
        } as Parameters<typeof nodemailer.createTransport>[0])
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return this.transporter;
  }

  /** The Message-ID of a job's message: the same for every attempt of that job. */
  messageId(jobId: string): string {
    const domain = /@([^>\s]+)>?\s*$/.exec(this.opts.from)?.[1] ?? new URL(this.opts.baseUrl).hostname;
    return `<${jobId}@${domain}>`;
  }

  /** Delivers the message of job `job` unless the SMTP server already accepted it. */
  private async deliverJob(message: MailMessage, job: JobInfo): Promise<void> {
    const sequelize = this.opts.sequelize;
    if (!sequelize) throw new Error('the mail queue needs the database to record deliveries');
    const [done] = await sequelize.query('SELECT accepted_at FROM mail_deliveries WHERE job_id = $1', { bind: [job.id] });
    if (done.length) {
      this.opts.log.info({ job: job.id, to: message.to }, 'mail already accepted by the SMTP server: not sent again');
      return;
    }
    const messageId = this.messageId(job.id);
    const response = await this.deliver(message, messageId);
    await this.recordAcceptance(sequelize, job.id, messageId, message.to, response);
    await this.prune(sequelize);
  }

  // Sent but not recorded would be sent again if the job runs again: insist while the database is
  // away, but never throw (a failed job is retried, and the retry would send a second copy).
  private async recordAcceptance(sequelize: Sequelize, jobId: string, messageId: string, to: string, response: string): Promise<void> {
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        await sequelize.query(
          `INSERT INTO mail_deliveries (job_id, message_id, recipient, response, accepted_at) VALUES ($1, $2, $3, $4, now()) ON CONFLICT (job_id) DO NOTHING`,
          { bind: [jobId, messageId, to.slice(0, 320), response.slice(0, 500)] },
        );
        return;
      } catch (err) {
        if (attempt === 0) this.opts.log.warn({ err: compactError(err), job: jobId }, 'mail delivery not recorded yet: retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.opts.log.error({ job: jobId, messageId }, 'mail delivery not recorded: a new attempt would send it again with the same Message-ID');
  }

  private async prune(sequelize: Sequelize): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    // The queue keeps a job for 14 days at most; its delivery record is useless after that.
    await sequelize.query(`DELETE FROM mail_deliveries WHERE accepted_at < now() - interval '30 days'`).catch(() => undefined);
  }

  /** Sends one message now (the queue calls it); returns the SMTP server's answer. */
  async deliver(message: MailMessage, messageId?: string): Promise<string> {
    // Every message here is written by the application, none by a person (RFC 3834): out-of-office
    // replies and the desk's own mailbox (inbound.ts) leave them unanswered, so no loop of robots.
    const headers = { 'Auto-Submitted': 'auto-generated', ...message.headers };
    const info = await this.transport().sendMail({ from: this.opts.from, ...message, headers, ...(messageId ? { messageId } : {}) });
    if (!this.opts.smtpUrl) {
      await mkdir(this.opts.outboxDir, { recursive: true });
      const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`;
      const entry: OutboxEntry = { id, date: new Date().toISOString(), from: this.opts.from, ...message };
      await writeFile(path.join(this.opts.outboxDir, `${id}.eml`), (info as unknown as { message: Buffer }).message);
      await writeFile(path.join(this.opts.outboxDir, `${id}.json`), JSON.stringify(entry));
    }
    this.opts.log.info({ to: message.to, subject: message.subject, messageId, outbox: !this.opts.smtpUrl }, 'mail delivered');
    return String((info as { response?: unknown }).response ?? 'outbox');
  }

  jobDefinition(): JobDefinition<MailMessage> {
    const concurrency = Math.max(1, this.opts.concurrency ?? 8);
    const rate = this.opts.ratePerSecond ?? 0;
    // A batch must be sent well within the expiry, which counts from the fetch for the whole batch.
    const batchSize = rate ? Math.max(1, Math.min(concurrency * 4, Math.floor((rate * MAIL_EXPIRE_SECONDS) / 3))) : concurrency * 4;
    return {
      name: MAIL_QUEUE,
      handler: (m, job) => this.deliverJob(m, job),
      retryLimit: 20,
      retryDelaySeconds: this.opts.retryDelaySeconds ?? 30,
      retryBackoff: true,
      expireInSeconds: MAIL_EXPIRE_SECONDS,
      batchSize,
      concurrency,
      ratePerSecond: rate,
    };
  }

  close(): void {
    this.transporter?.close();
    this.transporter = null;
  }

  async outbox(limit = 200): Promise<OutboxEntry[]> {
    const files = await readdir(this.opts.outboxDir).catch(() => [] as string[]);
    const recent = files.filter((f) => f.endsWith('.json')).sort().reverse().slice(0, limit);
    return Promise.all(recent.map(async (f) => JSON.parse(await readFile(path.join(this.opts.outboxDir, f), 'utf8')) as OutboxEntry));
  }
}
