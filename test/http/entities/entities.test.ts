import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm } from '../../helpers/http.js';

describe('bodies (enti)', () => {
  it('lists the adhering bodies publicly, with search and pagination', async () => {
    const { app } = await testContext();
    const all = await request(app).get('/enti');
    expect(all.status).to.equal(200);
    expect(all.text).to.contain('Enti aderenti');
    expect((await request(app).get('/enti?q=russi')).text).to.contain('Comune di Russi');
    expect((await request(app).get('/enti?q=tricase')).text).to.not.contain('Comune di Tricase'); // suspended: not listed to visitors
    const search = await request(app).get('/enti?q=otranto&province=LE');
    expect(search.text).to.contain('Comune di Otranto');
    expect(search.text).to.not.contain('Comune di Russi');
    const byKind = await request(app).get('/enti?kind=provincia');
    expect(byKind.text).to.contain('Provincia di Brescia');
    expect(byKind.text).to.not.match(/\/enti\/\d+">Comune di Lecce</);
    for (const page of ['-1', '99999', 'abc']) expect((await request(app).get(`/enti?page=${page}`)).status).to.equal(200);
    expect((await request(app).get('/enti?page=99999')).text).to.contain('Nessun ente corrisponde');
    const junk = await request(app).get(`/enti?kind=inesistente&q=${'x'.repeat(5000)}`);
    expect(junk.status).to.equal(200);
  });

  it('shows a body page; users of the body only to its referent and staff', async () => {
    const { app, platform } = await testContext();
    const [russi] = await platform.sequelize.query<{ id: number }>(`SELECT id FROM entities WHERE ipa_code = 'c_h642'`, { type: QueryTypes.SELECT });
    const visitor = await request(app).get(`/enti/${russi.id}`);
    expect(visitor.status).to.equal(200);
    expect(visitor.text).to.contain('c_h642');
    expect(visitor.text).to.contain('Giulia Bertoni'); // the RTD is public, as in IndicePA
    expect(visitor.text).to.not.contain('utente@russi.cithub.example');
    expect(visitor.text).to.not.contain('Scadenza della convenzione');
    const potenza = await loginAs('rtd@potenza.cithub.example');
    const other = await potenza.get(`/enti/${russi.id}`);
    expect(other.text).to.not.contain('Utenti dell&#39;ente');
    expect(other.text).to.not.contain('Paolo Montanari');
    const staff = await loginAs('staff@cithub.example');
    expect((await staff.get(`/enti/${russi.id}`)).text).to.contain('Paolo Montanari');
    expect((await request(app).get('/enti/999999')).status).to.equal(404);
  });

  it('admin creates a body; bad input is explained next to the field and kept', async () => {
    const { platform } = await testContext();
    const admin = await loginAs('admin@cithub.example');
    const bad = await postForm(admin, '/enti/nuovo', '/enti', {
      ipaCode: 'C H501!',
      name: 'Comune di Roma',
      kind: 'comune',
      membershipStatus: 'active',
      fiscalCode: '123',
      population: '-5',
      joinedOn: '2025-02-30',
      website: 'javascript:alert(1)',
    });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Il codice IPA non è valido');
    expect(bad.text).to.contain('Il codice fiscale di un ente ha 11 cifre.');
    expect(bad.text).to.contain('Il campo «Popolazione» deve essere un numero intero');
    expect(bad.text).to.contain('Il campo «Data di adesione» non è una data valida');
    expect(bad.text).to.contain('Il sito deve iniziare con https://');
    expect(bad.text).to.contain('value="Comune di Roma"');
    expect(bad.text).to.contain('href="#f-ipaCode"');
    const ipa = `c_t${Date.now().toString(36).slice(-5)}`;
    const ok = await postForm(admin, '/enti/nuovo', '/enti', { ipaCode: ipa.toUpperCase(), name: 'Comune di Test', kind: 'comune', membershipStatus: 'active', provinceCode: 'le', population: '1.234' });
    expect(ok.status).to.equal(302);
    const [row] = await platform.sequelize.query<{ ipa_code: string; province_code: string; population: number }>(
      'SELECT ipa_code, province_code, population FROM entities WHERE ipa_code = :ipa',
      { replacements: { ipa }, type: QueryTypes.SELECT },
    );
    expect(row).to.deep.equal({ ipa_code: ipa, province_code: 'LE', population: 1234 });
    const dup = await postForm(admin, '/enti/nuovo', '/enti', { ipaCode: ipa, name: 'Doppione', kind: 'comune', membershipStatus: 'active' });
    expect(dup.status).to.equal(422);
    expect(dup.text).to.contain('Esiste già un ente con questo codice IPA.');
  });

  it('only admins create or edit bodies', async () => {
    const body = await createBody();
    const referent = await createUser('referent', body.id);
    const agent = await loginAs(referent.email);
    expect((await agent.get('/enti/nuovo')).status).to.equal(403);
    expect((await agent.get(`/enti/${body.id}/modifica`)).status).to.equal(403);
    const res = await postForm(agent, '/profilo', `/enti/${body.id}`, { ipaCode: body.ipaCode, name: 'Rinominato', kind: 'comune', membershipStatus: 'active' });
    expect(res.status).to.equal(403);
    await body.reload();
    expect(body.name).to.not.equal('Rinominato');
  });

  it('admin edits a body and sets its RTD among its own users only', async () => {
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    const stranger = await createUser('rtd', (await createBody()).id);
    const admin = await loginAs('admin@cithub.example');
    const fields = { ipaCode: body.ipaCode, name: body.name, kind: 'comune', membershipStatus: 'active', provinceCode: 'LE' };
    const wrong = await postForm(admin, `/enti/${body.id}/modifica`, `/enti/${body.id}`, { ...fields, rtdUserId: String(stranger.id) });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('L’RTD deve essere un utente dell’ente.');
    expect((await postForm(admin, `/enti/${body.id}/modifica`, `/enti/${body.id}`, { ...fields, rtdUserId: String(rtd.id), isCedent: 'on' })).status).to.equal(302);
    await body.reload();
    expect(body.rtdUserId).to.equal(rtd.id);
    expect(body.isCedent).to.equal(true);
  });
});
