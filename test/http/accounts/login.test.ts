import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs } from '../../helpers/http.js';

async function tryLogin(email: string, password: string) {
  const agent = await anonymousAgent();
  const token = await agent.csrf('/login');
  const started = process.hrtime.bigint();
  const res = await agent.post('/login').type('form').send({ _csrf: token, email, password });
  return { res, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

describe('login and logout', () => {
  it('logs in a demo account with its role', async () => {
    const agent = await loginAs('rtd@russi.cithub.example');
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain('Giulia Bertoni');
    expect(home.text).to.contain('Responsabile per la transizione al digitale');
    expect(home.text).to.contain('Comune di Russi');
  });

  it('answers an unknown email and a wrong password in the same way', async () => {
    const user = await createUser('member', null, {}).catch(() => null);
    expect(user).to.equal(null); // a body role without a body is refused by the database
    const unknown = await tryLogin('nessuno@cithub.example', 'una-password-qualsiasi');
    const wrong = await tryLogin('utente@russi.cithub.example', 'password-sbagliata');
    expect(unknown.res.status).to.equal(401);
    expect(wrong.res.status).to.equal(401);
    expect(unknown.res.text).to.contain('Email o password non corretti.');
    expect(wrong.res.text).to.contain('Email o password non corretti.');
    // The typed email is kept, the password is not.
    expect(wrong.res.text).to.contain('value="utente@russi.cithub.example"');
    expect(wrong.res.text).to.not.contain('password-sbagliata');
    // Both verify a hash, so neither answers much faster than the other.
    expect(Math.abs(unknown.ms - wrong.ms)).to.be.below(Math.max(unknown.ms, wrong.ms) * 0.8 + 50);
  });

  it('locks an account after five failures, with the same message for unknown emails', async () => {
    const { platform } = await testContext();
    const body = (await platform.sequelize.query<{ id: number }>(`SELECT id FROM entities WHERE ipa_code = 'c_h642'`, { type: QueryTypes.SELECT }))[0];
    const user = await createUser('member', body.id);
    for (let i = 0; i < 5; i++) expect((await tryLogin(user.email, 'sbagliata-0000')).res.status).to.equal(401);
    const locked = await tryLogin(user.email, 'cithub-demo');
    expect(locked.res.status).to.equal(401);
    expect(locked.res.text).to.contain('Troppi tentativi');
    const ghost = 'fantasma@cithub.example';
    for (let i = 0; i < 5; i++) await tryLogin(ghost, 'sbagliata-0000');
    expect((await tryLogin(ghost, 'x')).res.text).to.contain('Troppi tentativi');
    const [audit] = await platform.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'login.locked' AND actor_email = :email`, {
      replacements: { email: user.email },
      type: QueryTypes.SELECT,
    });
    expect(Number(audit.n)).to.equal(1);
  });

  it('gives a new session id at login and ends the session at logout', async () => {
    const agent = await anonymousAgent();
    const page = await agent.get('/login');
    const before = page.headers['set-cookie']?.[0]?.split(';')[0];
    expect(before).to.match(/^cithub\.sid=/);
    const token = (page.text.match(/name="_csrf" value="([^"]+)"/) ?? [])[1];
    const res = await agent.post('/login').type('form').send({ _csrf: token, email: 'staff@cithub.example', password: 'cithub-demo' });
    expect(res.status).to.equal(302);
    const after = res.headers['set-cookie']?.[0]?.split(';')[0];
    expect(after).to.match(/^cithub\.sid=/);
    expect(after).to.not.equal(before);
    expect(res.headers['set-cookie']![0]).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
    const logoutToken = (await agent.get('/')).text.match(/name="_csrf" value="([^"]+)"/)![1];
    expect((await agent.post('/logout').type('form').send({ _csrf: logoutToken })).status).to.equal(302);
    expect((await agent.get('/profilo')).headers.location).to.equal('/login');
  });

  it('refuses a disabled account', async () => {
    const { platform } = await testContext();
    const [body] = await platform.sequelize.query<{ id: number }>(`SELECT id FROM entities WHERE ipa_code = 'c_g942'`, { type: QueryTypes.SELECT });
    const user = await createUser('member', body.id);
    await user.update({ status: 'disabled' });
    expect((await tryLogin(user.email, 'cithub-demo')).res.status).to.equal(401);
  });

  it('records logins and failed logins in the audit log', async () => {
    const { platform } = await testContext();
    await loginAs('staff@cithub.example');
    await tryLogin('staff@cithub.example', 'sbagliata-1234');
    const rows = await platform.sequelize.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE actor_email = 'staff@cithub.example' ORDER BY id DESC LIMIT 2`,
      { type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => r.action)).to.deep.equal(['login.failed', 'login.success']);
  });

  it('an empty form is told next to each field in Italian, never passport\'s "Missing credentials"', async () => {
    const { res } = await tryLogin('', '');
    expect(res.status).to.equal(422);
    expect(res.text).not.to.contain('Missing credentials');
    expect(res.text).to.match(/id="f-email-error"[^>]*>Compila il campo «Email»/);
    expect(res.text).to.match(/id="f-password-error"[^>]*>Compila il campo «Password»/);
    const { res: onlyEmail } = await tryLogin('utente@russi.cithub.example', '');
    expect(onlyEmail.status).to.equal(422);
    expect(onlyEmail.text).to.contain('value="utente@russi.cithub.example"');
    expect(onlyEmail.text).to.match(/id="f-password-error"/);
    expect(onlyEmail.text).not.to.match(/id="f-email-error"/);
  });

  it('an email of 5,000 characters keeps the form, with the limit next to the field', async () => {
    const long = `${'a'.repeat(4990)}@comune.it`;
    const { res } = await tryLogin(long, 'qualcosa');
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/id="f-email-error"[^>]*>Il campo «Email» può avere al massimo 254 caratteri/);
    expect(res.text).to.contain(`value="${long}"`);
  });
});
