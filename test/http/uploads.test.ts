// The one upload adapter (src/web/uploads.ts) through real HTTP: UPLOAD_MAX_MB on every upload form,
// refusals next to the file field with what was typed kept, a broken multipart body (400), the cap on
// concurrent uploads (503 + Retry-After), temporary files removed in every case, and a file streamed
// into the store and back byte for byte.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CookieAccessInfo } from 'cookiejar';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { appDeps } from '../../src/boot.js';
import type { Platform } from '../../src/platform/context.js';
import { uploadDir } from '../../src/web/uploads.js';
import { testContext } from '../helpers/app.js';
import { createBody, createUser } from '../helpers/factories.js';
import { csrfFrom, loginAs, type Agent } from '../helpers/http.js';
import { onShutdown } from '../helpers/resources.js';
import { pdf, requestFields } from './desk/helpers.js';
import { makeDossier } from './tenders/helpers.js';

const MB = 1024 * 1024;

/** A PDF of about `size` bytes (valid header, padding after it). */
function bigPdf(size: number): Buffer {
  const b = Buffer.alloc(size, 0x20);
  pdf('grande').copy(b, 0);
  return b;
}

/** The session cookie of an agent of the shared app, to use on a second app over the same sessions. */
const cookieOf = (agent: Agent) => agent.jar.getCookies(new CookieAccessInfo('127.0.0.1', '/', false, false)).toValueString();

/** Resolves once `dir` has no file left (temporary uploads are removed right after the answer). */
function emptied(dir: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => check());
    const check = () => {
      if (readdirSync(dir).length === 0) {
        watcher.close();
        resolve();
      }
    };
    check();
  });
}

/** A second app over the same database and sessions, with a 1 MB limit and one upload at a time. */
async function strictApp(): Promise<{ base: string; platform: Platform; dir: string }> {
  const { platform } = await testContext();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cithub-uploads-'));
  const strict: Platform = { ...platform, config: { ...platform.config, uploadMaxBytes: MB, uploadConcurrency: 1, dataDir } };
  const { app, close } = await createApp(strict, appDeps(strict));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onShutdown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const dir = uploadDir(strict.config);
  mkdirSync(dir, { recursive: true });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, platform: strict, dir };
}

describe('uploads', () => {
  let strict: Awaited<ReturnType<typeof strictApp>>;
  let member: Agent & { csrf: (path?: string) => Promise<string> };

  before(async () => {
    strict = await strictApp();
    const body = await createBody();
    member = await loginAs((await createUser('member', body.id)).email);
  });

  it('UPLOAD_MAX_MB limits every upload form: the refusal is next to the file field and what was typed is kept', async () => {
    const big = bigPdf(2 * MB);
    // The desk: a new request.
    const fields = requestFields({ subject: 'Richiesta con un allegato troppo grande' });
    const token = await member.csrf('/richieste');
    let desk = request(strict.base).post(`/richieste`).field('_csrf', token).set('Cookie', cookieOf(member));
    for (const [k, v] of Object.entries(fields)) desk = desk.field(k, v);
    const deskRes = await desk.attach('attachments', big, 'grande.pdf');
    expect(deskRes.status).to.equal(422);
    expect(deskRes.text).to.contain('Un file supera la dimensione massima di 1 MB.');
    expect(deskRes.text).to.contain('value="Richiesta con un allegato troppo grande"');
    expect(deskRes.text).to.contain('id="f-attachments-error"');

    // The tenders: a document (its own limit was 50 MB).
    const staff = await loginAs('staff@cithub.example');
    const dossier = await makeDossier();
    const staffToken = csrfFrom((await staff.get(`/gare/${dossier.id}/documenti/nuovo`)).text);
    const doc = await request(strict.base)
      .post(`/gare/${dossier.id}/documenti`).field('_csrf', staffToken)
      .set('Cookie', cookieOf(staff))
      .field('type', 'verbale')
      .field('title', 'Verbale troppo grande')
      .field('visibility', 'staff')
      .attach('file', big, 'verbale.pdf');
    expect(doc.status).to.equal(422);
    expect(doc.text).to.contain('Un file supera la dimensione massima di 1 MB.');
    expect(doc.text).to.contain('value="Verbale troppo grande"');

    // The bodies' import (its own limit was a fixed 20 MB).
    const admin = await loginAs('admin@cithub.example');
    const adminToken = await admin.csrf('/enti/importa');
    const ipa = await request(strict.base).post(`/enti/importa`).field('_csrf', adminToken).set('Cookie', cookieOf(admin)).attach('file', Buffer.alloc(2 * MB, 'a;b\n'), 'enti.csv');
    expect(ipa.status).to.equal(422);
    expect(ipa.text).to.contain('Un file supera la dimensione massima di 1 MB.');

    await emptied(strict.dir);
  });

  it('a broken multipart body is a 400 page in Italian, never a 500', async () => {
    const token = await member.csrf('/richieste');
    const res = await request(strict.base)
      .post('/richieste')
      .set('Cookie', cookieOf(member))
      .set('Content-Type', 'multipart/form-data; boundary=XyZ')
      .send(`--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--XyZ\r\nContent-Disposition: form-data; name="subject"\r\n\r\nUna richiesta interrotta a metà`);
    expect(res.status).to.equal(400);
    expect(res.headers['content-type']).to.contain('text/html');
    expect(res.text).to.contain('Il modulo non è arrivato per intero');
    expect((await request(strict.base).get('/healthz')).status).to.equal(200);
    await emptied(strict.dir);
  });

  it('beyond UPLOAD_CONCURRENCY an upload gets 503 with Retry-After, and the slot comes back when the first ends', async () => {
    const token = await member.csrf('/richieste');
    const boundary = 'cithub-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="subject"\r\n\r\nLenta\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="lento.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const content = pdf('lento');
    // The first upload sends its start and then waits: it holds the only slot.
    const started = new Promise<void>((resolve) => {
      const watcher = watch(strict.dir, () => {
        watcher.close();
        resolve();
      });
    });
    let answer!: (r: { status: number }) => void;
    const firstAnswer = new Promise<{ status: number }>((resolve) => (answer = resolve));
    const slow = http.request(`${strict.base}/richieste`, {
      method: 'POST',
      headers: { Cookie: cookieOf(member), 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': head.length + content.length + tail.length },
    });
    slow.on('response', (res) => {
      res.resume();
      answer({ status: res.statusCode ?? 0 });
    });
    slow.write(head);
    slow.write(content.subarray(0, 10));
    await started; // its temporary file exists: the upload is being read

    const refused = await request(strict.base).post(`/richieste`).field('_csrf', token).set('Cookie', cookieOf(member)).field('subject', 'Seconda').attach('attachments', pdf(), 'a.pdf');
    expect(refused.status).to.equal(503);
    expect(refused.headers['retry-after']).to.equal('5');
    expect(refused.text).to.contain('sono in corso troppi caricamenti di file');

    slow.end(Buffer.concat([content.subarray(10), tail]));
    expect((await firstAnswer).status).to.equal(422); // only a subject: the form comes back
    const next = await request(strict.base).post(`/richieste`).field('_csrf', token).set('Cookie', cookieOf(member)).field('subject', 'Terza').attach('attachments', pdf(), 'b.pdf');
    expect(next.status).to.equal(422);
    expect(next.text).not.to.contain('troppi caricamenti');
    await emptied(strict.dir);
  });

  it('a file is streamed into the store and comes back byte for byte', async () => {
    const { app } = await testContext();
    const content = bigPdf(3 * MB + 12345);
    for (let i = 4096; i < content.length; i += 4096) content[i] = i % 251; // not only spaces
    const token = await member.csrf('/richieste');
    let req = request(app).post(`/richieste`).field('_csrf', token).set('Cookie', cookieOf(member));
    for (const [k, v] of Object.entries(requestFields({ subject: 'Richiesta con un allegato di 3 MB' }))) req = req.field(k, v);
    const created = await req.attach('attachments', content, 'grande.pdf');
    expect(created.status, (created.text.match(/invalid-feedback[^<]*<\/?[^>]*>[^<]*/g) ?? []).join(" | ")).to.equal(302);
    const page = await member.get(created.headers.location);
    const href = page.text.match(/href="(\/richieste\/\d+\/allegati\/\d+)"/)![1];
    const file = await member.get(href).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(file.status).to.equal(200);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(file.body as Buffer)).to.equal(sha(content));
    const { platform } = await testContext();
    await emptied(uploadDir(platform.config));
  });
});
