// A real SMTP server (npm smtp-server) started by the tests; received messages are parsed with mailparser.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../src/db/embedded.js';

export type ReceivedMail = { to: string; subject: string; text: string; html: string; parsed: ParsedMail };

export class TestInbox {
  readonly messages: ReceivedMail[] = [];
  private waiters: Array<() => void> = [];
  /** When true the server refuses every message (an SMTP outage). */
  refuse = false;

  push(mail: ReceivedMail): void {
    this.messages.push(mail);
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Waits for a message to `to` whose subject matches, received after `since` messages. */
  async waitFor(to: string, subject: RegExp = /.*/, timeoutMs = 20_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => m.to.toLowerCase().includes(to.toLowerCase()) && subject.test(m.subject));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms (received: ${this.messages.map((m) => `${m.to}: ${m.subject}`).join('; ')})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  all(to: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.toLowerCase().includes(to.toLowerCase()));
  }
}

export async function startSmtpServer(): Promise<{ url: string; inbox: TestInbox; stop: () => Promise<void> }> {
  const inbox = new TestInbox();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (inbox.refuse) return callback(Object.assign(new Error('Servizio non disponibile'), { responseCode: 421 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
          inbox.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '', parsed });
          callback();
        })
        .catch(callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, inbox, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
