// CSRF tokens of upload forms never travel in the URL: a multipart form carries the token in its
// first field, checked before any route and before a byte of a file is read; and an upload route
// checks its permission before it reads the body. Through real HTTP, on an app with its own
// temporary upload folder, so "no file was written" is read from that folder.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CookieAccessInfo } from 'cookiejar';
import { createApp } from '../../src/app.js';
import { appDeps } from '../../src/boot.js';
import type { Platform } from '../../src/platform/context.js';
import { firstPartToken } from '../../src/web/security.js';
import { Participant } from '../../src/modules/tenders/models.js';
import { uploadDir } from '../../src/web/uploads.js';
import { testContext } from '../helpers/app.js';
import { createBody, createUser } from '../helpers/factories.js';
import { csrfFrom, loginAs, type Agent } from '../helpers/http.js';
import { onShutdown } from '../helpers/resources.js';
import { count, openRequest, pdf, type CsrfAgent } from './desk/helpers.js';
import { dossierWithTwoBodies } from './tenders/helpers.js';

const cookieOf = (agent: Agent) => agent.jar.getCookies(new CookieAccessInfo('127.0.0.1', '/', false, false)).toValueString();

/** An app over the shared database and sessions, with an upload folder of its own. */
async function ownApp(): Promise<{ base: string; dir: string }> {
  const { platform } = await testContext();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cithub-upload-csrf-'));
  const own: Platform = { ...platform, config: { ...platform.config, dataDir } };
  const { app, close } = await createApp(own, appDeps(own));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onShutdown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const dir = uploadDir(own.config);
  mkdirSync(dir, { recursive: true });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, dir };
}

/**
 * Sends the start of a multipart upload (the token field if given, then a file part of which only the
 * first 64 KB go out, of a declared 50 MB) and never the rest: resolves with the answer, which can
 * only come from a check made before the body was read. What the folder holds then is returned too.
 */
function startUpload(base: string, dir: string, urlPath: string, cookie: string, token: string | null, field = 'file'): Promise<{ status: number; text: string; files: string[] }> {
  const boundary = 'cithub-early-answer';
  const head = Buffer.from(
    (token !== null ? `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` : '') +
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="grande.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${urlPath}`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + 50 * 1024 * 1024) },
    });
    req.on('response', (res) => {
      const files = readdirSync(dir);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text, files });
      });
    });
    req.on('error', (err) => reject(err));
    req.write(head);
    req.write(Buffer.concat([pdf('inizio'), Buffer.alloc(64 * 1024, 0x20)]));
  });
}

describe('security: upload forms (CSRF token in the first field, permission before the body)', () => {
  let own: Awaited<ReturnType<typeof ownApp>>;
  before(async () => {
    own = await ownApp();
  });

  it('every multipart form of every view carries the token as a hidden field before its inputs, never in its action URL', () => {
    const views = readdirSync('views', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ejs')).map((f) => path.join('views', f));
    let forms = 0;
    for (const file of views) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/<form (?:[^<>]|<%.*?%>)*?enctype="multipart\/form-data"(?:[^<>]|<%.*?%>)*>/g)) {
        forms++;
        expect(m[0], file).not.to.contain('_csrf');
        const id = /\bid="([^"]+)"/.exec(m[0])?.[1];
        // The first form control the browser sends with this form: inside it, or tied to it by form="…".
        const controls = id && text.slice(m.index + m[0].length).trimStart().startsWith('</form>')
          ? [...text.matchAll(/<(?:input|select|textarea)\b(?:[^<>]|<%.*?%>)*>/g)].filter((c) => c[0].includes(`form="${id}"`))
          : [...text.slice(m.index + m[0].length).matchAll(/<(?:input|select|textarea)\b(?:[^<>]|<%.*?%>)*>|<%- include\([^)]*\)/g)];
        expect(controls[0]?.[0], file).to.match(/^<input type="hidden" name="_csrf" value="<%= csrf\(\)/);
      }
    }
    expect(forms).to.be.greaterThan(15);
  });

  it('reads the token of the first part only, and nothing else as one', () => {
    const b = 'XyZ';
    const part = (name: string, value: string, extra = '') => `--${b}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n--${b}`;
    expect(firstPartToken(Buffer.from(part('_csrf', 'abc123')), b)).to.equal('abc123');
    expect(firstPartToken(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nabc`), b)).to.equal(undefined);
    expect(firstPartToken(Buffer.from(part('subject', 'x') + '\r\n' + part('_csrf', 'abc123').slice(b.length + 4)), b)).to.equal(null);
    expect(firstPartToken(Buffer.from(part('_csrf', 'abc123', '; filename="t.txt"')), b)).to.equal(null);
    expect(firstPartToken(Buffer.from('preamble\r\n' + part('_csrf', 'abc123')), b)).to.equal(null);
  });

  it('refuses a multipart POST whose token is missing, of another session or in the URL with 403, before any file is read', async () => {
    const body = await createBody();
    const member = (await loginAs((await createUser('member', body.id)).email)) as CsrfAgent;
    const attacker = (await loginAs((await createUser('member', (await createBody()).id)).email)) as CsrfAgent;
    const own_ = csrfFrom((await member.get('/richieste/nuova')).text);
    const foreign = csrfFrom((await attacker.get('/richieste/nuova')).text);
    const stored = () => count('SELECT count(*)::int AS n FROM stored_files');
    const before = await stored();
    const requests = () => count('SELECT count(*)::int AS n FROM desk_requests WHERE entity_id = :id', { id: body.id });
    for (const [label, urlPath, token] of [
      ['missing', '/richieste', null],
      ['another session', '/richieste', foreign],
      ['in the URL', `/richieste?_csrf=${encodeURIComponent(own_)}`, null],
      ['wrong', '/richieste', 'falso'],
    ] as const) {
      const res = await startUpload(own.base, own.dir, urlPath, cookieOf(member), token, 'attachments');
      expect(res.status, label).to.equal(403);
      expect(res.text, label).to.contain('La sessione del modulo è scaduta o non è valida.');
      expect(res.files, label).to.deep.equal([]);
    }
    // Through supertest too, whole bodies: nothing stored, no request made.
    const whole = await member.post(`/richieste?_csrf=${encodeURIComponent(own_)}`).field('subject', 'Con il token nell’URL').attach('attachments', pdf(), 'a.pdf');
    expect(whole.status).to.equal(403);
    const late = await member.post('/richieste').field('subject', 'Token dopo il file').attach('attachments', pdf(), 'a.pdf').field('_csrf', own_);
    expect(late.status).to.equal(403);
    expect(await stored()).to.equal(before);
    expect(await requests()).to.equal(0);
    // The same form with the token first goes through.
    const ok = await member.post('/richieste').field('_csrf', own_).field('category', 'legal').field('priority', 'normal').field('subject', 'Token al primo campo').field('description', 'Una richiesta con allegato.').attach('attachments', pdf(), 'a.pdf');
    expect(ok.status).to.equal(302);
    expect(await requests()).to.equal(1);
  });

  it('an upload route refuses who may not upload there before reading the body: the answer comes while the file is still on its way', async () => {
    // Another body's desk request: 404, like a missing one.
    const owner = (await loginAs((await createUser('member', (await createBody()).id)).email)) as CsrfAgent;
    const requestId = await openRequest(owner);
    const intruder = (await loginAs((await createUser('member', (await createBody()).id)).email)) as CsrfAgent;
    const token = csrfFrom((await intruder.get('/richieste')).text);
    const desk = await startUpload(own.base, own.dir, `/richieste/${requestId}/messaggi`, cookieOf(intruder), token, 'attachments');
    expect(desk.status).to.equal(404);
    expect(desk.files).to.deep.equal([]);
    // A body taking part in a dossier uploads the adhesion of another participant: refused (403, the participant list is shared).
    const { dossier, bodyA, agentA, agentB } = await dossierWithTwoBodies();
    const pA = (await Participant.findOne({ where: { dossierId: dossier.id, entityId: bodyA.id } }))!;
    const tokenB = csrfFrom((await agentB.get(`/gare/${dossier.id}`)).text);
    const adhesion = await startUpload(own.base, own.dir, `/gare/${dossier.id}/partecipanti/${pA.id}/adesione`, cookieOf(agentB), tokenB);
    expect(adhesion.status).to.equal(403);
    expect(adhesion.files).to.deep.equal([]);
    // A member of a body uploads a document to a dossier (staff only).
    const documents = await startUpload(own.base, own.dir, `/gare/${dossier.id}/documenti`, cookieOf(agentA), csrfFrom((await agentA.get(`/gare/${dossier.id}`)).text));
    expect([403, 404]).to.include(documents.status);
    expect(documents.files).to.deep.equal([]);
  });
});
