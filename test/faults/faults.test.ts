// The fault-injection suite (`npm run test:faults`): CIT Hub as real processes on a PostgreSQL of
// the suite's own, whose pg_ctl the suite drives, and a real SMTP server the suite stops, slows
// down and starts again. Each check prints the figures it measured.
//   (a) PostgreSQL stopped and restarted (fast, immediate, restart) under load, mail in flight
//   (b) SMTP down while 50 messages are produced
//   (c) a separate worker SIGKILLed while it is delivering to a slow SMTP server
//   (d) the web process SIGKILLed during an upload
//   (e) a second instance on a port in use; a database unreachable at start
//   (f) the first start killed while it loads the demo data: the next start loads all of it again
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { buildPlatform } from '../../src/boot.js';
import { freePort, pgCtl, pgCtlServerOptions, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import type { Platform } from '../../src/platform/context.js';
import { createLogger } from '../../src/platform/logger.js';
import { startSmtpServer, TestInbox } from '../helpers/smtp.js';
import { Client, orphanFiles, poll, printed, query, startProcess, status, type Proc } from './helpers.js';

const MEMBER = 'utente@russi.cithub.example';
const SECRET = 'faults-suite-secret-faults-suite-secret-0123';

describe('surviving faults (real processes, PostgreSQL and SMTP)', function () {
  let dir: string;
  let dbPort: number;
  let db: EmbeddedDatabase;
  let url: string;
  const inbox = new TestInbox();
  let smtpPort: number;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let appDir: string;
  let web: Proc | null = null;
  let webPort: number;
  let worker: Proc | null = null;
  let producer: Platform;
  const spawned: Proc[] = [];

  const pgLog = () => path.join(dir, 'postgres', 'faults.log');
  const pgOptions = () => ['-l', pgLog(), '-o', pgCtlServerOptions(dir, dbPort)];
  const env = (port: number, extra: Record<string, string> = {}) => ({
    DATABASE_URL: url,
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    SESSION_SECRET: SECRET,
    DATA_DIR: appDir,
    SEED_DEMO: 'true',
    WORKERS: 'inline',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAIL_RETRY_DELAY_SECONDS: '1',
    DB_ACQUIRE_TIMEOUT_SECONDS: '2',
    ...extra,
  });
  const start = (entry: 'src/server.ts' | 'src/worker.ts', e: Record<string, string>) => {
    const p = startProcess(entry, e);
    spawned.push(p);
    return p;
  };
  const mailJobsPending = async () =>
    Number((await query<{ n: string }>(url, `SELECT count(*) AS n FROM pgboss.job WHERE name = 'mail.send' AND state < 'completed'`))[0].n);
  const duplicates = () => {
    const ids = inbox.messages.map((m) => m.parsed.messageId);
    return ids.length - new Set(ids).size;
  };
  const duplicated = () => {
    const seen = new Map<string, number>();
    for (const m of inbox.messages) seen.set(`${m.parsed.messageId} → ${m.to}`, (seen.get(`${m.parsed.messageId} → ${m.to}`) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).slice(0, 5).map(([k, n]) => `${k} ×${n}`).join('; ');
  };

  before(async function () {
    this.timeout(240_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-faults-'));
    chmodSync(dir, 0o755);
    appDir = path.join(dir, 'app');
    mkdirSync(appDir);
    dbPort = await freePort();
    db = await startEmbeddedPostgres(dir, createLogger('silent'), { database: 'faults', port: dbPort });
    url = db.url;
    smtp = await startSmtpServer({ inbox, dataDelayMs: 300 });
    smtpPort = smtp.port;
    webPort = await freePort();
    web = start('src/server.ts', env(webPort));
    expect(await printed(web, 'CIT Hub è pronto'), web.output()).to.equal(true);
    // Mail is produced the way any process does it: enqueued in the database (the app's workers send it).
    // Same settings as the app's processes (a process that starts brings the queues' options up to date).
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, SESSION_SECRET: SECRET, DATA_DIR: appDir, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, LOG_LEVEL: 'silent', MAIL_RETRY_DELAY_SECONDS: '1' });
    producer = await buildPlatform(config, createLogger('silent'), url, { migrate: false });
  });

  after(async function () {
    this.timeout(120_000);
    for (const p of spawned) if (p.alive()) p.child.kill('SIGKILL');
    await producer?.jobs.stop().catch(() => undefined);
    await producer?.sequelize.close().catch(() => undefined);
    await smtp?.stop().catch(() => undefined);
    await db?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) PostgreSQL stopped and restarted under load: the process stays up, answers 503 during, 200 soon after, loses no confirmed write', async function () {
    this.timeout(240_000);
    const base = `http://127.0.0.1:${webPort}`;
    const member = new Client(base);
    await member.login(MEMBER);
    const token = await member.csrf('/richieste/nuova');
    const confirmed: Array<{ id: number; subject: string }> = [];
    const unconfirmed: string[] = [];
    const statuses = new Map<number, number>();
    const seen = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
    const failures = new Set<string>();
    let running = true;
    let n = 0;
    // Writers open desk requests (each enqueues notification mail in its transaction); a reader reads a list.
    const writer = async () => {
      while (running) {
        const subject = `Richiesta durante il guasto ${n++} ${randomUUID().slice(0, 8)}`;
        const form = new FormData();
        for (const [k, v] of Object.entries({ _csrf: token, category: 'legal', priority: 'normal', subject, description: 'Scritta mentre il database si ferma e riparte.', _idem: randomUUID() })) form.append(k, v);
        try {
          const res = await member.post('/richieste', form);
          seen(res.status);
          const id = Number(/^\/richieste\/(\d+)$/.exec(res.location ?? '')?.[1]);
          if (res.status === 302 && id) confirmed.push({ id, subject });
          else unconfirmed.push(subject);
        } catch (err) {
          seen(0);
          failures.add(String((err as Error).cause ?? (err as Error).message));
          unconfirmed.push(subject);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const reader = async () => {
      while (running) seen(await status(`${base}/enti`));
    };
    const load = [writer(), writer(), writer(), reader()];
    const count503 = () => statuses.get(503) ?? 0;
    const figures: string[] = [];
    const phases: Array<{ name: string; stop: () => Promise<unknown>; start: () => Promise<unknown> }> = [
      { name: 'pg_ctl stop -m fast, then start', stop: () => pgCtl(dir, ['stop', '-m', 'fast']), start: () => pgCtl(dir, ['start', ...pgOptions()]) },
      { name: 'pg_ctl stop -m immediate, then start', stop: () => pgCtl(dir, ['stop', '-m', 'immediate']), start: () => pgCtl(dir, ['start', ...pgOptions()]) },
      { name: 'pg_ctl restart -m fast', stop: async () => undefined, start: () => pgCtl(dir, ['restart', '-m', 'fast', ...pgOptions()]) },
    ];
    try {
      for (const phase of phases) {
        const writes = confirmed.length;
        await poll('writes before the fault', () => confirmed.length >= writes + 3, 600);
        const before503 = count503();
        await phase.stop();
        if (phase.name.includes('stop')) await poll('503 while PostgreSQL is down', () => count503() >= before503 + 3, 300);
        await phase.start();
        const up = Date.now();
        await poll('200 after PostgreSQL is back', async () => (await status(`${base}/enti`)) === 200, 600, 50);
        const recovered = Date.now() - up;
        await poll('a write after PostgreSQL is back', () => confirmed.length > writes + 3, 600);
        expect(web!.alive(), web!.output().slice(-3000)).to.equal(true);
        figures.push(`${phase.name}: ${count503() - before503} answers 503, first 200 ${recovered} ms after PostgreSQL was back`);
        expect(recovered, phase.name).to.be.below(5000);
      }
    } finally {
      running = false;
      await Promise.all(load);
    }
    expect(web!.alive()).to.equal(true);
    expect(statuses.get(500) ?? 0, `answers: ${JSON.stringify([...statuses])}`).to.equal(0);
    const ids = confirmed.map((c) => c.id);
    const stored = await query<{ id: number }>(url, 'SELECT id FROM desk_requests WHERE id = ANY($1::int[])', [ids]);
    const strays = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM desk_requests WHERE subject = ANY($1::text[])', [unconfirmed]);
    // Every notification enqueued with a confirmed request is delivered, none twice.
    const mailWait = await poll('mail queue drained', async () => (await mailJobsPending()) === 0, 1200);
    console.log(
      [
        '      (a) PostgreSQL faults:',
        ...figures.map((f) => `        ${f}`),
        `        answers: ${[...statuses].map(([s, c]) => `${s || 'no answer'}×${c}`).join(', ')}${failures.size ? ` (no answer: ${[...failures].join('; ')})` : ''}`,
        `        writes confirmed ${confirmed.length}, stored ${stored.length}; unconfirmed ${unconfirmed.length}, of which stored anyway ${strays[0].n}`,
        `        mail: ${inbox.messages.length} received, ${duplicates()} duplicates, queue drained ${mailWait} ms after the load`,
      ].join('\n'),
    );
    expect(stored.length).to.equal(confirmed.length);
    expect(duplicates(), duplicated()).to.equal(0);
  });

  it('(b) SMTP down while 50 messages are produced: each arrives exactly once when it is back', async function () {
    this.timeout(180_000);
    await smtp.stop();
    const stamp = Date.now().toString(36);
    const recipients = Array.from({ length: 50 }, (_, i) => `guasto-smtp-${stamp}-${i}@comune.example.it`);
    // All 50 at once (one transaction), as a burst of activity would produce them.
    await producer.sequelize.transaction(async (transaction) => {
      for (const to of recipients) await producer.mail.send({ to, subject: 'Messaggio durante il guasto SMTP', template: 'password-reset', data: { name: '', link: 'http://127.0.0.1/x', minutes: 60 } }, transaction);
    });
    // The outage is met: attempts failed and the jobs wait for their retry.
    await poll('failed attempts during the SMTP outage', async () => Number((await query<{ n: string }>(url, `SELECT count(*) AS n FROM pgboss.job WHERE name = 'mail.send' AND state = 'retry'`))[0].n) >= 10, 600);
    const mine = () => inbox.messages.filter((m) => m.to.includes(`guasto-smtp-${stamp}-`));
    expect(mine()).to.have.length(0);
    smtp = await startSmtpServer({ port: smtpPort, inbox });
    const back = Date.now();
    await inbox.until(() => new Set(mine().map((m) => m.to)).size === recipients.length, 120_000, 'all 50 messages');
    const drained = Date.now() - back;
    await poll('mail queue drained', async () => (await mailJobsPending()) === 0, 600);
    const perRecipient = recipients.map((to) => mine().filter((m) => m.to === to).length);
    console.log(`      (b) SMTP outage: ${mine().length} messages received for ${recipients.length} produced, ${perRecipient.filter((c) => c > 1).length} recipients twice, all in ${drained} ms after SMTP was back`);
    expect(perRecipient.every((c) => c === 1)).to.equal(true);
    expect(duplicates(), duplicated()).to.equal(0);
    // Promptly: a backlog drains at SMTP speed, not one message per poll.
    expect(drained).to.be.below(30_000);
  });

  it('(c) a worker SIGKILLed while delivering: no message twice, all delivered within a minute of its restart', async function () {
    this.timeout(240_000);
    // The web process stops cleanly; from now on a separate worker sends the mail, to a slow server.
    web!.child.kill('SIGTERM');
    const exit = await web!.exited;
    expect(exit.code, web!.output().slice(-2000)).to.equal(0);
    web = null;
    await smtp.stop();
    smtp = await startSmtpServer({ port: smtpPort, inbox, dataDelayMs: 2000 });
    worker = start('src/worker.ts', env(0, { WORKERS: 'separate' }));
    expect(await printed(worker, 'worker di CIT Hub è pronto'), worker.output()).to.equal(true);
    const stamp = Date.now().toString(36);
    const recipients = Array.from({ length: 8 }, (_, i) => `worker-ucciso-${stamp}-${i}@comune.example.it`);
    for (const to of recipients) await producer.mail.send({ to, subject: 'Messaggio del worker ucciso', template: 'password-reset', data: { name: '', link: 'http://127.0.0.1/y', minutes: 60 } });
    await inbox.until(() => inbox.inData >= 1, 60_000, 'a message in delivery');
    const inFlight = inbox.inData;
    worker.child.kill('SIGKILL');
    await worker.exited;
    const mine = () => inbox.messages.filter((m) => m.to.includes(`worker-ucciso-${stamp}-`));
    const beforeRestart = mine().length;
    worker = start('src/worker.ts', env(0, { WORKERS: 'separate' }));
    const restarted = Date.now();
    expect(await printed(worker, 'worker di CIT Hub è pronto'), worker.output()).to.equal(true);
    await inbox.until(() => new Set(mine().map((m) => m.to)).size === recipients.length, 120_000, 'all messages after the restart');
    const delivered = Date.now() - restarted;
    // The messages whose answer never came are sent again; anything more would be a duplicate.
    await poll('mail queue drained', async () => (await mailJobsPending()) === 0, 600);
    const perRecipient = recipients.map((to) => mine().filter((m) => m.to === to).length);
    console.log(
      `      (c) worker killed with ${inFlight} messages in delivery (${beforeRestart} accepted before): ${mine().length} received for ${recipients.length}, ` +
        `${perRecipient.filter((c) => c > 1).length} twice, the last ${delivered} ms after the restart`,
    );
    expect(perRecipient.every((c) => c === 1)).to.equal(true);
    expect(duplicates(), duplicated()).to.equal(0);
    expect(delivered).to.be.below(60_000);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).to.equal(0);
    worker = null;
    await smtp.stop();
    smtp = await startSmtpServer({ port: smtpPort, inbox });
  });

  it('(d) the web process SIGKILLed during an upload: no orphan stored file, and a clean restart', async function () {
    this.timeout(240_000);
    webPort = await freePort();
    web = start('src/server.ts', env(webPort));
    expect(await printed(web, 'CIT Hub è pronto'), web.output()).to.equal(true);
    const orphansBefore = await orphanFiles(url);
    const filesBefore = Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM stored_files'))[0].n);
    const figures: string[] = [];
    // Killed while the body arrives, then killed just after the whole body was sent (while it is stored).
    for (const killAt of [0.3, 1]) {
      const base = `http://127.0.0.1:${webPort}`;
      const member = new Client(base);
      await member.login(MEMBER);
      const token = await member.csrf('/richieste/nuova');
      const subject = `Richiesta con allegato interrotta ${randomUUID().slice(0, 8)}`;
      const size = 15 * 1024 * 1024;
      const boundary = `----faults${randomUUID()}`;
      const fields = { _csrf: token, category: 'legal', priority: 'normal', subject, description: 'Allegato grande interrotto.' };
      const head =
        Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
        `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="grande.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`;
      const tail = `\n%%EOF\r\n--${boundary}--\r\n`;
      const cookie = (member as unknown as { headers: () => Record<string, string> }).headers().cookie;
      const req = http.request(`${base}/richieste`, {
        method: 'POST',
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(Buffer.byteLength(head) + size + Buffer.byteLength(tail)) },
      });
      const answered = new Promise<string>((resolve) => {
        req.on('response', (res) => resolve(`answered ${res.statusCode}`));
        req.on('error', (err) => resolve(`no answer (${err.message})`));
      });
      req.write(head);
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let sent = 0;
      while (sent < size * killAt && sent < size) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        sent += chunk.length;
      }
      if (killAt >= 1) req.end(tail);
      web.child.kill('SIGKILL');
      await web.exited;
      const outcome = await answered;
      req.destroy();
      const restartedAt = Date.now();
      web = start('src/server.ts', env(webPort));
      expect(await printed(web, 'CIT Hub è pronto'), web.output()).to.equal(true);
      const restart = Date.now() - restartedAt;
      expect(await status(`${base}/readyz`)).to.equal(200);
      const requests = Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM desk_requests WHERE subject = $1', [subject]))[0].n);
      const orphans = await orphanFiles(url);
      const files = Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM stored_files'))[0].n);
      // Nor a half-written temporary file of the killed process left on disk.
      const tmp = path.join(appDir, 'tmp', 'uploads');
      const leftovers = existsSync(tmp) ? readdirSync(tmp).length : 0;
      figures.push(`killed after ${Math.round(sent / 1024 / 1024)} MB of 15 (${outcome}): request stored ${requests}, new stored files ${files - filesBefore}, orphans ${orphans - orphansBefore}, temporary files left ${leftovers}, restart ${restart} ms`);
      expect(orphans).to.equal(orphansBefore);
      expect(leftovers).to.equal(0);
      // Nothing half done: either the request with its file, or neither.
      expect(files - filesBefore).to.be.at.most(requests);
    }
    console.log(['      (d) web process killed during an upload:', ...figures.map((f) => `        ${f}`)].join('\n'));
  });

  it('(e) a second instance on a port in use, or a database unreachable at start, exits non-zero with one clear line', async function () {
    this.timeout(180_000);
    const second = start('src/server.ts', env(webPort));
    const started = Date.now();
    const exit = await second.exited;
    const line = second.output().split('\n').find((l) => l.includes('porta')) ?? '';
    console.log(`      (e) second instance on port ${webPort}: exit ${exit.code} after ${Date.now() - started} ms: «${line}»`);
    expect(exit.code).to.equal(1);
    expect(line).to.equal(`CIT Hub non si è avviato: la porta ${webPort} è già in uso da un altro processo (PORT).`);
    expect(second.output()).to.not.contain('è pronto');
    expect(web!.alive()).to.equal(true);

    const unreachable = start('src/server.ts', env(await freePort(), { DATABASE_URL: `postgres://cithub:cithub@127.0.0.1:${await freePort()}/none`, DB_START_TIMEOUT_SECONDS: '2' }));
    const noDb = await unreachable.exited;
    const dbLine = unreachable.output().split('\n').find((l) => l.includes('non si è avviato')) ?? '';
    console.log(`      (e) database unreachable at start: exit ${noDb.code}: «${dbLine}»`);
    expect(noDb.code).to.equal(1);
    expect(dbLine).to.match(/^CIT Hub non si è avviato: il database \(127\.0\.0\.1:\d+\) non risponde entro 2 s \(DB_START_TIMEOUT_SECONDS\)/);
  });

  it('(f) the first start killed half-way through the demo data: the next start loads it whole, once', async function () {
    this.timeout(300_000);
    const fresh = `faults_seed_${Date.now().toString(36)}`;
    await query(url, `CREATE DATABASE ${fresh}`);
    const freshUrl = Object.assign(new URL(url), { pathname: `/${fresh}` }).toString();
    // Tables filled only by the demo data (the checks above never write them), compared with the
    // suite's database, whose first start loaded the demo data without interruption.
    const demoTables = ['entities', 'users', 'catalog_assets', 'catalog_adoptions', 'kb_articles', 'tender_dossiers', 'tender_lots', 'funding_calls', 'funding_projects'];
    const counts = async (u: string) => Object.fromEntries(await Promise.all(demoTables.map(async (t) => [t, Number((await query<{ n: string }>(u, `SELECT count(*) AS n FROM ${t}`))[0].n)] as const)));
    const port = await freePort();
    const first = start('src/server.ts', env(port, { DATABASE_URL: freshUrl, LOG_LEVEL: 'info' }));
    // Killed once the bodies, people and catalogue are in and the tenders are being loaded.
    expect(await printed(first, '"module":"tenders","msg":"loading demo data"'), first.output().slice(-3000)).to.equal(true);
    first.child.kill('SIGKILL');
    await first.exited;
    const half = await counts(freshUrl);
    const second = start('src/server.ts', env(port, { DATABASE_URL: freshUrl }));
    expect(await printed(second, 'CIT Hub è pronto'), second.output().slice(-3000)).to.equal(true);
    const whole = await counts(freshUrl);
    const expected = await counts(url);
    console.log(`      (f) killed during the demo data: ${JSON.stringify(half)} before the restart; after it ${JSON.stringify(whole)}`);
    expect(half.entities, 'the kill came after the bodies were loaded').to.be.above(0);
    expect(whole).to.deep.equal(expected);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).to.equal(0);
    await query(url, `DROP DATABASE ${fresh} WITH (FORCE)`);
  });
});
