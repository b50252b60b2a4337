// Resubmitted forms never create twice (idempotency keys), and a request past its deadline is
// answered 503 with its transaction rolled back.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { appDeps } from '../../src/boot.js';
import { Dossier } from '../../src/modules/tenders/models.js';
import { testContext } from '../helpers/app.js';
import { csrfFrom, DEMO_PASSWORD, loginAs } from '../helpers/http.js';
import { bodyWithUsers, postRequest, requestFields, type CsrfAgent } from './desk/helpers.js';
import { dossierFields, staffActor } from './tenders/helpers.js';

async function count(sql: string, bind: unknown[]): Promise<number> {
  const { platform } = await testContext();
  const [rows] = await platform.sequelize.query(sql, { bind });
  return Number((rows[0] as { n: string }).n);
}

describe('resubmitted forms and request deadlines', () => {
  it('renders an idempotency key in the forms that create things', async () => {
    const staff = await loginAs('staff@cithub.example');
    for (const page of ['/gare/nuova', '/conoscenza/nuovo', '/catalogo/nuovo']) {
      const res = await staff.get(page);
      expect(res.status, page).to.equal(200);
      expect(res.text, page).to.match(/name="_idem" value="[0-9a-f-]{36}"/);
    }
  });

  it('a dossier form sent twice creates one dossier; the second answer leads to the first result', async () => {
    const staff = (await loginAs('staff@cithub.example')) as CsrfAgent;
    const fields: Record<string, string> = { ...dossierFields(), rupUserId: String((await staffActor()).userId), _idem: randomUUID() };
    const token = csrfFrom((await staff.get('/gare/nuova')).text);
    const first = await staff.post('/gare').type('form').send({ _csrf: token, ...fields });
    expect(first.status, first.text.slice(0, 500)).to.equal(302);
    const again = await staff.post('/gare').type('form').send({ _csrf: token, ...fields });
    expect(again.status).to.equal(303);
    expect(again.headers.location).to.equal(first.headers.location);
    expect(await Dossier.count({ where: { title: fields.title } })).to.equal(1);
    const page = await staff.get(again.headers.location);
    expect(page.text).to.contain('Questo modulo era già stato inviato');
  });

  it('a new desk request double-clicked (two submissions at once) is created once and both land on it', async () => {
    const { memberAgent } = await bodyWithUsers();
    const fields: Record<string, string> = { ...requestFields(), _idem: randomUUID() };
    // One page read, its form sent twice: two reads at once would race to store the session's first CSRF token.
    const token = await memberAgent.csrf('/richieste');
    const [a, b] = await Promise.all([postRequest(memberAgent, fields, [], token), postRequest(memberAgent, fields, [], token)]);
    expect([a.status, b.status].sort()).to.deep.equal([302, 303]);
    expect(a.headers.location).to.match(/^\/richieste\/\d+$/);
    expect(b.headers.location).to.equal(a.headers.location);
    expect(await count('SELECT count(*) AS n FROM desk_requests WHERE subject = $1', [fields.subject])).to.equal(1);
  });

  it('a knowledge-base article sent twice is created once', async () => {
    const staff = (await loginAs('staff@cithub.example')) as CsrfAgent;
    const title = `Articolo inviato due volte ${Date.now()}`;
    const token = csrfFrom((await staff.get('/conoscenza/nuovo')).text);
    const fields = { _csrf: token, title, summary: '', body: 'Testo.', category: 'technical', tags: '', status: 'draft', _idem: randomUUID() };
    const first = await staff.post('/conoscenza').type('form').send(fields);
    expect(first.status).to.equal(302);
    const again = await staff.post('/conoscenza').type('form').send(fields);
    expect(again.status).to.equal(303);
    expect(again.headers.location).to.equal(first.headers.location);
    expect(await count('SELECT count(*) AS n FROM kb_articles WHERE title = $1', [title])).to.equal(1);
  });

  it('a key used by another user is not theirs to follow, and creates nothing', async () => {
    const staff = (await loginAs('staff@cithub.example')) as CsrfAgent;
    const key = randomUUID();
    const fields: Record<string, string> = { ...dossierFields(), rupUserId: String((await staffActor()).userId), _idem: key };
    const first = await staff.post('/gare').type('form').send({ _csrf: csrfFrom((await staff.get('/gare/nuova')).text), ...fields });
    expect(first.status).to.equal(302);
    const admin = (await loginAs('admin@cithub.example')) as CsrfAgent;
    const other = await admin.post('/gare').type('form').send({ _csrf: csrfFrom((await admin.get('/gare/nuova')).text), ...fields });
    expect(other.status).to.equal(303);
    expect(other.headers.location).to.not.equal(first.headers.location);
    expect(await Dossier.count({ where: { title: fields.title } })).to.equal(1);
  });

  it('answers 503 with Retry-After at the deadline and rolls the creation back', async function () {
    this.timeout(30_000);
    const { platform } = await testContext();
    // The same platform with a one-second deadline; a lock held by the test keeps the request waiting.
    const shortDeadline = { ...platform, config: { ...platform.config, requestTimeoutSeconds: 1 } };
    const { app, close } = await createApp(shortDeadline, appDeps(shortDeadline));
    // Signed in through the shared app (argon2 under load can take longer than one second); the
    // session lives in the database, so the short-deadline app knows it.
    const { app: shared } = await testContext();
    const loginPage = await request(shared).get('/login');
    const cookie = String(loginPage.headers['set-cookie']?.[0] ?? '').split(';')[0];
    const signedIn = await request(shared).post('/login').set('Cookie', cookie).type('form').send({ _csrf: csrfFrom(loginPage.text), email: 'staff@cithub.example', password: DEMO_PASSWORD });
    expect(signedIn.status).to.equal(302);
    const session = String(signedIn.headers['set-cookie']?.[0] ?? cookie).split(';')[0];
    const token = csrfFrom((await request(shared).get('/gare/nuova').set('Cookie', session)).text);
    const fields: Record<string, string> = { ...dossierFields(), rupUserId: String((await staffActor()).userId), _idem: randomUUID() };
    const blocker = await platform.sequelize.transaction();
    try {
      await platform.sequelize.query('LOCK TABLE idempotency_keys IN ACCESS EXCLUSIVE MODE', { transaction: blocker });
      const started = Date.now();
      const res = await request(app).post('/gare').set('Cookie', session).type('form').send({ _csrf: token, ...fields });
      console.log(`      deadline: answered ${res.status} after ${Date.now() - started} ms`);
      expect(res.status).to.equal(503);
      expect(res.headers['retry-after']).to.match(/^\d+$/);
      expect(res.text).to.contain('Il servizio è sovraccarico');
    } finally {
      await blocker.rollback();
    }
    // The statement waiting on the lock was cancelled at the deadline: nothing was committed after.
    for (let i = 0; i < 50 && (await count(`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'INSERT INTO idempotency_keys%'`, [])) > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await Dossier.count({ where: { title: fields.title } })).to.equal(0);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [fields._idem])).to.equal(0);
    await close();
  });
});
