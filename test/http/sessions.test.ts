// Sessions cost the database nothing they do not need: a visitor without a cookie gets no session
// row, and a signed-in person's row is written when the expiry moves (at most once a minute), not
// on every page view.
import { expect } from 'chai';
import request from 'supertest';
import { encodeFlashes, FLASH_TTL_SECONDS } from '../../src/web/flash.js';
import { testContext } from '../helpers/app.js';
import { createBody, createUser } from '../helpers/factories.js';
import { anonymousAgent, csrfFrom, DEMO_PASSWORD } from '../helpers/http.js';
import { countingAgent } from '../helpers/sql.js';

type Row = { sid: string; expire: Date; sess: { renewedAt?: number } };

describe('sessions', () => {
  const rowOf = async (sid: string): Promise<Row | undefined> => {
    const { platform } = await testContext();
    const [rows] = await platform.sequelize.query('SELECT sid, expire, sess FROM session WHERE sid = $1', { bind: [sid] });
    return (rows as Row[])[0];
  };
  const sidOf = (cookie: string) => /cithub\.sid=s:([^.;]+)/.exec(decodeURIComponent(cookie))![1];

  it('gives an anonymous visitor of public pages no cookie and stores no session', async () => {
    const { app, platform } = await testContext();
    const [[before]] = await platform.sequelize.query('SELECT count(*)::int AS n FROM session');
    for (const page of ['/', '/catalogo', '/enti']) {
      const res = await request(app).get(page);
      expect(res.status, page).to.equal(200);
      expect(res.headers['set-cookie'], page).to.equal(undefined);
    }
    const [[after]] = await platform.sequelize.query('SELECT count(*)::int AS n FROM session');
    expect((after as { n: number }).n).to.equal((before as { n: number }).n);
  });

  it('writes a signed-in session when its expiry moves, at most once a minute, and keeps it alive', async () => {
    const agent = await anonymousAgent();
    const token = await agent.csrf('/login');
    const login = await agent.post('/login').type('form').send({ _csrf: token, email: 'utente@russi.cithub.example', password: DEMO_PASSWORD });
    expect(login.status).to.equal(302);
    const sid = sidOf(String(login.headers['set-cookie']));
    const first = await agent.get('/profilo');
    expect(first.status).to.equal(200);
    const start = await rowOf(sid);
    expect(start, 'the session row').to.not.equal(undefined);

    // Page views within the minute: no new cookie, the row as it was.
    const again = await agent.get('/richieste');
    expect(again.status).to.equal(200);
    expect(again.headers['set-cookie']).to.equal(undefined);
    expect((await rowOf(sid))!.expire.getTime()).to.equal(start!.expire.getTime());

    // As if the last renewal were two minutes old: the next view moves the expiry and renews the cookie.
    const { platform } = await testContext();
    const older = Date.now() - 120_000;
    await platform.sequelize.query(`UPDATE session SET sess = jsonb_set(sess::jsonb, '{renewedAt}', to_jsonb($2::bigint))::json, expire = expire - interval '2 minutes' WHERE sid = $1`, { bind: [sid, older] });
    const aged = (await rowOf(sid))!;
    const renewed = await agent.get('/profilo');
    expect(renewed.status).to.equal(200);
    expect(String(renewed.headers['set-cookie'])).to.contain('cithub.sid=');
    const row = (await rowOf(sid))!;
    expect(row.expire.getTime()).to.be.above(aged.expire.getTime());
    expect(row.sess.renewedAt).to.be.above(older);
  });

  it('loads the session and its signed-in user in one statement: no query of the users table of its own', async () => {
    const agent = await countingAgent('rtd@russi.cithub.example');
    const { status, statements, text } = await agent.count('/catalogo');
    expect(status).to.equal(200);
    expect(text, 'the page is the signed-in user’s').to.contain('Giulia Bertoni');
    expect(statements.filter((sql) => /FROM "users"/i.test(sql)), statements.join('\n')).to.deep.equal([]);
  });

  it("carries a change's word for the next page in a signed cookie: shown once, the session row left unwritten", async () => {
    const user = await createUser('member', (await createBody()).id);
    const agent = await anonymousAgent();
    const token = await agent.csrf('/login');
    const login = await agent.post('/login').type('form').send({ _csrf: token, email: user.email, password: DEMO_PASSWORD });
    expect(login.status).to.equal(302);
    const sid = sidOf(String(login.headers['set-cookie']));
    const page = await agent.get('/profilo');
    expect(page.status).to.equal(200);
    const before = (await rowOf(sid))!;

    const saved = await agent.post('/profilo').type('form').send({ _csrf: csrfFrom(page.text), name: 'Nome Aggiornato', notifyOptional: 'on', locale: 'it' });
    expect(saved.status).to.equal(302);
    const cookies = ([] as string[]).concat(saved.headers['set-cookie'] ?? []);
    expect(cookies.filter((c) => c.startsWith('cithub.flash='))).to.have.length(1);
    expect(cookies.find((c) => c.startsWith('cithub.flash='))).to.contain('HttpOnly').and.contain('SameSite=Lax').and.contain('Path=/').and.contain('Max-Age=600');
    expect(cookies.some((c) => c.startsWith('cithub.sid='))).to.equal(false);

    const shown = await agent.get('/profilo');
    expect(shown.text).to.contain('Profilo aggiornato.').and.contain('Nome Aggiornato');
    expect(String(shown.headers['set-cookie'])).to.match(/cithub\.flash=;.*Max-Age=0/);
    expect((await agent.get('/profilo')).text).to.not.contain('Profilo aggiornato.');
    // Neither the change nor the page that showed its word wrote the session.
    const after = (await rowOf(sid))!;
    expect(after.sess).to.deep.equal(before.sess);
    expect(after.expire.getTime()).to.equal(before.expire.getTime());

    // Two changes before the next page: both words are shown there.
    const form = csrfFrom((await agent.get('/profilo')).text);
    expect((await agent.post('/profilo').type('form').send({ _csrf: form, name: 'Nome Di Nuovo', notifyOptional: 'on', locale: 'it' })).status).to.equal(302);
    const changed = await agent.post('/profilo/password').type('form').send({ _csrf: form, currentPassword: DEMO_PASSWORD, newPassword: 'una-password-nuova-42', confirmPassword: 'una-password-nuova-42' });
    expect(changed.status).to.equal(302);
    const both = await agent.get('/profilo');
    expect(both.text).to.contain('Profilo aggiornato.').and.contain('Password cambiata.');
  });

  it('shows only words signed with the secret and queued minutes ago, never altered ones', async () => {
    const { app, platform } = await testContext();
    const secret = platform.config.sessionSecret;
    const words = (text: string) => [{ type: 'danger' as const, text }];
    const page = (value: string) => request(app).get('/enti').set('Cookie', `cithub.flash=${value}`);

    const genuine = await page(encodeFlashes(secret, words('Parola autentica')));
    expect(genuine.status).to.equal(200);
    expect(genuine.text).to.contain('Parola autentica');

    const [payload, sig] = encodeFlashes(secret, words('Parola originale')).split('.');
    const altered = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('originale', 'cambiata!')).toString('base64url');
    expect((await page(`${altered}.${sig}`)).text).to.not.contain('Parola cambiata!');
    expect((await page(encodeFlashes('not-the-secret', words('Parola di un altro')))).text).to.not.contain('Parola di un altro');
    expect((await page(encodeFlashes(secret, words('Parola vecchia'), Date.now() - (FLASH_TTL_SECONDS + 60) * 1000))).text).to.not.contain('Parola vecchia');
  });
});
