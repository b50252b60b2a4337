import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../helpers/app.js';
import { createBody, createUser } from '../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../helpers/http.js';

describe('no input makes a 500', () => {
  it('reads a language cookie that is not valid percent-encoding as Italian', async () => {
    const agent = await anonymousAgent();
    for (const path of ['/', '/login']) {
      const res = await agent.get(path).set('Cookie', 'lang=%');
      expect(res.status, path).to.equal(200);
      expect(res.text).to.contain('<html lang="it">');
    }
  });

  it('keeps a form with a NUL byte, without the byte', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const user = await createUser('member', body.id);
    const agent = await loginAs(user.email);
    const res = await postForm(agent, '/profilo', '/profilo', { name: 'Maria\u0000 Rossi\u0007' });
    expect(res.status).to.equal(302);
    const [row] = await platform.sequelize.query<{ name: string }>('SELECT name FROM users WHERE id = :id', { replacements: { id: user.id }, type: QueryTypes.SELECT });
    expect(row.name).to.equal('Maria Rossi');
  });

  it('answers a NUL byte in a query string or a path without an error page', async () => {
    const admin = await loginAs('admin@cithub.example');
    expect((await admin.get('/admin/utenti?q=%00russi')).status).to.equal(200);
    expect((await admin.get('/catalogo/abc%00def')).status).to.equal(404);
  });

  it('finds no record behind an id written another way than decimal digits', async () => {
    const admin = await loginAs('admin@cithub.example');
    const body = await createBody();
    expect((await admin.get(`/enti/${body.id}`)).status).to.equal(200);
    expect((await admin.get(`/enti/0x${body.id.toString(16)}`)).status).to.equal(404);
    expect((await admin.get(`/enti/${body.id}e0`)).status).to.equal(404);
  });
});
