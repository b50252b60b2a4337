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

  it('answers an existing email like a new one, without telling or changing anything', async () => {
    const { platform } = await testContext();
    const admin = await loginAs('admin@cithub.example');
    const bad = await postForm(admin, '/utenti/invita', '/utenti/invita', { email: 'utente@russi.cithub.example', role: 'member', entityId: '' });
    expect(bad.status).to.equal(422);
    const [before] = await platform.sequelize.query<{ role: string; entity_id: number | null; status: string }>(`SELECT role, entity_id, status FROM users WHERE email = 'utente@russi.cithub.example'`, { type: QueryTypes.SELECT });
    const dup = await postForm(admin, '/utenti/invita', '/utenti/invita', { email: 'UTENTE@russi.cithub.example', role: 'staff' });
    expect(dup.status).to.equal(302);
    const page = await admin.get(dup.headers.location);
    expect(page.text).to.contain('Richiesta di invito registrata per utente@russi.cithub.example');
    expect(page.text).not.to.contain('Esiste già');
    const [after] = await platform.sequelize.query(`SELECT role, entity_id, status FROM users WHERE email = 'utente@russi.cithub.example'`, { type: QueryTypes.SELECT });
    expect(after).to.deep.equal(before);
  });

  it('never moves a pending invitation the inviter may not manage, and records the attempt', async () => {
    const { platform, inbox } = await testContext();
    const potenza = await createBody();
    const russi = await createBody();
    const referentOfRussi = await createUser('referent', russi.id);
    const staff = await createUser('staff', null);
    const admin = await loginAs('admin@cithub.example');
    const stamp = Date.now();
    const pendingMember = `pendente.${stamp}@potenza.example.it`;
    const pendingStaff = `operatore.${stamp}@cithub.example.it`;
    const pendingAdmin = `amministratore.${stamp}@cithub.example.it`;
    for (const [email, role, entityId] of [[pendingMember, 'member', String(potenza.id)], [pendingStaff, 'staff', ''], [pendingAdmin, 'admin', '']]) {
      expect((await postForm(admin, '/utenti/invita', '/utenti/invita', { email, role, entityId })).status).to.equal(302);
      await inbox.waitFor(email, /Invito/);
    }
    const rowOf = async (email: string) =>
      (await platform.sequelize.query<{ id: number; role: string; entity_id: number | null }>(`SELECT id, role, entity_id FROM users WHERE email = :email`, { replacements: { email }, type: QueryTypes.SELECT }))[0];
    const tokensOf = async (id: number) =>
      (await platform.sequelize.query(`SELECT id, token_hash, revoked_at FROM single_use_tokens WHERE purpose = 'invitation' AND subject_id = :id ORDER BY id`, { replacements: { id }, type: QueryTypes.SELECT }));
    const before = { member: await rowOf(pendingMember), staff: await rowOf(pendingStaff), admin: await rowOf(pendingAdmin) };
    const tokensBefore = { member: await tokensOf(before.member.id), staff: await tokensOf(before.staff.id), admin: await tokensOf(before.admin.id) };

    // A referent of another body "invites" the pending member of Potenza and the pending staff.
    const referent = await loginAs(referentOfRussi.email);
    const fresh = `nuova.${stamp}@russi.example.it`;
    const answers: string[] = [];
    for (const email of [pendingMember, pendingStaff, fresh]) {
      const res = await postForm(referent, '/utenti/invita', '/utenti/invita', { email, role: 'member' });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('/ente/utenti');
      answers.push((await referent.get('/ente/utenti')).text.includes(`Richiesta di invito registrata per ${email}`) ? 'neutral' : 'other');
    }
    expect(answers).to.deep.equal(['neutral', 'neutral', 'neutral']);
    // Staff "invites" the pending admin as a member.
    const staffAgent = await loginAs(staff.email);
    expect((await postForm(staffAgent, '/utenti/invita', '/utenti/invita', { email: pendingAdmin, role: 'member', entityId: String(russi.id) })).status).to.equal(302);

    expect({ member: await rowOf(pendingMember), staff: await rowOf(pendingStaff), admin: await rowOf(pendingAdmin) }).to.deep.equal(before);
    expect({ member: await tokensOf(before.member.id), staff: await tokensOf(before.staff.id), admin: await tokensOf(before.admin.id) }).to.deep.equal(tokensBefore);
    await inbox.waitFor(fresh, /Invito/);
    const refused = await platform.sequelize.query<{ actor_user_id: number; subject_id: number }>(
      `SELECT actor_user_id, subject_id FROM audit_log WHERE action = 'user.invite-refused' AND actor_user_id IN (:actors) ORDER BY id`,
      { replacements: { actors: [referentOfRussi.id, staff.id] }, type: QueryTypes.SELECT },
    );
    expect(refused.map((r) => [Number(r.actor_user_id), Number(r.subject_id)])).to.deep.equal([
      [referentOfRussi.id, before.member.id],
      [referentOfRussi.id, before.staff.id],
      [staff.id, before.admin.id],
    ]);
  });

  it('lets an inviter who may manage a pending invitation send it again with a new role', async () => {
    const { platform, inbox } = await testContext();
    const body = await createBody();
    const referentUser = await createUser('referent', body.id);
    const referent = await loginAs(referentUser.email);
    const email = `ripetuto.${Date.now()}@comune.example.it`;
    expect((await postForm(referent, '/utenti/invita', '/utenti/invita', { email, role: 'member' })).status).to.equal(302);
    await inbox.waitFor(email, /Invito/);
    expect((await postForm(referent, '/utenti/invita', '/utenti/invita', { email, role: 'rtd' })).status).to.equal(302);
    const [row] = await platform.sequelize.query<{ role: string; entity_id: number }>(`SELECT role, entity_id FROM users WHERE email = :email`, { replacements: { email }, type: QueryTypes.SELECT });
    expect(row).to.deep.equal({ role: 'rtd', entity_id: body.id });
  });
});
