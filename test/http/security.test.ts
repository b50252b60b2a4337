import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createLogger } from '../../src/platform/logger.js';
import { testContext } from '../helpers/app.js';
import { anonymousAgent, DEMO_PASSWORD, loginAs } from '../helpers/http.js';
import { createApp } from '../../src/app.js';
import { appDeps } from '../../src/boot.js';

describe('security and platform behaviour', () => {
  it('refuses a POST without a CSRF token with 403 and records it', async () => {
    const { app, platform } = await testContext();
    // Each refused request has a path of its own, so its audit entry is told apart from every other test's.
    const run = randomUUID();
    const refusals = async (path: string) =>
      ((await platform.sequelize.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'security.csrf-refused' AND details->>'path' = :path`, { replacements: { path }, plain: true })) as { n: number }).n;
    const missing = `/profilo?csrf-test=${run}-missing`;
    const forged = `/profilo?csrf-test=${run}-forged`;
    const anonymous = `/login?csrf-test=${run}-anonymous`;
    for (const path of [missing, forged, anonymous]) expect(await refusals(path)).to.equal(0);
    const agent = await loginAs('staff@cithub.example');
    const res = await agent.post(missing).type('form').send({ name: 'Senza token' });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('La sessione del modulo è scaduta o non è valida.');
    const bad = await agent.post(forged).type('form').send({ name: 'Token falso', _csrf: 'falso' });
    expect(bad.status).to.equal(403);
    expect((await request(app).post(anonymous).type('form').send({ email: 'a', password: 'b' })).status).to.equal(403);
    for (const path of [missing, forged, anonymous]) expect(await refusals(path), path).to.equal(1);
    const [who] = await platform.sequelize.query<{ actor_email: string | null }>(
      `SELECT actor_email FROM audit_log WHERE action = 'security.csrf-refused' AND details->>'path' = :path`,
      { replacements: { path: forged }, type: QueryTypes.SELECT },
    );
    expect(who.actor_email).to.equal('staff@cithub.example');
  });

  it('sends a strict CSP and the usual security headers', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/login');
    const csp = res.headers['content-security-policy'];
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.contain("style-src 'self'");
    expect(csp).to.not.contain('unsafe-inline');
    expect(csp).to.contain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(res.text).to.not.match(/<script>(?!<\/script>)/);
    expect(res.text).to.not.match(/ style="/);
  });

  it('rejects over-long fields and oversized bodies with a clear message', async () => {
    const agent = await loginAs('admin@cithub.example');
    const token = await agent.csrf('/enti/nuovo');
    const long = await agent.post('/enti').type('form').send({ _csrf: token, ipaCode: 'c_x001', name: 'A'.repeat(201), kind: 'comune', membershipStatus: 'active' });
    expect(long.status).to.equal(422);
    expect(long.text).to.contain('Il campo «Denominazione» può avere al massimo 200 caratteri.');
    const huge = await agent.post('/enti').type('form').send({ _csrf: token, name: 'B'.repeat(400_000) });
    expect(huge.status).to.equal(413);
    expect(huge.text).to.contain('I dati inviati sono troppo grandi.');
  });

  it('answers health and readiness probes', async () => {
    const { app } = await testContext();
    expect((await request(app).get('/healthz')).body).to.deep.equal({ status: 'ok' });
    expect((await request(app).get('/readyz')).body).to.deep.equal({ status: 'ok', database: 'reachable' });
  });

  it('shows Italian 404 pages and never a stack trace', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/non-esiste');
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('Pagina non trovata');
    const junk = await request(app).get('/enti/abc');
    expect(junk.status).to.equal(404);
    expect(junk.text).to.not.contain('at ');
  });

  it('gives a 503 page while the database is down and recovers by itself', async function () {
    this.timeout(120_000);
    // A separate CIT Hub process on a database of its own, so stopping that database touches nothing else.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cithub-outage-'));
    chmodSync(dir, 0o755);
    const log = createLogger('silent');
    const dbPort = await freePort();
    let db = await startEmbeddedPostgres(dir, log, { database: 'outage', port: dbPort });
    const appPort = await freePort();
    const base = `http://127.0.0.1:${appPort}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, DATABASE_URL: db.url, PORT: String(appPort), BASE_URL: base, SESSION_SECRET: 'outage-test-secret-outage-test-secret-00', DATA_DIR: dir, LOG_LEVEL: 'silent', SEED_DEMO: 'false', WORKERS: 'inline', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // Bounded by the test's timeout, not by a clock of its own.
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('pronto')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`the app exited with ${code}`)));
      });
      expect((await fetch(`${base}/enti`)).status).to.equal(200);
      await db.stop();
      const page = await fetch(`${base}/enti`);
      expect(page.status).to.equal(503);
      expect(await page.text()).to.contain('Servizio temporaneamente non disponibile');
      expect(page.headers.get('retry-after')).to.equal('30');
      const english = await fetch(`${base}/enti`, { headers: { cookie: 'lang=en' } });
      expect(english.status).to.equal(503);
      expect(await english.text()).to.contain('Service temporarily unavailable');
      expect((await fetch(`${base}/readyz`)).status).to.equal(503);
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      expect((await fetch(`${base}/accessibilita`)).status).to.equal(200);
      db = await startEmbeddedPostgres(dir, log, { database: 'outage', port: dbPort });
      expect((await fetch(`${base}/enti`)).status).to.equal(200);
      expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    } finally {
      child.kill('SIGKILL');
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('switches the interface to English and back', async () => {
    const visitor = await anonymousAgent();
    const en = await visitor.get('/lingua?lang=en&back=/login');
    expect(en.status).to.equal(302);
    expect(en.headers.location).to.equal('/login');
    const page = await visitor.get('/login');
    expect(page.text).to.contain('<html lang="en">');
    expect(page.text).to.contain('Skip to main content');
    await visitor.get('/lingua?lang=it&back=//evil.example');
    const back = await visitor.get('/login');
    expect(back.text).to.contain('Vai al contenuto principale');
    expect((await visitor.get('/lingua?lang=it&back=//evil.example')).headers.location).to.equal('/');
    expect((await visitor.get(`/lingua?lang=it&back=${encodeURIComponent('/\\evil.example')}`)).headers.location).to.equal('/');
    expect((await visitor.get('/lingua?lang=it&back=https://evil.example')).headers.location).to.equal('/');
  });
});

describe('security: behind TLS (an https BASE_URL)', () => {
  it('sends HSTS, upgrades insecure requests and marks the session cookie Secure, HttpOnly and SameSite', async () => {
    const { platform, app: plain } = await testContext();
    const tls: typeof platform = { ...platform, config: { ...platform.config, baseUrl: 'https://cithub.example.it', secureCookies: true } };
    const { app, close } = await createApp(tls, appDeps(tls));
    try {
      const https = (req: request.Test) => req.set('X-Forwarded-Proto', 'https');
      const page = await https(request(app).get('/login'));
      expect(page.headers['strict-transport-security']).to.match(/^max-age=\d{7,}; includeSubDomains/);
      expect(page.headers['content-security-policy']).to.contain('upgrade-insecure-requests');
      const cookie = [page.headers['set-cookie'] ?? []].flat().find((c: string) => c.startsWith('cithub.sid=') || c.includes('sid='));
      expect(cookie, 'the login page opens a session for its form').to.be.a('string');
      expect(cookie).to.match(/;\s*Secure/i);
      expect(cookie).to.match(/;\s*HttpOnly/i);
      expect(cookie).to.match(/;\s*SameSite=Lax/i);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const login = await https(request(app).post('/login').set('Cookie', cookie!.split(';')[0]).type('form').send({ _csrf: token, email: 'staff@cithub.example', password: DEMO_PASSWORD }));
      expect(login.status).to.equal(302);
      const signedIn = [login.headers['set-cookie'] ?? []].flat().find((c: string) => c.includes('sid='));
      expect(signedIn).to.match(/;\s*Secure/i);
      // On a plain http BASE_URL (development), neither HSTS nor Secure cookies.
      const dev = await request(plain).get('/login');
      expect(dev.headers['strict-transport-security']).to.equal(undefined);
      expect([dev.headers['set-cookie'] ?? []].flat().join(' ')).not.to.match(/;\s*Secure/i);
    } finally {
      await close();
    }
  });
});
