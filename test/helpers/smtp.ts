// A real SMTP server (npm smtp-server) started by the tests; received messages are parsed with mailparser.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../src/db/embedded.js';

export type ReceivedMail = { to: string; subject: string; text: string; html: string; parsed: ParsedMail };

/** A recipient the server refused while `refuse` was set: proof that a delivery was attempted. */
export type RefusedRecipient = { to: string };

export class TestInbox {
  readonly messages: ReceivedMail[] = [];
  readonly refused: RefusedRecipient[] = [];
  private waiters: Array<() => void> = [];
  /** When true the server refuses every message (an SMTP outage). */
  refuse = false;
  /** Messages whose data arrived and whose answer a slow server is still holding. */
  inData = 0;

  push(mail: ReceivedMail): void {
    this.messages.push(mail);
    this.wake();
  }

  refuseRecipient(to: string): void {
    this.refused.push({ to });
    this.wake();
  }

  /** Wakes the waits (a message arrived, was refused, or entered a slow answer). */
  wake(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Waits until `condition()` holds, re-checked whenever the server receives something. */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    await this.waitUntil(() => (condition() ? true : undefined), what, timeoutMs);
  }

  /**
   * Waits until `find` returns something, re-checking whenever the server receives or refuses a
   * message (the timeout only turns a wait that never ends into a failure with a message).
   */
  async waitUntil<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms (received: ${this.messages.map((m) => `${m.to}: ${m.subject}`).join('; ')})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, Math.min(1000, deadline - Date.now() + 1)));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for a message that satisfies `predicate`. */
  waitForMessage(predicate: (m: ReceivedMail) => boolean, what = 'matching mail', timeoutMs?: number): Promise<ReceivedMail> {
    return this.waitUntil(() => this.messages.find(predicate), what, timeoutMs);
  }

  /** Waits for a message to `to` whose subject matches. */
  waitFor(to: string, subject: RegExp = /.*/, timeoutMs = 20_000): Promise<ReceivedMail> {
    return this.waitForMessage((m) => m.to.toLowerCase().includes(to.toLowerCase()) && subject.test(m.subject), `mail to ${to} matching ${subject}`, timeoutMs);
  }

  /** Waits until the server has refused `count` attempts to deliver to `to`. */
  waitForRefusals(to: string, count = 1, timeoutMs = 20_000): Promise<RefusedRecipient[]> {
    return this.waitUntil(() => {
      const list = this.refused.filter((r) => r.to.toLowerCase() === to.toLowerCase());
      return list.length >= count ? list : undefined;
    }, `${count} refused attempt(s) to ${to}`, timeoutMs);
  }

  all(to: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.toLowerCase().includes(to.toLowerCase()));
  }
}

export type SmtpOptions = {
  /** Listen on this port (to start the server again where the app expects it); a free one by default. */
  port?: number;
  /** Wait this long after a message's data before answering (a slow server); meanwhile `inbox.inData` counts it. */
  dataDelayMs?: number;
  /** Shared with an earlier server on the same port, so one inbox sees everything. */
  inbox?: TestInbox;
};

/**
 * A real SMTP server. A message counts as received only once the server answered it: a client that
 * hangs up while the (slow) server has not yet replied has not had its message accepted.
 */
export async function startSmtpServer(opts: SmtpOptions = {}): Promise<{ url: string; port: number; inbox: TestInbox; stop: () => Promise<void> }> {
  const inbox = opts.inbox ?? new TestInbox();
  const closed = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (inbox.refuse) {
        inbox.refuseRecipient(address.address);
        return callback(Object.assign(new Error('Servizio non disponibile'), { responseCode: 421 }));
      }
      callback();
    },
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          if (opts.dataDelayMs) {
            inbox.inData++;
            inbox.wake();
            await new Promise((r) => setTimeout(r, opts.dataDelayMs));
            inbox.inData--;
          }
          if (closed.has(session.id)) return callback(new Error('connection closed before the answer'));
          const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
          inbox.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '', parsed });
          callback();
        })
        .catch(callback);
    },
  });
  const port = opts.port ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    inbox,
    stop: () =>
      new Promise<void>((resolve) => {
        // Closing waits for open client connections (a pooled mailer keeps them): end them now.
        for (const connection of (server as unknown as { connections?: Set<{ send: (code: number, text: string) => void; close: () => void }> }).connections ?? []) {
          connection.send(421, 'Server shutting down');
          connection.close();
        }
        server.close(() => resolve());
      }),
  };
}
