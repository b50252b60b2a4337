import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../../helpers/http.js';

const linkIn = (text: string, path: string) => {
  const m = text.match(new RegExp(`https?://[^\\s]+${path}/[A-Za-z0-9_-]+`));
  if (!m) throw new Error(`no ${path} link in mail`);
  return new URL(m[0]).pathname;
};

describe('invitations', () => {
  it('admin invites a user, who gets the email, sets a password and is signed in', async () => {
    const { inbox } = await testContext();
    const body = await createBody();
    const admin = await loginAs('admin@cithub.example');
    const email = `nuovo.${Date.now()}@comune.example.it`;
    const res = await postForm(admin, '/utenti/invita', '/utenti/invita', { email, role: 'rtd', entityId: String(body.id) });
    expect(res.status).to.equal(302);
    const mail = await inbox.waitFor(email, /Invito a CIT Hub/);
    expect(mail.subject).to.contain(body.name);
    expect(mail.html).to.contain('Attiva il tuo account');
    const path = linkIn(mail.text, '/invito');

    const invitee = await anonymousAgent();
    const form = await invitee.get(path);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(email);
    const bad = await postForm(invitee, path, path, { name: 'Lucia Rizzo', password: 'corta', confirmPassword: 'corta' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('La password deve avere almeno 10 caratteri.');
    expect(bad.text).to.contain('value="Lucia Rizzo"');
    const ok = await postForm(invitee, path, path, { name: 'Lucia Rizzo', password: 'una-password-lunga', confirmPassword: 'una-password-lunga' });
    expect(ok.status).to.equal(302);
    expect((await invitee.get('/')).text).to.contain('Lucia Rizzo');

    // The link works once.
    const again = await (await anonymousAgent()).get(path);
    expect(again.status).to.equal(410);
    expect(again.text).to.contain('Il link è già stato usato: si può usare una sola volta.');
  });

  it('refuses forged and expired invitation links', async () => {
    const { platform, inbox } = await testContext();
    const visitor = await anonymousAgent();
    const forged = await visitor.get('/invito/questo-token-non-esiste-affatto-1234567890');
    expect(forged.status).to.equal(404);
    expect(forged.text).to.contain('Il link non è valido');
    expect((await visitor.get('/invito/x')).status).to.equal(404);

    const body = await createBody();
    const admin = await loginAs('admin@cithub.example');
    const email = `scaduto.${Date.now()}@comune.example.it`;
    await postForm(admin, '/utenti/invita', '/utenti/invita', { email, role: 'member', entityId: String(body.id) });
    const path = linkIn((await inbox.waitFor(email, /Invito/)).text, '/invito');
    await platform.sequelize.query(
      `UPDATE single_use_tokens SET expires_at = now() - interval '1 minute' WHERE purpose = 'invitation' AND subject_id = (SELECT id FROM users WHERE email = :email)`,
      { replacements: { email } },
    );
    const expired = await visitor.get(path);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.contain('Il link è scaduto.');
    const token = await visitor.csrf('/login');
    const post = await visitor.post(path).type('form').send({ _csrf: token, name: 'X', password: 'una-password-lunga', confirmPassword: 'una-password-lunga' });
    expect(post.status).to.equal(410);
    const [user] = await platform.sequelize.query<{ status: string; password_hash: string | null }>(`SELECT status, password_hash FROM users WHERE email = :email`, {
      replacements: { email },
      type: QueryTypes.SELECT,
    });
    expect(user).to.deep.equal({ status: 'invited', password_hash: null });
  });

  it('lets a referent invite only into their own body', async () => {
    const { platform, inbox } = await testContext();
    const own = await createBody();
    const other = await createBody();
    const referent = await createUser('referent', own.id);
    const agent = await loginAs(referent.email);
    const email = `collega.${Date.now()}@comune.example.it`;
    // The body in the form is ignored: a referent always invites into their own body.
    const res = await postForm(agent, '/utenti/invita', '/utenti/invita', { email, role: 'member', entityId: String(other.id) });
    expect(res.status).to.equal(302);
    await inbox.waitFor(email, /Invito/);
    const [row] = await platform.sequelize.query<{ entity_id: number }>(`SELECT entity_id FROM users WHERE email = :email`, { replacements: { email }, type: QueryTypes.SELECT });
    expect(row.entity_id).to.equal(own.id);
    const staffRole = await postForm(agent, '/utenti/invita', '/utenti/invita', { email: `x${email}`, role: 'staff' });
    expect(staffRole.status).to.equal(403);
  });

  it('refuses members who try to invite, with an audit record', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const member = await createUser('member', body.id);
    const agent = await loginAs(member.email);
    expect((await agent.get('/utenti/invita')).status).to.equal(403);
    const token = await agent.csrf('/profilo');
    const res = await agent.post('/utenti/invita').type('form').send({ _csrf: token, email: 'a@b.it', role: 'member' });
    expect(res.status).to.equal(403);
    const [row] = await platform.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'permission.denied' AND actor_user_id = :id`, {
      replacements: { id: member.id },
      type: QueryTypes.SELECT,
    });
    expect(Number(row.n)).to.equal(2);
  });

  it('keeps the input and explains a duplicate email', async () => {
    const admin = await loginAs('admin@cithub.example');
    const res = await postForm(admin, '/utenti/invita', '/utenti/invita', { email: 'utente@russi.cithub.example', role: 'member', entityId: '' });
    expect(res.status).to.equal(422);
    const dup = await postForm(admin, '/utenti/invita', '/utenti/invita', { email: 'UTENTE@russi.cithub.example', role: 'staff' });
    expect(dup.status).to.equal(422);
    expect(dup.text).to.contain('Esiste già un utente con questa email.');
    expect(dup.text).to.contain('value="UTENTE@russi.cithub.example"');
  });
});
