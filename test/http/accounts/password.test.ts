import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';

/** The ids of the stored sessions signed in as a user. */
async function sessionIdsOf(userId: number): Promise<string[]> {
  const { platform } = await testContext();
  const rows = await platform.sequelize.query<{ sid: string }>(`SELECT sid FROM session WHERE (sess->'passport'->>'user')::text = :id ORDER BY sid`, {
    replacements: { id: String(userId) },
    type: QueryTypes.SELECT,
  });
  return rows.map((r) => r.sid);
}

describe('password reset and profile', () => {
  it('a password reset ends every session the user had open', async () => {
    const { inbox } = await testContext();
    const body = await createBody();
    const user = await createUser('member', body.id);
    const elsewhere = await loginAs(user.email);
    expect((await elsewhere.get('/profilo')).status).to.equal(200);
    const visitor = await anonymousAgent();
    await postForm(visitor, '/password/dimenticata', '/password/dimenticata', { email: user.email });
    const mail = await inbox.waitFor(user.email, /Reimposta la password/);
    const path = new URL(mail.text.match(/https?:\/\/\S+\/password\/reimposta\/[A-Za-z0-9_-]+/)![0]).pathname;
    const ok = await postForm(visitor, path, path, { password: 'nuova-password-9', confirmPassword: 'nuova-password-9' });
    expect(ok.status).to.equal(302);
    const refused = await elsewhere.get('/profilo');
    expect(refused.status).to.equal(302);
    expect(refused.headers.location).to.match(/^\/login/);
  });

  it('a password change ends the other sessions and keeps this one under a new id', async () => {
    const body = await createBody();
    const user = await createUser('member', body.id);
    const elsewhere = await loginAs(user.email);
    const here = await loginAs(user.email);
    const before = await sessionIdsOf(user.id);
    expect(before).to.have.length(2);
    const res = await postForm(here, '/profilo', '/profilo/password', { currentPassword: 'cithub-demo', newPassword: 'nuova-password-8', confirmPassword: 'nuova-password-8' });
    expect(res.status).to.equal(302);
    const after = await sessionIdsOf(user.id);
    expect(after).to.have.length(1);
    expect(before).not.to.include(after[0]);
    const page = await here.get('/profilo');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Password cambiata.');
    const refused = await elsewhere.get('/profilo');
    expect(refused.status).to.equal(302);
    expect(refused.headers.location).to.match(/^\/login/);
  });

  it('resets a password through the emailed single-use link', async () => {
    const { inbox } = await testContext();
    const body = await createBody();
    const user = await createUser('member', body.id);
    const visitor = await anonymousAgent();
    const sent = await postForm(visitor, '/password/dimenticata', '/password/dimenticata', { email: user.email });
    expect(sent.status).to.equal(200);
    expect(sent.text).to.contain('Controlla la tua posta');
    const mail = await inbox.waitFor(user.email, /Reimposta la password/);
    const path = new URL(mail.text.match(/https?:\/\/\S+\/password\/reimposta\/[A-Za-z0-9_-]+/)![0]).pathname;
    const mismatch = await postForm(visitor, path, path, { password: 'nuova-password-1', confirmPassword: 'nuova-password-2' });
    expect(mismatch.status).to.equal(422);
    expect(mismatch.text).to.contain('Le due password non coincidono.');
    const ok = await postForm(visitor, path, path, { password: 'nuova-password-1', confirmPassword: 'nuova-password-1' });
    expect(ok.status).to.equal(302);
    await loginAs(user.email, 'nuova-password-1');
    const reused = await (await anonymousAgent()).get(path);
    expect(reused.status).to.equal(410);
    expect(reused.text).to.contain('Link non più valido');
  });

  it('answers the same for an unknown email and sends nothing', async () => {
    const { inbox } = await testContext();
    const visitor = await anonymousAgent();
    const email = `sconosciuto.${Date.now()}@cithub.example`;
    const res = await postForm(visitor, '/password/dimenticata', '/password/dimenticata', { email });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Controlla la tua posta');
    // The request is handled after the answer (so both answer alike); once it has been, no mail was queued.
    const { platform } = await testContext();
    for (;;) {
      const [handled] = await platform.sequelize.query<{ sent: string }>(`SELECT details->>'sent' AS sent FROM audit_log WHERE action = 'password.reset-requested' AND actor_email = :email`, {
        replacements: { email },
        type: QueryTypes.SELECT,
      });
      if (handled) {
        expect(handled.sent).to.equal('false');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await mailJobsTo(email)).to.deep.equal([]);
    expect(inbox.all(email)).to.have.length(0);
    const invalid = await postForm(visitor, '/password/dimenticata', '/password/dimenticata', { email: 'non-una-email' });
    expect(invalid.status).to.equal(422);
    expect(invalid.text).to.contain('Il campo «Email» non è un indirizzo email valido.');
  });

  it('refuses an expired reset link', async () => {
    const { inbox, platform } = await testContext();
    const body = await createBody();
    const user = await createUser('member', body.id);
    const visitor = await anonymousAgent();
    await postForm(visitor, '/password/dimenticata', '/password/dimenticata', { email: user.email });
    const mail = await inbox.waitFor(user.email, /Reimposta/);
    const path = new URL(mail.text.match(/https?:\/\/\S+\/password\/reimposta\/[A-Za-z0-9_-]+/)![0]).pathname;
    await platform.sequelize.query(`UPDATE single_use_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'password_reset' AND subject_id = :id`, { replacements: { id: user.id } });
    expect((await visitor.get(path)).status).to.equal(410);
    const token = await visitor.csrf('/login');
    expect((await visitor.post(path).type('form').send({ _csrf: token, password: 'nuova-password-1', confirmPassword: 'nuova-password-1' })).status).to.equal(410);
    await loginAs(user.email); // the old password still works
  });

  it('updates the name and refuses a wrong current password', async () => {
    const body = await createBody();
    const user = await createUser('rtd', body.id);
    const agent = await loginAs(user.email);
    const long = await postForm(agent, '/profilo', '/profilo', { name: 'x'.repeat(121) });
    expect(long.status).to.equal(422);
    expect(long.text).to.contain('Il campo «Nome e cognome» può avere al massimo 120 caratteri.');
    expect((await postForm(agent, '/profilo', '/profilo', { name: 'Anna Greco', notifyOptional: 'on' })).status).to.equal(302);
    expect((await agent.get('/profilo')).text).to.contain('value="Anna Greco"');
    const wrong = await postForm(agent, '/profilo', '/profilo/password', { currentPassword: 'sbagliata', newPassword: 'nuova-password-9', confirmPassword: 'nuova-password-9' });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('La password attuale non è corretta.');
    const ok = await postForm(agent, '/profilo', '/profilo/password', { currentPassword: 'cithub-demo', newPassword: 'nuova-password-9', confirmPassword: 'nuova-password-9' });
    expect(ok.status).to.equal(302);
    await loginAs(user.email, 'nuova-password-9');
  });
});
