import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm } from '../../helpers/http.js';

describe('user administration', () => {
  it('admin filters the users by a body typed by name or codice IPA', async () => {
    const stem = `Pieve Utenti ${Date.now().toString(36)}`;
    const a = await createBody({ name: `Comune di ${stem}` });
    const b = await createBody({ name: `Comune di ${stem} Bassa` });
    const [ua, ub] = [await createUser('member', a.id), await createUser('rtd', b.id)];
    const admin = await loginAs('admin@cithub.example');
    const list = (query: string) => admin.get(`/admin/utenti?${query}`);
    const exact = await list(`entityName=${encodeURIComponent(a.name)}`);
    expect(exact.text).to.contain(ua.email);
    expect(exact.text).to.not.contain(ub.email);
    expect(exact.text).to.contain(`value="${a.name}"`);
    const both = await list(`entityName=${encodeURIComponent(stem)}`);
    expect(both.text).to.contain(ua.email);
    expect(both.text).to.contain(ub.email);
    expect((await list(`entityName=${b.ipaCode}`)).text).to.not.contain(ua.email);
    expect((await list(`entityId=${b.id}`)).text).to.contain(`value="${b.name}"`);
  });

  it('admin lists, filters and changes roles, with an audit record', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const user = await createUser('member', body.id);
    const admin = await loginAs('admin@cithub.example');
    const list = await admin.get(`/admin/utenti?q=${encodeURIComponent(user.email)}`);
    expect(list.status).to.equal(200);
    expect(list.text).to.contain(user.email);
    expect(list.text).to.not.contain('utente@russi.cithub.example');
    expect((await postForm(admin, '/admin/utenti', `/utenti/${user.id}/ruolo`, { role: 'referent', back: '/admin/utenti' })).status).to.equal(302);
    const [row] = await platform.sequelize.query<{ role: string }>('SELECT role FROM users WHERE id = :id', { replacements: { id: user.id }, type: QueryTypes.SELECT });
    expect(row.role).to.equal('referent');
    const [audit] = await platform.sequelize.query<{ details: { from: string; to: string } }>(
      `SELECT details FROM audit_log WHERE action = 'user.role-changed' AND subject_id = :id`,
      { replacements: { id: String(user.id) }, type: QueryTypes.SELECT },
    );
    expect(audit.details).to.deep.equal({ from: 'member', to: 'referent' });
  });

  it('disabling a user ends their open session', async () => {
    const body = await createBody();
    const user = await createUser('member', body.id);
    const victim = await loginAs(user.email);
    expect((await victim.get('/profilo')).status).to.equal(200);
    const admin = await loginAs('admin@cithub.example');
    expect((await postForm(admin, '/admin/utenti', `/utenti/${user.id}/stato`, { status: 'disabled' })).status).to.equal(302);
    expect((await victim.get('/profilo')).status).to.equal(302);
  });

  it('a referent manages only the users of their own body', async () => {
    const own = await createBody();
    const other = await createBody();
    const referent = await createUser('referent', own.id);
    const colleague = await createUser('member', own.id);
    const stranger = await createUser('member', other.id);
    const agent = await loginAs(referent.email);
    const page = await agent.get('/ente/utenti');
    expect(page.text).to.contain(colleague.email);
    expect(page.text).to.not.contain(stranger.email);
    expect((await postForm(agent, '/ente/utenti', `/utenti/${stranger.id}/stato`, { status: 'disabled' })).status).to.equal(404);
    expect((await postForm(agent, '/ente/utenti', `/utenti/${colleague.id}/stato`, { status: 'disabled' })).status).to.equal(302);
    expect((await postForm(agent, '/ente/utenti', `/utenti/${colleague.id}/ruolo`, { role: 'admin' })).status).to.equal(403);
  });

  it('keeps the admin pages from everyone else', async () => {
    const staff = await loginAs('staff@cithub.example');
    for (const path of ['/admin', '/admin/utenti', '/admin/audit', '/admin/audit.csv', '/admin/posta']) {
      expect((await staff.get(path)).status, path).to.equal(403);
    }
    const member = await loginAs('utente@russi.cithub.example');
    expect((await member.get('/ente/utenti')).status).to.equal(403);
    expect((await postForm(member, '/profilo', '/utenti/999999/stato', { status: 'disabled' })).status).to.equal(404);
  });

  it('exports the audit log as CSV with filters', async () => {
    const admin = await loginAs('admin@cithub.example');
    const page = await admin.get('/admin/audit?action=login');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('login.success');
    const csv = await admin.get('/admin/audit.csv?action=login.success');
    expect(csv.headers['content-type']).to.match(/text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).to.contain('actor_email');
    expect(lines.slice(1).every((l) => l.includes('login.success'))).to.equal(true);
    expect(lines.length).to.be.greaterThan(1);
  });
});
