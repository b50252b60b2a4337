import { expect } from 'chai';
import { Op } from 'sequelize';
import request from 'supertest';
import { Asset, PendingImport } from '../../../src/modules/catalog/models.js';
import { testContext } from '../../helpers/app.js';
import { loginAs } from '../../helpers/http.js';
import { bodyUser, cedentWithUser, csrfOf, fixture, importAndConfirm, pasteImport, russi, uniqueFixture, uploadImport, visibleText } from './helpers.js';

async function assetCount(): Promise<number> {
  return Asset.count();
}
async function pendingCount(): Promise<number> {
  return PendingImport.count();
}

describe('catalogue: import of publiccode.yml', () => {
  before(async () => {
    await testContext();
  });

  it('a cedent uploads a file, sees the preview with the warnings by line, and saves a draft for its own body', async () => {
    const { agent, body } = await cedentWithUser();
    const { text, url } = uniqueFixture('messy.yml');
    const res = await uploadImport(agent, Buffer.from(text), 'publiccode.yml');
    expect(res.status).to.equal(302);
    const preview = await agent.get(res.headers.location as string);
    expect(preview.status).to.equal(200);
    const page = visibleText(preview.text);
    expect(page).to.contain('Anteprima: Gestione Mense Scolastiche');
    expect(page).to.contain('12 avvisi');
    expect(preview.text).to.match(/<td>14<\/td><td><code>legal\.license<\/code><\/td><td>La licenza «GPL v3» non è un&#39;espressione SPDX valida/);
    expect(page).to.contain('sarà salvato come bozza');
    // The file says Russi, but a cedent imports for its own body only.
    expect(page).to.contain(`la soluzione sarà attribuita a ${body.name}`);
    expect(preview.text).not.to.contain('value="publish"');
    const token = await csrfOf(agent, res.headers.location as string);
    const done = await agent.post(res.headers.location as string).type('form').send({ _csrf: token, action: 'draft', kind: 'software' });
    expect(done.status).to.equal(302);
    const asset = await Asset.findOne({ where: { url } });
    expect(asset!.status).to.equal('draft');
    expect(asset!.entityId).to.equal(body.id);
    expect(asset!.complete).to.equal(false);
    expect(asset!.releaseDate).to.equal('2024-03-15');
  });

  it('staff paste a clean file and publish it at once; the body comes from organisation.uri', async () => {
    const agent = await loginAs('staff@cithub.example');
    const { text } = uniqueFixture('complete.yml');
    const asset = await importAndConfirm(agent, text, 'publish');
    expect(asset.status).to.equal('published');
    expect(asset.entityId).to.equal((await russi()).id);
    expect(asset.complete).to.equal(true);
    expect(asset.italianPlatforms).to.deep.equal(['spid']);
    expect(asset.pnrrMeasures).to.deep.equal(['1.4.4']);
    const page = await agent.get(`/catalogo/${asset.slug}`);
    expect(page.status).to.equal(200);
  });

  it('re-importing the same repository url updates the asset instead of duplicating it', async () => {
    const agent = await loginAs('staff@cithub.example');
    const { text, url } = uniqueFixture('complete.yml');
    const first = await importAndConfirm(agent, text, 'publish');
    const changed = text.replace('softwareVersion: 1.0.0', 'softwareVersion: 1.1.0').replace(`url: ${url}`, `url: ${url.toUpperCase().replace('HTTPS://', 'https://')}/`);
    const res = await pasteImport(agent, changed);
    const preview = await agent.get(res.headers.location as string);
    expect(visibleText(preview.text)).to.contain('è già nel catalogo: confermando aggiornerai la scheda');
    const second = await importAndConfirm(agent, changed, 'publish');
    expect(second.id).to.equal(first.id);
    expect(second.slug).to.equal(first.slug);
    expect(second.softwareVersion).to.equal('1.1.0');
    expect(await Asset.count({ where: { urlKey: first.urlKey } })).to.equal(1);
  });

  it('a clean file cannot be published by a cedent: it is sent to the centre instead', async () => {
    const { agent, body } = await cedentWithUser('rtd');
    const { text } = uniqueFixture('complete.yml');
    const res = await pasteImport(agent, text);
    const preview = await agent.get(res.headers.location as string);
    expect(preview.text).to.contain('value="submit"');
    expect(preview.text).not.to.contain('value="publish"');
    // Forcing the action in the form does not publish either.
    const token = await csrfOf(agent, res.headers.location as string);
    const forced = await agent.post(res.headers.location as string).type('form').send({ _csrf: token, action: 'publish' });
    expect(forced.status).to.equal(422);
    expect(visibleText(forced.text)).to.contain('Solo il centro pubblica le soluzioni');
    expect(await Asset.count({ where: { name: text.match(/^name: (.+)$/m)![1] } })).to.equal(0);
    const asset = await importAndConfirm(agent, text, 'submit');
    expect(asset.status).to.equal('submitted');
    expect(asset.entityId).to.equal(body.id);
  });

  it('a cedent cannot overwrite another body’s asset by importing its url', async () => {
    const staff = await loginAs('staff@cithub.example');
    const { text } = uniqueFixture('complete.yml');
    const original = await importAndConfirm(staff, text, 'publish');
    const { agent } = await cedentWithUser();
    const res = await pasteImport(agent, text.replace('Protocollo informatico essenziale', 'Testo cambiato da un altro ente'));
    const preview = await agent.get(res.headers.location as string);
    expect(visibleText(preview.text)).to.contain('Questo repository è già nel catalogo per un altro ente');
    expect(preview.text).not.to.contain('name="action"');
    const token = await csrfOf(agent, res.headers.location as string);
    const post = await agent.post(res.headers.location as string).type('form').send({ _csrf: token, action: 'draft' });
    expect(post.status).to.equal(422);
    await original.reload();
    expect(original.shortDescription).to.contain('Protocollo informatico essenziale');
  });

  it('cancelling the preview saves nothing', async () => {
    const { agent } = await cedentWithUser();
    const before = await assetCount();
    const res = await pasteImport(agent, uniqueFixture('complete.yml').text);
    const preview = res.headers.location as string;
    const token = await csrfOf(agent, preview);
    const cancel = await agent.post(`${preview}/annulla`).type('form').send({ _csrf: token });
    expect(cancel.status).to.equal(302);
    expect(await assetCount()).to.equal(before);
    expect((await agent.get(preview)).status).to.equal(404);
  });

  describe('bad input', () => {
    it('a non-YAML file is rejected with its line and column, nothing saved', async () => {
      const { agent } = await cedentWithUser();
      const [assets, pending] = [await assetCount(), await pendingCount()];
      const res = await uploadImport(agent, fixture('not-yaml.yml'));
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.contain('Il file non è stato importato. YAML non valido alla riga 7, colonna 1');
      expect(await assetCount()).to.equal(assets);
      expect(await pendingCount()).to.equal(pending);
    });

    it('a YAML list instead of a mapping is rejected', async () => {
      const { agent } = await cedentWithUser();
      const assets = await assetCount();
      const res = await uploadImport(agent, fixture('list.yml'));
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.contain('Il file contiene un elenco YAML, mentre publiccode.yml deve essere una mappa di chiavi');
      expect(await assetCount()).to.equal(assets);
    });

    it('a 5 MB file is refused by size, with the form shown again', async () => {
      const { agent } = await cedentWithUser();
      const assets = await assetCount();
      const big = Buffer.concat([Buffer.from('name: Enorme\nurl: https://example.org/enorme\ndescription: |\n'), Buffer.alloc(5 * 1024 * 1024, '  testo ripetuto\n')]);
      const res = await uploadImport(agent, big);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.contain('Un file supera la dimensione massima di 1 MB.');
      expect(res.text).to.contain('id="f-file"');
      expect(await assetCount()).to.equal(assets);
    });

    it('a pasted text over the limit is refused with a message on the paste field', async () => {
      const { agent } = await cedentWithUser();
      const res = await pasteImport(agent, `name: Lungo\nurl: https://example.org/lungo\nroadmap: ${'x'.repeat(300_000)}\n`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.contain('Il testo incollato è troppo lungo');
    });

    it('a binary file disguised as .yml is rejected', async () => {
      const { agent } = await cedentWithUser();
      const assets = await assetCount();
      const res = await uploadImport(agent, fixture('binary.yml'), 'publiccode.yml');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.contain('Il file sembra binario');
      expect(await assetCount()).to.equal(assets);
    });

    it('a url that is not http(s) is rejected', async () => {
      const { agent } = await cedentWithUser();
      const assets = await assetCount();
      const res = await pasteImport(agent, fixture('ftp-url.yml').toString());
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.contain('deve essere un indirizzo http o https: trovato «ftp://files.example.org/archivio»');
      expect(res.text).to.contain('ftp://files.example.org/archivio'); // the pasted text is kept in the form
      expect(await assetCount()).to.equal(assets);
    });

    it('an empty upload and an empty paste each get a clear message', async () => {
      const { agent } = await cedentWithUser();
      const token = await csrfOf(agent, '/catalogo/importa');
      const noFile = await agent.post(`/catalogo/importa`).field('_csrf', token).field('source', 'upload');
      expect(noFile.status).to.equal(422);
      expect(visibleText(noFile.text)).to.contain('Scegli il file publiccode.yml da caricare.');
      const empty = await pasteImport(agent, '   ');
      expect(empty.status).to.equal(422);
      expect(visibleText(empty.text)).to.contain('Incolla il contenuto del file publiccode.yml.');
    });

    it('a member of a body that is not a cedent cannot import: 403 with an Italian explanation', async () => {
      const { agent } = await bodyUser('member', { isCedent: false });
      const page = await agent.get('/catalogo/importa');
      expect(page.status).to.equal(403);
      expect(visibleText(page.text)).to.contain('Solo gli enti cedenti possono proporre soluzioni al catalogo');
      const token = await csrfOf(agent, '/catalogo');
      const assets = await assetCount();
      const post = await agent.post(`/catalogo/importa`).field('_csrf', token).field('source', 'paste').field('content', uniqueFixture('complete.yml').text);
      expect(post.status).to.equal(403);
      expect(await assetCount()).to.equal(assets);
      expect((await agent.get('/catalogo/nuovo')).status).to.equal(403);
    });

    it('a visitor is sent to the login page', async () => {
      const { app } = await testContext();
      const res = await request(app).get('/catalogo/importa');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('/login');
    });
  });

  it('pending previews older than a day are cleaned when a new one is made', async () => {
    const { agent, user } = await cedentWithUser();
    const old = await PendingImport.create({ userId: user.id, entityId: null, source: 'paste', fileName: null, content: 'name: x' });
    await PendingImport.update({ createdAt: new Date(Date.now() - 2 * 86_400_000) }, { where: { token: old.token }, silent: true });
    await pasteImport(agent, uniqueFixture('complete.yml').text);
    expect(await PendingImport.count({ where: { token: old.token } })).to.equal(0);
    expect(await PendingImport.count({ where: { userId: user.id, createdAt: { [Op.gt]: new Date(Date.now() - 60_000) } } })).to.equal(1);
  });
});
