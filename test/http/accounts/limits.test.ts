// The login and password-reset limits, counted in PostgreSQL (src/platform/limits.ts) so that every
// web process sees the same counts. Each test comes from addresses of its own (X-Forwarded-For: the
// test app trusts one proxy), so the counts of the rest of the suite, all from 127.0.0.1, never mix in.
import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { LOGIN_LIMITS, loginKeys, RESET_LIMITS, resetKeys } from '../../../src/modules/accounts/service.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom, DEMO_PASSWORD } from '../../helpers/http.js';
import { startSecondInstance, type SecondInstance } from '../../helpers/instance.js';
import { mailJobsTo } from '../../helpers/mail.js';

/** An address of the documentation ranges no other test uses. */
const newAddress = () => `198.51.${randomInt(0, 255)}.${randomInt(1, 254)}`;

type Target = Parameters<typeof request.agent>[0];

/** Visitors from `address` on `target` (the shared app, or a second process's URL): each form sent by a new browser. */
function visitorFrom(target: Target, address: string) {
  const post = async (pagePath: string, action: string, fields: Record<string, string>) => {
    const agent = request.agent(target);
    const page = await agent.get(pagePath).set('X-Forwarded-For', address);
    return agent.post(action).set('X-Forwarded-For', address).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
  };
  return {
    login: (email: string, password: string) => post('/login', '/login', { email, password }),
    forgot: (email: string) => post('/password/dimenticata', '/password/dimenticata', { email }),
  };
}

async function app() {
  return (await testContext()).app;
}

async function member() {
  return createUser('member', (await createBody()).id);
}

/** Sets a counter as a stretch of earlier requests would have left it. */
async function setHits(key: string, hits: number) {
  const { platform } = await testContext();
  await platform.sequelize.query(`INSERT INTO rate_limits (key, hits, window_start) VALUES (:key, :hits, now()) ON CONFLICT (key) DO UPDATE SET hits = :hits, window_start = now(), blocked_until = NULL`, {
    replacements: { key, hits },
  });
}

/** Waits until the reset request for `email` has been handled after its answer (its audit entry is written last). */
async function resetHandled(email: string, count = 1) {
  const { platform } = await testContext();
  for (;;) {
    const [row] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'password.reset-requested' AND actor_email = :email`, {
      replacements: { email },
      type: QueryTypes.SELECT,
    });
    if (row.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
};

describe('login and password-reset limits, shared by every process', () => {
  it('locks an account only for the address its failures came from: the owner elsewhere still logs in', async () => {
    const user = await member();
    const attacker = visitorFrom(await app(), newAddress());
    for (let i = 0; i < LOGIN_LIMITS.accountAddress.limit; i++) expect((await attacker.login(user.email, 'sbagliata-0000')).status).to.equal(401);
    const refused = await attacker.login(user.email, DEMO_PASSWORD);
    expect(refused.status).to.equal(401);
    expect(refused.text).to.contain('Troppi tentativi non riusciti');
    expect((await visitorFrom(await app(), newAddress()).login(user.email, DEMO_PASSWORD)).status).to.equal(302);
  });

  it('never refuses a right password for the address limit alone; past it, a wrong one answers 429', async () => {
    const [colleague, typo] = [await member(), await member()];
    const townHall = newAddress();
    // The shared address of a town hall has had as many failures as its limit allows.
    await setHits(loginKeys('', townHall).address, LOGIN_LIMITS.address.limit);
    const office = visitorFrom(await app(), townHall);
    expect((await office.login(colleague.email, DEMO_PASSWORD)).status).to.equal(302);
    const wrong = await office.login(typo.email, 'sbagliata-0000');
    expect(wrong.status).to.equal(429);
    expect(wrong.text).to.contain('Troppi tentativi da questo indirizzo');
    // That account, from that address, now waits; the same person from elsewhere does not.
    expect((await office.login(typo.email, DEMO_PASSWORD)).status).to.equal(401);
    expect((await visitorFrom(await app(), newAddress()).login(typo.email, DEMO_PASSWORD)).status).to.equal(302);
    expect((await office.login(colleague.email, DEMO_PASSWORD)).status).to.equal(302);
  });

  it('locks an account everywhere once failures from many addresses reach the account limit', async () => {
    const user = await member();
    await setHits(loginKeys(user.email.toLowerCase(), null).account, LOGIN_LIMITS.account.limit - 1);
    expect((await visitorFrom(await app(), newAddress()).login(user.email, 'sbagliata-0000')).status).to.equal(401);
    const elsewhere = await visitorFrom(await app(), newAddress()).login(user.email, DEMO_PASSWORD);
    expect(elsewhere.status).to.equal(401);
    expect(elsewhere.text).to.contain('Troppi tentativi non riusciti');
  });

  it('lets failures decay: four old failures and a new one do not lock the account', async () => {
    const { platform } = await testContext();
    const user = await member();
    const address = newAddress();
    const visitor = visitorFrom(await app(), address);
    for (let i = 0; i < 4; i++) expect((await visitor.login(user.email, 'sbagliata-0000')).status).to.equal(401);
    // The window of those failures began longer ago than it lasts.
    await platform.sequelize.query(`UPDATE rate_limits SET window_start = now() - make_interval(secs => :secs) WHERE key = :key`, {
      replacements: { key: loginKeys(user.email.toLowerCase(), address).accountAddress, secs: LOGIN_LIMITS.accountAddress.windowSeconds + 60 },
    });
    expect((await visitor.login(user.email, 'sbagliata-0000')).status).to.equal(401);
    expect((await visitor.login(user.email, DEMO_PASSWORD)).status).to.equal(302);
  });

  it('a password reset lifts the locks of the account', async () => {
    const { platform } = await testContext();
    const user = await member();
    const address = newAddress();
    const visitor = visitorFrom(await app(), address);
    for (let i = 0; i < LOGIN_LIMITS.accountAddress.limit; i++) await visitor.login(user.email, 'sbagliata-0000');
    expect((await visitor.login(user.email, DEMO_PASSWORD)).status).to.equal(401);
    const { token } = await platform.sequelize.transaction((transaction) => platform.tokens.issue({ purpose: 'password_reset', subjectId: user.id, ttlMs: 60_000 }, transaction));
    const agent = request.agent(await app());
    const form = await agent.get(`/password/reimposta/${token}`).set('X-Forwarded-For', address);
    const reset = await agent.post(`/password/reimposta/${token}`).set('X-Forwarded-For', address).type('form')
      .send({ _csrf: csrfFrom(form.text), password: 'nuova-password-lunga-1', confirmPassword: 'nuova-password-lunga-1' });
    expect(reset.status).to.equal(302);
    expect((await visitor.login(user.email, 'nuova-password-lunga-1')).status).to.equal(302);
  });

  it('limits the reset form per address, the same for registered and unknown emails', async () => {
    const address = newAddress();
    const visitor = visitorFrom(await app(), address);
    const known = await member();
    for (let i = 0; i < RESET_LIMITS.address.limit - 1; i++) expect((await visitor.forgot(`sconosciuto.${i}.${randomInt(1e9)}@cithub.example`)).status).to.equal(200);
    expect((await visitor.forgot(known.email)).status).to.equal(200);
    for (const email of [known.email, `sconosciuto.${randomInt(1e9)}@cithub.example`]) {
      const refused = await visitor.forgot(email);
      expect(refused.status, email).to.equal(429);
      expect(refused.text).to.contain('Troppe richieste di reimpostazione');
      expect(Number(refused.headers['retry-after'])).to.be.within(1, RESET_LIMITS.address.windowSeconds);
    }
    await resetHandled(known.email.toLowerCase());
    expect(await mailJobsTo(known.email)).to.have.length(1);
  });

  it('limits the reset form per email, whatever the addresses: the owner gets a bounded number of mails', async () => {
    const known = await member();
    for (let i = 0; i < RESET_LIMITS.email.limit; i++) expect((await visitorFrom(await app(), newAddress()).forgot(known.email)).status).to.equal(200);
    const refused = await visitorFrom(await app(), newAddress()).forgot(known.email);
    expect(refused.status).to.equal(429);
    await resetHandled(known.email.toLowerCase(), RESET_LIMITS.email.limit);
    expect(await mailJobsTo(known.email)).to.have.length(RESET_LIMITS.email.limit);
  });

  it('answers a registered and an unknown email in the same time: the link is made after the answer', async function () {
    this.timeout(120_000);
    const body = await createBody();
    const known: string[] = [];
    for (let i = 0; i < 20; i++) known.push((await createUser('member', body.id)).email.toLowerCase());
    const unknown = known.map((email) => email.replace('@', '.sconosciuto@'));
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const timed = async (kind: 'known' | 'unknown', email: string) => {
      const agent = request.agent(await app());
      const address = newAddress();
      const page = await agent.get('/password/dimenticata').set('X-Forwarded-For', address);
      const started = process.hrtime.bigint();
      const res = await agent.post('/password/dimenticata').set('X-Forwarded-For', address).type('form').send({ _csrf: csrfFrom(page.text), email });
      times[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('Controlla la tua posta');
      // The work after the answer ends before the next request, so it never weighs on another's time.
      await resetHandled(email);
    };
    for (let i = 0; i < 20; i++) {
      // Alternating, so a slower stretch of the machine falls on both kinds alike.
      if (i % 2) {
        await timed('known', known[i]);
        await timed('unknown', unknown[i]);
      } else {
        await timed('unknown', unknown[i]);
        await timed('known', known[i]);
      }
    }
    const [k, u] = [median(times.known), median(times.unknown)];
    // Before the fix the known emails took about twice as long (40.7 ms against 20.2 ms).
    expect(k / u, `medians: known ${k.toFixed(1)} ms, unknown ${u.toFixed(1)} ms`).to.be.within(1 / 1.5, 1.5);
    for (const email of known) expect(await mailJobsTo(email)).to.have.length(1);
    for (const email of unknown) expect(await mailJobsTo(email)).to.have.length(0);
  });

  it('answers a registered email before its link is made: the answer waits for none of that work', async function () {
    this.timeout(120_000);
    const { platform } = await testContext();
    const known = await member();
    const email = known.email.toLowerCase();
    const agent = request.agent(await app());
    const address = newAddress();
    const page = await agent.get('/password/dimenticata').set('X-Forwarded-For', address);
    // The links' table stays locked against writes until the answer has come: were the link made
    // before the answer, the request would wait on this lock and the test would end at its timeout.
    await platform.sequelize.transaction(async (transaction) => {
      await platform.sequelize.query('LOCK TABLE single_use_tokens IN EXCLUSIVE MODE', { transaction });
      const res = await agent.post('/password/dimenticata').set('X-Forwarded-For', address).type('form').send({ _csrf: csrfFrom(page.text), email });
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('Controlla la tua posta');
      expect(await mailJobsTo(email)).to.have.length(0);
    });
    await resetHandled(email);
    expect(await mailJobsTo(email)).to.deep.equal(['Reimposta la password di CIT Hub']);
  });

  describe('with a second web process on the same database', () => {
    let second: SecondInstance;
    before(async function () {
      this.timeout(120_000);
      second = await startSecondInstance({ TRUST_PROXY: 'true' });
    });
    after(async () => {
      await second?.stop();
    });

    it('counts login failures made on the other process', async () => {
      const user = await member();
      const address = newAddress();
      const there = visitorFrom(second.baseUrl, address);
      for (let i = 0; i < LOGIN_LIMITS.accountAddress.limit; i++) expect((await there.login(user.email, 'sbagliata-0000')).status).to.equal(401);
      const here = await visitorFrom(await app(), address).login(user.email, DEMO_PASSWORD);
      expect(here.status).to.equal(401);
      expect(here.text).to.contain('Troppi tentativi non riusciti');
    });

    it('counts reset requests made on the other process', async () => {
      const address = newAddress();
      const there = visitorFrom(second.baseUrl, address);
      for (let i = 0; i < RESET_LIMITS.address.limit; i++) expect((await there.forgot(`altro.${i}.${randomInt(1e9)}@cithub.example`)).status).to.equal(200);
      expect((await visitorFrom(await app(), address).forgot(`altro.${randomInt(1e9)}@cithub.example`)).status).to.equal(429);
      const { platform } = await testContext();
      expect((await platform.limits.peek(resetKeys('x', address).address, RESET_LIMITS.address)).hits).to.equal(RESET_LIMITS.address.limit + 1);
    });
  });
});
