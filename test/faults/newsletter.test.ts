// A newsletter issue sent by a separate worker process that is SIGKILLed in the middle of the
// sending, then an SMTP outage after its restart: every confirmed subscriber receives the issue
// exactly once (counted at the test's SMTP server), nobody is skipped, nobody gets it twice.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { buildPlatform } from '../../src/boot.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { ensureActiveUser } from '../../src/modules/accounts/index.js';
import { saveIssue, startSending } from '../../src/modules/news/newsletter.js';
import type { Actor } from '../../src/platform/actor.js';
import type { Platform } from '../../src/platform/context.js';
import { createLogger } from '../../src/platform/logger.js';
import { startSmtpServer, TestInbox } from '../helpers/smtp.js';
import { poll, printed, query, startProcess, type Proc } from './helpers.js';

const SECRET = 'newsletter-faults-secret-newsletter-faults-0123';
const SUBSCRIBERS = 60;

describe('newsletter: a worker killed mid-send, then an SMTP outage', function () {
  let dir: string;
  let db: EmbeddedDatabase | null = null;
  let url: string;
  let dropDatabase: (() => Promise<void>) | null = null;
  const inbox = new TestInbox();
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let producer: Platform;
  const spawned: Proc[] = [];

  before(async function () {
    this.timeout(240_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-newsletter-faults-'));
    chmodSync(dir, 0o755);
    if (process.env.TEST_DATABASE_URL) {
      const name = `cithub_nl_faults_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const u = new URL(process.env.TEST_DATABASE_URL);
      u.pathname = `/${name}`;
      url = u.toString();
      dropDatabase = async () => {
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      };
    } else {
      db = await startEmbeddedPostgres(dir, createLogger('silent'), { database: 'nlfaults', persistent: false });
      url = db.url;
    }
    // A slow server: each message is answered a second after its data, so the kill lands while one is in
    // delivery and the server sees the connection drop before it would have answered (as in faults (c)).
    smtp = await startSmtpServer({ inbox, dataDelayMs: 1000 });
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, SESSION_SECRET: SECRET, DATA_DIR: dir, SMTP_URL: smtp.url, LOG_LEVEL: 'silent', MAIL_RETRY_DELAY_SECONDS: '1' });
    producer = await buildPlatform(config, createLogger('silent'), url, { migrate: true });
  });

  after(async function () {
    this.timeout(120_000);
    for (const p of spawned) if (p.alive()) p.child.kill('SIGKILL');
    await producer?.jobs.stop().catch(() => undefined);
    await producer?.sequelize.close().catch(() => undefined);
    await smtp?.stop().catch(() => undefined);
    await dropDatabase?.().catch(() => undefined);
    await db?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const startWorker = () => {
    // One message at a time, so that the message in delivery at the kill is the only one unanswered.
    const p = startProcess('src/worker.ts', {
      DATABASE_URL: url,
      SESSION_SECRET: SECRET,
      DATA_DIR: dir,
      BASE_URL: 'http://127.0.0.1:9',
      SMTP_URL: smtp.url,
      MAIL_CONCURRENCY: '1',
      MAIL_RETRY_DELAY_SECONDS: '1',
      WORKERS: 'separate',
    });
    spawned.push(p);
    return p;
  };

  it('every subscriber receives the issue exactly once', async function () {
    this.timeout(600_000);
    const stamp = Date.now().toString(36);
    const recipients = Array.from({ length: SUBSCRIBERS }, (_, i) => `lettore-${stamp}-${String(i).padStart(3, '0')}@comune.example.it`);
    await producer.sequelize.query(
      `INSERT INTO newsletter_subscribers (email, topics, status, consent_at, consent_version, confirmed_at)
       SELECT e, ARRAY['eventi'], 'confirmed', now(), '2026-12', now() FROM unnest(ARRAY[:emails]::text[]) AS e`,
      { replacements: { emails: recipients } },
    );
    const person = await ensureActiveUser({ email: `redazione-${stamp}@cithub.example`, name: 'Redazione', role: 'staff', entityId: null }, 'newsletter-faults-password');
    const staff: Actor = { userId: person.id, email: person.email, name: person.name, role: 'staff', entityId: null, ip: '127.0.0.1' };
    const subject = `Newsletter del worker ucciso ${stamp}`;
    const issue = await saveIssue(producer, staff, null, { subject, intro: 'Le novità del mese.', topics: ['eventi'] });

    let worker = startWorker();
    expect(await printed(worker, 'worker di CIT Hub è pronto'), worker.output()).to.equal(true);
    await startSending(producer, staff, issue.id);
    const mine = () => inbox.messages.filter((m) => m.subject === subject);
    // Killed while a message is in delivery, after a part of the issue was accepted.
    await inbox.until(() => mine().length >= 10 && inbox.inData >= 1, 180_000, 'ten messages accepted and one in delivery');
    worker.child.kill('SIGKILL');
    await worker.exited;
    await inbox.until(() => inbox.inData === 0, 10_000, 'the message in delivery refused');
    const acceptedBeforeKill = mine().length;
    // The same server, at full speed from now on.
    const port = smtp.port;
    await smtp.stop();
    smtp = await startSmtpServer({ port, inbox });

    // An SMTP outage as the new worker starts: it refuses a few attempts, then comes back.
    inbox.refuse = true;
    worker = startWorker();
    const restarted = Date.now();
    expect(await printed(worker, 'worker di CIT Hub è pronto'), worker.output()).to.equal(true);
    await inbox.until(() => inbox.refused.length >= 3, 180_000, 'three refused attempts during the outage');
    const refused = inbox.refused.length;
    inbox.refuse = false;

    await inbox.until(() => new Set(mine().map((m) => m.to)).size === recipients.length, 300_000, 'the whole issue after the restart');
    const pending = async () => Number((await query<{ n: string }>(url, `SELECT count(*) AS n FROM pgboss.job WHERE name IN ('mail.send', 'news.newsletter-dispatch') AND state < 'completed'`))[0].n);
    await poll('mail queue drained', async () => (await pending()) === 0, 1200, 250);
    const took = Date.now() - restarted;
    const perRecipient = recipients.map((to) => mine().filter((m) => m.to === to).length);
    const [{ queued }] = await query<{ queued: string }>(url, 'SELECT count(*) AS queued FROM newsletter_deliveries WHERE issue_id = $1', [issue.id]);
    console.log(
      `      newsletter kill-mid-send: worker SIGKILLed after ${acceptedBeforeKill} of ${SUBSCRIBERS} messages accepted (1 in delivery), ${refused} attempts refused during the SMTP outage; ` +
        `${mine().length} messages received for ${SUBSCRIBERS} subscribers, ${perRecipient.filter((c) => c > 1).length} twice, ${perRecipient.filter((c) => c === 0).length} missing, ${queued} delivery rows; the rest in ${took} ms after the restart`,
    );
    const twice = recipients.filter((_, i) => perRecipient[i] > 1).map((to) => `${to}: ${mine().map((m, at) => ({ m, at })).filter((x) => x.m.to === to).map((x) => `#${x.at} ${x.m.parsed.messageId}`).join(', ')}`);
    expect(twice, twice.join('; ')).to.deep.equal([]);
    expect(mine()).to.have.length(SUBSCRIBERS);
    expect(Number(queued)).to.equal(SUBSCRIBERS);
    // Every message is the one-click kind.
    expect(mine().every((m) => m.parsed.headerLines.some((h) => h.key === 'list-unsubscribe-post'))).to.equal(true);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).to.equal(0);
  });
});
