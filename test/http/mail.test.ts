import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes, type Transaction } from 'sequelize';
import { Mailer } from '../../src/platform/mail.js';
import { testContext } from '../helpers/app.js';
import { loginAs } from '../helpers/http.js';

describe('mail', () => {
  it('renders Italian HTML and text parts from the templates', async () => {
    const { platform } = await testContext();
    const message = await platform.mail.render({ to: 'a@b.it', subject: 'Prova', template: 'password-reset', data: { name: 'Anna', link: 'http://x/y', minutes: 60 } });
    expect(message.html).to.contain('<html lang="it">');
    expect(message.html).to.contain('Scegli una nuova password');
    expect(message.text).to.contain('Buongiorno Anna,');
    expect(message.text).to.contain('http://x/y');
    expect(message.text).to.not.contain('<');
  });

  it('retries a send that failed during an SMTP outage, and loses nothing', async () => {
    const { platform, inbox } = await testContext();
    const to = `ritardo.${Date.now()}@comune.example.it`;
    inbox.refuse = true;
    try {
      await platform.mail.send({ to, subject: 'Messaggio durante il guasto', template: 'password-reset', data: { name: '', link: 'http://x', minutes: 60 } });
      // The worker tried twice (a first attempt and a retry) and the server refused both.
      await inbox.waitForRefusals(to, 2, 30_000);
      expect(inbox.all(to)).to.have.length(0);
    } finally {
      inbox.refuse = false;
    }
    const mail = await inbox.waitFor(to, /Messaggio durante il guasto/, 30_000);
    expect(mail.text).to.contain('http://x');
    expect(inbox.all(to)).to.have.length(1);
  });

  it('sends a job\'s message with a Message-ID of its own, and never again once the server accepted it', async () => {
    const { platform, inbox } = await testContext();
    const to = `una.volta.${Date.now()}@comune.example.it`;
    const message = await platform.mail.render({ to, subject: 'Una volta sola', template: 'password-reset', data: { name: '', link: 'http://x', minutes: 60 } });
    const job = { id: randomUUID(), name: 'mail.send' };
    const { handler } = platform.mail.jobDefinition();
    await handler(message, job);
    // The same job run again (its worker died before marking it done): the recipient gets nothing more.
    await handler(message, job);
    const mail = await inbox.waitFor(to, /Una volta sola/);
    expect(mail.parsed.messageId).to.equal(platform.mail.messageId(job.id));
    expect(mail.parsed.messageId).to.match(/^<[0-9a-f-]{36}@cithub\.example>$/);
    // Written by the application: auto-responders do not answer it (RFC 3834).
    expect(mail.parsed.headers.get('auto-submitted')).to.equal('auto-generated');
    const [rows] = await platform.sequelize.query('SELECT message_id, recipient FROM mail_deliveries WHERE job_id = $1', { bind: [job.id] });
    expect(rows).to.deep.equal([{ message_id: mail.parsed.messageId, recipient: to }]);
    expect(inbox.all(to)).to.have.length(1);
  });

  it('enqueues the messages of one change together, and none of a change that fails', async () => {
    const { platform, inbox } = await testContext();
    const stamp = Date.now();
    const [first, second, lost] = ['prima', 'seconda', 'persa'].map((n) => `${n}.${stamp}@comune.example.it`);
    const reset = (to: string) => ({ to, subject: `Insieme ${stamp}`, template: 'password-reset', data: { name: '', link: 'http://x', minutes: 60 } });
    const queued = async (to: string) =>
      (await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' = $1`, { bind: [to], type: QueryTypes.SELECT }))[0];

    // The job inserts of one transaction, as PostgreSQL receives them.
    const insertsOf = async (change: (transaction: Transaction) => Promise<void>): Promise<{ inserts: string[]; error: Error | null }> => {
      let watched: Transaction | null = null;
      const inserts: string[] = [];
      platform.sequelize.addHook('afterQuery', 'mail-together-test', (options, query) => {
        const sql = String((query as unknown as { sql?: string }).sql ?? '');
        if (watched && (options as { transaction?: Transaction }).transaction === watched && /INSERT INTO pgboss\.job/i.test(sql)) inserts.push(sql);
      });
      try {
        await platform.sequelize.transaction((transaction) => {
          watched = transaction;
          return change(transaction);
        });
        return { inserts, error: null };
      } catch (err) {
        return { inserts, error: err as Error };
      } finally {
        platform.sequelize.removeHook('afterQuery', 'mail-together-test');
      }
    };

    const together = await insertsOf((transaction) =>
      platform.mail.together(transaction, async () => {
        await platform.mail.send(reset(first), transaction);
        await platform.mail.send(reset(second), transaction);
        // Nothing is enqueued until the change's mail is complete.
        expect((await queued(first)).n).to.equal(0);
      }),
    );
    expect(together.error).to.equal(null);
    expect(together.inserts).to.have.length(1);
    expect([(await queued(first)).n, (await queued(second)).n]).to.deep.equal([1, 1]);
    await inbox.waitFor(first, new RegExp(`Insieme ${stamp}`));
    await inbox.waitFor(second, new RegExp(`Insieme ${stamp}`));

    // A change that fails after its mail: not even an insert that the rollback would undo.
    const failed = await insertsOf((transaction) =>
      platform.mail.together(transaction, async () => {
        await platform.mail.send(reset(lost), transaction);
        throw new Error('the change fails after its mail');
      }),
    );
    expect(failed.error?.message).to.equal('the change fails after its mail');
    expect(failed.inserts).to.have.length(0);
    expect((await queued(lost)).n).to.equal(0);
  });

  it('writes to the outbox folder when no SMTP server is configured', async () => {
    const { platform } = await testContext();
    const outboxDir = mkdtempSync(path.join(os.tmpdir(), 'cithub-outbox-'));
    const mailer = new Mailer({ from: 'CIT <noreply@cit.example>', smtpUrl: null, outboxDir, baseUrl: 'http://localhost', centreName: 'CIT', log: platform.log }, platform.jobs);
    const message = await mailer.render({ to: 'rtd@comune.example.it', subject: 'In cartella', template: 'invitation', data: { inviterName: 'Marco', entityName: 'Comune di Otranto', role: 'rtd', link: 'http://localhost/invito/abc', days: 7 } });
    await mailer.deliver(message);
    const files = readdirSync(outboxDir).sort();
    expect(files.filter((f) => f.endsWith('.eml'))).to.have.length(1);
    const [entry] = await mailer.outbox();
    expect(entry).to.include({ to: 'rtd@comune.example.it', subject: 'In cartella' });
    expect(entry.text).to.contain('Comune di Otranto');
  });

  it('lists the outbox for admins', async () => {
    const admin = await loginAs('admin@cithub.example');
    const page = await admin.get('/admin/posta');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('È configurato un server SMTP');
  });
});
