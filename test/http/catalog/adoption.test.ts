import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { recountAdoptions } from '../../../src/modules/catalog/adoption.js';
import { Adoption, Asset } from '../../../src/modules/catalog/models.js';
import { createBody } from '../../helpers/factories.js';
import { testContext } from '../../helpers/app.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { bodyUser, importAndConfirm, uniqueFixture, visibleText } from './helpers.js';

describe('catalogue: adoption by bodies', () => {
  let slug: string;
  let path: string;

  before(async () => {
    await testContext();
    const staff = await loginAs('staff@cithub.example');
    const asset = await importAndConfirm(staff, uniqueFixture('complete.yml').text, 'publish');
    slug = asset.slug;
    path = `/catalogo/${slug}`;
  });

  it('a member declares for their own body, changes it, and the asset and body pages show it', async () => {
    const { agent, body } = await bodyUser('member');
    const first = await postForm(agent, path, `${path}/adozione`, { status: 'evaluating', since: '2025-09-01', note: 'Valutiamo con la ditta del protocollo.' });
    expect(first.status).to.equal(302);
    let asset = (await Asset.findOne({ where: { slug } }))!;
    expect(asset.inUseCount).to.equal(0);
    expect(asset.adoptionCount).to.equal(1);
    const page = visibleText((await agent.get(path)).text);
    expect(page).to.contain('In valutazione (1)');
    expect(page).to.contain(`${body.name} dal 01/09/2025`);
    expect(page).to.contain('Valutiamo con la ditta del protocollo.');

    const second = await postForm(agent, path, `${path}/adozione`, { status: 'in_use', since: '', note: '' });
    expect(second.status).to.equal(302);
    asset = (await Asset.findOne({ where: { slug } }))!;
    expect(asset.inUseCount).to.equal(1);
    expect(await Adoption.count({ where: { assetId: asset.id } })).to.equal(1);
    const { app } = await testContext();
    const publicPage = visibleText((await request(app).get(path)).text);
    expect(publicPage).to.contain('Usato da 1 ente');
    expect(publicPage).to.contain(body.name);
    expect(publicPage).not.to.contain('Valutiamo con la ditta');
    const bodyPage = visibleText((await request(app).get(`/enti/${body.id}`)).text);
    expect(bodyPage).to.contain('Catalogo del riuso');
    expect(bodyPage).to.contain(`${asset.name} — In uso dal`);
    // "In use" filter and "most adopted" sort see it.
    const inUse = await request(app).get(`/catalogo?in_uso=1&q=${encodeURIComponent(asset.name)}`);
    expect(visibleText(inUse.text)).to.contain(asset.name);
  });

  it('a long list of adopters shows the first ones, the counts and a link to the full list', async () => {
    const { platform } = await testContext();
    const staff = await loginAs('staff@cithub.example');
    const asset = await importAndConfirm(staff, uniqueFixture('complete.yml').text, 'publish');
    for (let i = 0; i < 35; i++) {
      const body = await createBody({ name: `Comune di Adozione ${String(i).padStart(2, '0')} ${Date.now()}` });
      await Adoption.create({ assetId: asset.id, entityId: body.id, status: 'in_use', since: '2025-01-01', note: null, declaredBy: null });
    }
    await recountAdoptions(platform, asset.id);
    const { app } = await testContext();
    const page = await request(app).get(`/catalogo/${asset.slug}`);
    const text = visibleText(page.text);
    expect(text).to.contain('Usato da 35 enti');
    expect(text).to.contain('In uso (35)');
    expect(text).to.contain('e altri 5');
    expect((page.text.match(/Comune di Adozione/g) ?? []).length).to.equal(30);
    expect(page.text).to.contain(`href="/catalogo/${asset.slug}?enti=tutti#adozione"`);
    const full = await request(app).get(`/catalogo/${asset.slug}?enti=tutti`);
    expect((full.text.match(/Comune di Adozione/g) ?? []).length).to.equal(35);
  });

  it('the body in the form is ignored: a member declares only for their own body', async () => {
    const { agent, body } = await bodyUser('rtd');
    const other = await bodyUser('rtd');
    const res = await postForm(agent, path, `${path}/adozione`, { status: 'interested', since: '', note: '', entityId: String(other.body.id) });
    expect(res.status).to.equal(302);
    const asset = (await Asset.findOne({ where: { slug } }))!;
    expect(await Adoption.count({ where: { assetId: asset.id, entityId: body.id } })).to.equal(1);
    expect(await Adoption.count({ where: { assetId: asset.id, entityId: other.body.id } })).to.equal(0);
  });

  it('bad declarations are refused with a message on the field, nothing saved', async () => {
    const { agent, body } = await bodyUser('member');
    const res = await postForm(agent, path, `${path}/adozione`, { status: 'adottatissimo', since: '3025-01-01', note: '' });
    expect(res.status).to.equal(422);
    const text = visibleText(res.text);
    expect(text).to.contain('Scegli lo stato dell’adozione.');
    expect(text).to.contain('La data non può essere oltre un anno nel futuro.');
    const asset = (await Asset.findOne({ where: { slug } }))!;
    expect(await Adoption.count({ where: { assetId: asset.id, entityId: body.id } })).to.equal(0);
  });

  it('staff (who belong to no body) and visitors cannot declare', async () => {
    const staff = await loginAs('staff@cithub.example');
    expect((await postForm(staff, path, `${path}/adozione`, { status: 'in_use' })).status).to.equal(403);
    const { app } = await testContext();
    expect((await request(app).post(`${path}/adozione`).type('form').send({ status: 'in_use' })).status).to.equal(403);
  });

  it('a draft cannot be adopted', async () => {
    const own = await loginAs('rtd@russi.cithub.example');
    const res = await postForm(own, '/catalogo/pagamenti-russi', '/catalogo/pagamenti-russi/adozione', { status: 'in_use' });
    expect(res.status).to.equal(403);
  });

  it('staff see the adoption matrix and download it as CSV; bodies cannot', async () => {
    const staff = await loginAs('staff@cithub.example');
    const page = await staff.get('/catalogo/adozioni');
    expect(page.status).to.equal(200);
    const text = visibleText(page.text);
    expect(text).to.contain('Matrice delle adozioni');
    expect(text).to.contain('Regolamento per l’uso degli strumenti informatici e telematici');
    expect(page.text).to.match(/<abbr title="In uso dal \d{2}\/\d{2}\/\d{4}">U<\/abbr>/);
    const csv = await staff.get('/catalogo/adozioni.csv');
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-disposition']).to.contain('matrice-adozioni.csv');
    const rows = parse(csv.text, { delimiter: ';', bom: true }) as string[][];
    const header = rows[0];
    expect(header.slice(0, 4)).to.deep.equal(['asset', 'slug', 'in_uso', 'dichiarazioni']);
    const galatina = header.indexOf('Comune di Galatina (c_d862)');
    expect(galatina).to.be.greaterThan(3);
    const albo = rows.find((r) => r[1] === 'albo-pretorio-cit')!;
    expect(albo[galatina]).to.equal('In uso');
    const filtered = await staff.get('/catalogo/adozioni?provincia=PZ&solo_in_uso=1');
    expect(visibleText(filtered.text)).to.contain('Prenota Uffici');
    expect(visibleText(filtered.text)).not.to.contain('Russi Segnala');

    const member = await loginAs('utente@russi.cithub.example');
    expect((await member.get('/catalogo/adozioni')).status).to.equal(403);
    expect((await member.get('/catalogo/adozioni.csv')).status).to.equal(403);
  });

  it('the home page shows the catalogue cards for each role', async () => {
    const staff = await loginAs('staff@cithub.example');
    const staffHome = visibleText((await staff.get('/')).text);
    expect(staffHome).to.contain('Soluzioni da revisionare');
    expect(staffHome).to.contain('Matrice delle adozioni');
    const cedent = await loginAs('utente@russi.cithub.example');
    const cedentHome = visibleText((await cedent.get('/')).text);
    expect(cedentHome).to.contain('Proponi una soluzione in riuso');
    expect(cedentHome).to.contain('Soluzioni adottate dal tuo ente');
    const potenza = await loginAs('rtd@potenza.cithub.example');
    expect(visibleText((await potenza.get('/')).text)).not.to.contain('Proponi una soluzione in riuso');
  });
});
