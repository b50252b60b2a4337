// The one mailer: every message is rendered from EJS templates (HTML and text) and goes through
// the job queue, so an SMTP outage delays mail and loses none. With no SMTP_URL, messages are
// written to an outbox folder that admins can read at /admin/posta.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ejs from 'ejs';
import nodemailer from 'nodemailer';
import type { Transaction } from 'sequelize';
import { messageTranslator, translator, type Language } from './i18n.js';
import type { JobDefinition, JobQueue } from './jobs.js';
import type { Logger } from './logger.js';
import { VIEWS_DIR } from './paths.js';

export const MAIL_QUEUE = 'mail.send';
const viewsDir = path.join(VIEWS_DIR, 'mail');

export type MailMessage = { to: string; subject: string; html: string; text: string };
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
};

export class Mailer {
  constructor(
    private readonly opts: { from: string; smtpUrl: string | null; outboxDir: string; baseUrl: string; centreName: string; log: Logger; retryDelaySeconds?: number },
    private readonly jobs: JobQueue,
  ) {}

  async render(req: MailRequest): Promise<MailMessage> {
    // Templates read `t` (keys) and `tm` (Messages) in the recipient's language, like the pages do.
    const lang = req.lang ?? 'it';
    const tm = messageTranslator(lang);
    const subject = tm(req.subject);
    const data = { ...req.data, subject, lang, t: translator(lang), tm, baseUrl: this.opts.baseUrl, centreName: this.opts.centreName };
    const body = await ejs.renderFile(path.join(viewsDir, `${req.template}.ejs`), data, { async: false });
    const html = await ejs.renderFile(path.join(viewsDir, '_layout.ejs'), { ...data, body });
    const text = await ejs.renderFile(path.join(viewsDir, `${req.template}.txt.ejs`), data);
    return { to: req.to, subject, html, text: `${text.trim()}\n\n-- \n${this.opts.centreName}\n${this.opts.baseUrl}\n` };
  }

  /** Renders now and enqueues; pass the transaction of the business change so both commit together. */
  async send(req: MailRequest, transaction?: Transaction): Promise<void> {
    const message = await this.render(req);
    await this.jobs.send(MAIL_QUEUE, message, { transaction });
  }

  private transport() {
    if (this.opts.smtpUrl) return nodemailer.createTransport(this.opts.smtpUrl);
    return nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async deliver(message: MailMessage): Promise<void> {
    const info = await this.transport().sendMail({ from: this.opts.from, ...message });
    if (!this.opts.smtpUrl) {
      await mkdir(this.opts.outboxDir, { recursive: true });
      const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`;
      const entry: OutboxEntry = { id, date: new Date().toISOString(), from: this.opts.from, ...message };
      await writeFile(path.join(this.opts.outboxDir, `${id}.eml`), (info as unknown as { message: Buffer }).message);
      await writeFile(path.join(this.opts.outboxDir, `${id}.json`), JSON.stringify(entry));
    }
    this.opts.log.info({ to: message.to, subject: message.subject, outbox: !this.opts.smtpUrl }, 'mail delivered');
  }

  jobDefinition(): JobDefinition<MailMessage> {
    return { name: MAIL_QUEUE, handler: (m) => this.deliver(m), retryLimit: 20, retryDelaySeconds: this.opts.retryDelaySeconds ?? 30, retryBackoff: true };
  }

  async outbox(limit = 200): Promise<OutboxEntry[]> {
    const files = await readdir(this.opts.outboxDir).catch(() => [] as string[]);
    const recent = files.filter((f) => f.endsWith('.json')).sort().reverse().slice(0, limit);
    return Promise.all(recent.map(async (f) => JSON.parse(await readFile(path.join(this.opts.outboxDir, f), 'utf8')) as OutboxEntry));
  }
}
