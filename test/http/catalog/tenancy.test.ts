// A member of body F never sees or changes body E's catalogue data by changing a slug or an id.
import { expect } from 'chai';
import { Asset, AssetFile } from '../../../src/modules/catalog/models.js';
import { testContext } from '../../helpers/app.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { cedentWithUser, csrfOf, pasteImport, uniqueFixture, type LoggedAgent } from './helpers.js';

describe('catalogue: tenancy of every route with an id', () => {
  let draftPath: string;
  let draftFile: number;
  let publishedPath: string;
  let publishedFile: number;
  let otherFile: number;
  let pendingPreview: string;
  let intruder: LoggedAgent;
  let intruderCedent: LoggedAgent;
  let ownerAsset: Asset;

  before(async () => {
    await testContext();
    const owner = await cedentWithUser('rtd');
    // A draft of body E with a file.
    const form = { kind: 'toolkit', name: `Kit riservato ${Date.now()}`, shortDescription: 'Kit interno', lang: 'it' };
    await postForm(owner.agent, '/catalogo/nuovo', '/catalogo/nuovo', form);
    ownerAsset = (await Asset.findOne({ where: { name: form.name } }))!;
    draftPath = `/catalogo/${ownerAsset.slug}`;
    const token = await csrfOf(owner.agent, `${draftPath}/modifica`);
    await owner.agent.post(`${draftPath}/file`).field('_csrf', token).field('role', 'attachment').attach('files', Buffer.from('%PDF-1.4\n%%EOF\n'), 'riservato.pdf');
    draftFile = (await AssetFile.findOne({ where: { assetId: ownerAsset.id } }))!.id;
    // A published asset of the demo, with a file, and another asset's file id.
    publishedPath = '/catalogo/regolamento-per-luso-degli-strumenti-informatici-e-telematici';
    const regolamento = (await Asset.findOne({ where: { slug: 'regolamento-per-luso-degli-strumenti-informatici-e-telematici' } }))!;
    publishedFile = (await AssetFile.findOne({ where: { assetId: regolamento.id } }))!.id;
    const kit = (await Asset.findOne({ where: { slug: 'kit-per-la-migrazione-al-cloud-dei-piccoli-comuni' } }))!;
    otherFile = (await AssetFile.findOne({ where: { assetId: kit.id } }))!.id;
    // An import preview of body E's user.
    const res = await pasteImport(owner.agent, uniqueFixture('complete.yml').text);
    pendingPreview = res.headers.location as string;
    // Users of body F: a member of a non-cedent body and a member of another cedent body.
    intruder = (await cedentWithUser('member')).agent;
    intruderCedent = (await cedentWithUser('referent')).agent;
  });

  const notAllowed = [403, 404];

  it('GET /catalogo/:slug of another body’s draft → 404', async () => {
    expect((await intruder.get(draftPath)).status).to.equal(404);
  });

  it('GET /catalogo/:slug/publiccode.yml of another body’s draft → 404', async () => {
    expect((await intruder.get(`${draftPath}/publiccode.yml`)).status).to.equal(404);
  });

  it('GET and POST /catalogo/:slug/modifica of another body’s draft → 404, nothing changed', async () => {
    expect((await intruderCedent.get(`${draftPath}/modifica`)).status).to.equal(404);
    const res = await postForm(intruderCedent, '/catalogo', `${draftPath}/modifica`, { kind: 'toolkit', name: 'Rubato', lang: 'it' });
    expect(res.status).to.equal(404);
    await ownerAsset.reload();
    expect(ownerAsset.name).not.to.equal('Rubato');
  });

  it('GET and POST /catalogo/:slug/modifica of another body’s published asset → 403', async () => {
    expect((await intruderCedent.get(`${publishedPath}/modifica`)).status).to.equal(403);
    expect((await postForm(intruderCedent, '/catalogo', `${publishedPath}/modifica`, { kind: 'template', name: 'Rubato', lang: 'it' })).status).to.equal(403);
  });

  for (const action of ['invia', 'pubblica', 'restituisci', 'archivia', 'ripristina', 'elimina']) {
    it(`POST /catalogo/:slug/${action} by another body → 403/404, status unchanged`, async () => {
      const before = (await Asset.findByPk(ownerAsset.id))!.status;
      const res = await postForm(intruderCedent, '/catalogo', `${draftPath}/${action}`, { comment: 'x', confirm: 'on' });
      expect(notAllowed).to.include(res.status);
      const onPublished = await postForm(intruderCedent, '/catalogo', `${publishedPath}/${action}`, { comment: 'x', confirm: 'on' });
      expect(notAllowed).to.include(onPublished.status);
      expect((await Asset.findByPk(ownerAsset.id))!.status).to.equal(before);
      expect((await Asset.findOne({ where: { slug: publishedPath.split('/').pop()! } }))!.status).to.equal('published');
    });
  }

  it('POST /catalogo/:slug/adozione on another body’s draft → 404', async () => {
    expect((await postForm(intruder, '/catalogo', `${draftPath}/adozione`, { status: 'in_use' })).status).to.equal(404);
  });

  it('POST /catalogo/:slug/file on another body’s assets → 403/404, no file added', async () => {
    const before = await AssetFile.count();
    const token = await csrfOf(intruderCedent, '/catalogo');
    for (const p of [draftPath, publishedPath]) {
      const res = await intruderCedent.post(`${p}/file`).field('_csrf', token).field('role', 'attachment').attach('files', Buffer.from('%PDF-1.4\n%%EOF\n'), 'intruso.pdf');
      expect(notAllowed).to.include(res.status);
    }
    expect(await AssetFile.count()).to.equal(before);
  });

  it('POST /catalogo/:slug/file/:id/elimina on another body’s files → 403/404, file kept', async () => {
    expect(notAllowed).to.include((await postForm(intruderCedent, '/catalogo', `${draftPath}/file/${draftFile}/elimina`, {})).status);
    expect(notAllowed).to.include((await postForm(intruderCedent, '/catalogo', `${publishedPath}/file/${publishedFile}/elimina`, {})).status);
    expect(notAllowed).to.include((await postForm(intruderCedent, '/catalogo', `${draftPath}/file/${draftFile}/elimina`, { confirm: 'on' })).status);
    expect(notAllowed).to.include((await postForm(intruderCedent, '/catalogo', `${publishedPath}/file/${publishedFile}/elimina`, { confirm: 'on' })).status);
    // Nor the page that asks to confirm it.
    expect(notAllowed).to.include((await intruderCedent.get(`${draftPath}/file/${draftFile}/elimina`)).status);
    expect(notAllowed).to.include((await intruderCedent.get(`${publishedPath}/file/${publishedFile}/elimina`)).status);
    expect(await AssetFile.count({ where: { id: [draftFile, publishedFile] } })).to.equal(2);
  });

  it('GET /catalogo/:slug/file/:id of a draft’s file, or of a file of another asset → 404', async () => {
    expect((await intruder.get(`${draftPath}/file/${draftFile}`)).status).to.equal(404);
    // A visible asset's slug with another asset's (or a draft's) file id.
    expect((await intruder.get(`${publishedPath}/file/${draftFile}`)).status).to.equal(404);
    expect((await intruder.get(`${publishedPath}/file/${otherFile}`)).status).to.equal(404);
    expect((await intruder.get(`${publishedPath}/file/abc`)).status).to.equal(404);
    expect((await intruder.get(`${publishedPath}/file/${publishedFile}`)).status).to.equal(200);
  });

  it('GET and POST /catalogo/importa/:token of another user → 404, nothing imported', async () => {
    expect((await intruderCedent.get(pendingPreview)).status).to.equal(404);
    const before = await Asset.count();
    const res = await postForm(intruderCedent, '/catalogo/importa', pendingPreview, { action: 'draft' });
    expect(res.status).to.equal(404);
    expect((await postForm(intruderCedent, '/catalogo/importa', `${pendingPreview}/annulla`, {})).status).to.equal(404);
    expect(await Asset.count()).to.equal(before);
    expect((await intruderCedent.get('/catalogo/importa/not-a-token')).status).to.equal(404);
  });

  it('the manage list of a cedent never lists another body’s assets', async () => {
    const res = await intruderCedent.get('/catalogo/gestione?stato=draft');
    expect(res.text).not.to.contain(ownerAsset.name);
  });

  it('staff see and edit the draft of any body', async () => {
    const staff = await loginAs('staff@cithub.example');
    expect((await staff.get(draftPath)).status).to.equal(200);
    expect((await staff.get(`${draftPath}/modifica`)).status).to.equal(200);
    expect((await staff.get(`${draftPath}/file/${draftFile}`)).status).to.equal(200);
  });
});
