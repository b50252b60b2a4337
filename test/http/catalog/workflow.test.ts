import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { Asset, AssetFile } from '../../../src/modules/catalog/models.js';
import { testContext } from '../../helpers/app.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { cedentWithUser, csrfOf, visibleText } from './helpers.js';

const TEMPLATE_FORM = {
  kind: 'template',
  name: '',
  url: '',
  landingURL: '',
  shortDescription: 'Modello di delibera per l’adesione al servizio associato di protezione dei dati.',
  longDescription: 'Il modello contiene la delibera di giunta, lo schema di convenzione e la nomina del responsabile della protezione dei dati in forma associata, con le note per adattarlo alle dimensioni del comune.',
  features: 'Delibera di giunta\nSchema di convenzione\nNomina del DPO',
  license: 'cc-by-4.0',
  tags: 'delibera, DPO, GDPR',
  pnrrMeasures: [] as string[],
  categories: ['compliance-management', 'regulations-and-directives'],
  scopes: ['local-authorities'],
  lang: 'it',
};

async function auditActions(assetId: number): Promise<string[]> {
  const { platform } = await testContext();
  const rows = await platform.sequelize.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE subject_type = 'catalog_asset' AND subject_id = :id ORDER BY id`,
    { replacements: { id: String(assetId) }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.action);
}

describe('catalogue: the cedent workflow', () => {
  before(async () => {
    await testContext();
  });

  it('draft → submitted → returned → submitted → published → archived → restored, with emails to the other side and audit', async () => {
    const { inbox } = await testContext();
    const { agent, user, body } = await cedentWithUser('rtd');
    const name = `Delibera DPO associato ${Date.now()}`;
    const created = await postForm(agent, '/catalogo/nuovo', '/catalogo/nuovo', { ...TEMPLATE_FORM, name });
    expect(created.status, created.text.slice(0, 500)).to.equal(302);
    const asset = (await Asset.findOne({ where: { name } }))!;
    expect(asset.status).to.equal('draft');
    expect(asset.entityId).to.equal(body.id);
    expect(asset.license).to.equal('CC-BY-4.0');
    expect(asset.tags).to.deep.equal(['delibera', 'DPO', 'GDPR']);
    // A template needs an attachment, a repository or a page before it can be published.
    expect(asset.complete).to.equal(false);
    const path = `/catalogo/${asset.slug}`;

    // Invisible to the public while it is a draft.
    const { app } = await testContext();
    expect((await request(app).get(path)).status).to.equal(404);

    // The cedent attaches the document, which completes the asset.
    const token = await csrfOf(agent, `${path}/modifica`);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const upload = await agent.post(`${path}/file`).field('_csrf', token).field('role', 'attachment').field('title', 'Delibera tipo').attach('files', pdf, 'delibera.pdf');
    expect(upload.status).to.equal(302);
    await asset.reload();
    expect(asset.complete).to.equal(true);

    // Submit: staff get an email.
    const submit = await postForm(agent, path, `${path}/invia`, {});
    expect(submit.status).to.equal(302);
    await asset.reload();
    expect(asset.status).to.equal('submitted');
    const toStaff = await inbox.waitFor('staff@cithub.example', new RegExp(`«${name}» da rivedere`));
    expect(toStaff.text).to.contain(body.name);
    expect(toStaff.text).to.contain(path);

    // While in review the cedent cannot edit it.
    expect((await agent.get(`${path}/modifica`)).status).to.equal(403);

    // Staff return it with a comment: the cedent gets an email with the comment.
    const staff = await loginAs('staff@cithub.example');
    const noComment = await postForm(staff, path, `${path}/restituisci`, { comment: '' });
    expect(noComment.status).to.equal(302);
    expect(visibleText((await staff.get(path)).text)).to.contain('Compila il campo «Commento per l’ente».');
    await asset.reload();
    expect(asset.status).to.equal('submitted');
    const returned = await postForm(staff, path, `${path}/restituisci`, { comment: 'Indicate la data di approvazione del modello.' });
    expect(returned.status).to.equal(302);
    await asset.reload();
    expect(asset.status).to.equal('returned');
    const toCedent = await inbox.waitFor(user.email, /restituito con osservazioni/);
    expect(toCedent.text).to.contain('Indicate la data di approvazione del modello.');
    expect(visibleText((await agent.get(path)).text)).to.contain('Osservazioni del centro: Indicate la data di approvazione del modello.');

    // The cedent edits and sends it again.
    const edit = await postForm(agent, `${path}/modifica`, `${path}/modifica`, { ...TEMPLATE_FORM, name, longDescription: `${TEMPLATE_FORM.longDescription} Approvato il 12 marzo 2025.` });
    expect(edit.status).to.equal(302);
    expect((await postForm(agent, path, `${path}/invia`, {})).status).to.equal(302);
    await asset.reload();
    expect(asset.status).to.equal('submitted');

    // Staff publish: the cedent is told, the asset is public.
    const published = await postForm(staff, path, `${path}/pubblica`, { comment: 'Grazie!' });
    expect(published.status).to.equal(302);
    await asset.reload();
    expect(asset.status).to.equal('published');
    expect(asset.publishedAt).to.be.instanceOf(Date);
    const toCedentPublished = await inbox.waitFor(user.email, /è pubblicato/);
    expect(toCedentPublished.text).to.contain('Grazie!');
    expect((await request(app).get(path)).status).to.equal(200);
    expect(visibleText((await request(app).get('/catalogo?q=delibera%20DPO')).text)).to.contain(name);

    // Once published, the cedent can no longer change it alone.
    expect((await agent.get(`${path}/modifica`)).status).to.equal(403);

    // Staff archive and restore it.
    expect((await postForm(staff, path, `${path}/archivia`, { comment: 'Sostituito da un nuovo modello.' })).status).to.equal(302);
    await asset.reload();
    expect(asset.status).to.equal('archived');
    expect((await request(app).get(path)).status).to.equal(404);
    await inbox.waitFor(user.email, /archiviato/);
    expect((await postForm(staff, path, `${path}/ripristina`, {})).status).to.equal(302);
    await asset.reload();
    expect(asset.status).to.equal('published');

    expect(await auditActions(asset.id)).to.deep.equal([
      'catalog.created', 'catalog.file-added', 'catalog.submitted', 'catalog.returned', 'catalog.updated', 'catalog.submitted',
      'catalog.published', 'catalog.archived', 'catalog.restored',
    ]);
    const history = visibleText((await staff.get(path)).text);
    expect(history).to.contain('Storico delle modifiche');
  });

  it('an upload with one file of a type not allowed saves none of the files', async () => {
    const { agent } = await cedentWithUser();
    const name = `Allegati misti ${Date.now()}`;
    await postForm(agent, '/catalogo/nuovo', '/catalogo/nuovo', { ...TEMPLATE_FORM, name });
    const asset = (await Asset.findOne({ where: { name } }))!;
    const path = `/catalogo/${asset.slug}`;
    const token = await csrfOf(agent, `${path}/modifica`);
    const res = await agent
      .post(`${path}/file`).field('_csrf', token)
      .field('role', 'attachment')
      .attach('files', Buffer.from('%PDF-1.4\n%%EOF\n'), 'buono.pdf')
      .attach('files', Buffer.from('MZ\x90\x00\x03\x00\x00\x00programma'), 'finto.pdf');
    expect(res.status).to.equal(422);
    const page = visibleText(res.text);
    expect(page).to.contain('non è di un tipo ammesso');
    expect(page).to.contain('Nessun file caricato.');
    expect(await AssetFile.count({ where: { assetId: asset.id } })).to.equal(0);
  });

  it('a refused upload answers inside the files panel: the error next to the file field, the title and the type kept', async () => {
    const { agent } = await cedentWithUser();
    const name = `Allegato rifiutato ${Date.now()}`;
    await postForm(agent, '/catalogo/nuovo', '/catalogo/nuovo', { ...TEMPLATE_FORM, name });
    const asset = (await Asset.findOne({ where: { name } }))!;
    const path = `/catalogo/${asset.slug}`;
    const edit = await agent.get(`${path}/modifica`);
    // The form's action brings the browser back to the panel (#file), where the answer is.
    expect(edit.text).to.contain(`action="${path}/file#file"`);
    const token = await csrfOf(agent, `${path}/modifica`);
    const res = await agent
      .post(`${path}/file`).field('_csrf', token)
      .field('role', 'screenshot')
      .field('title', 'Schermata della home page')
      .attach('files', Buffer.from('%PDF-1.4\n%%EOF\n'), 'non-immagine.pdf');
    expect(res.status, res.text.slice(0, 300)).to.equal(422);
    const panel = res.text.slice(res.text.indexOf('<section class="mt-5 catalog-box" id="file"'));
    expect(panel.indexOf('</section>')).to.be.greaterThan(0);
    const inPanel = panel.slice(0, panel.indexOf('</section>'));
    // The summary (focused and read out) and the message next to the file field, both in the panel.
    expect(inPanel).to.match(/<div class="alert alert-danger error-summary" role="alert" tabindex="-1" id="error-summary">/);
    expect(inPanel).to.match(/<input type="file" id="f-files" name="files" multiple class="form-control is-invalid" aria-describedby="f-files-hint f-files-error" aria-invalid="true">/);
    expect(visibleText(inPanel.slice(inPanel.indexOf('id="f-files-error"')))).to.contain('non-immagine.pdf');
    expect(inPanel).to.contain('value="Schermata della home page"');
    expect(inPanel).to.match(/<option value="screenshot" selected>/);
    // Nothing above the panel speaks of it: the asset's own form is as it was.
    expect(res.text.slice(0, res.text.indexOf('id="file"'))).not.to.contain('error-summary');
    expect(await AssetFile.count({ where: { assetId: asset.id } })).to.equal(0);
  });

  it('«Elimina» of a file asks first: the row links to a confirmation page, a bare post deletes nothing, the confirmed one does', async () => {
    const { agent } = await cedentWithUser();
    const name = `Allegato da eliminare ${Date.now()}`;
    await postForm(agent, '/catalogo/nuovo', '/catalogo/nuovo', { ...TEMPLATE_FORM, name });
    const asset = (await Asset.findOne({ where: { name } }))!;
    const path = `/catalogo/${asset.slug}`;
    const token = await csrfOf(agent, `${path}/modifica`);
    const up = await agent.post(`${path}/file`).field('_csrf', token).field('role', 'attachment').field('title', 'Convenzione firmata').attach('files', Buffer.from('%PDF-1.4\n%%EOF\n'), 'convenzione.pdf');
    expect(up.status).to.equal(302);
    const file = (await AssetFile.findOne({ where: { assetId: asset.id } }))!;
    const confirmPath = `${path}/file/${file.id}/elimina`;

    // The edit page offers a link to the question, not a button that deletes.
    const edit = await agent.get(`${path}/modifica`);
    expect(edit.text).to.contain(`<a href="${confirmPath}">Elimina<span class="visually-hidden"> «Convenzione firmata»</span></a>`);
    expect(edit.text).not.to.match(new RegExp(`<form[^>]+action="${confirmPath}"`));

    // A post without the confirmation leads to the question and keeps the file.
    const bare = await postForm(agent, `${path}/modifica`, confirmPath, {});
    expect(bare.status).to.equal(302);
    expect(bare.headers.location).to.equal(confirmPath);
    expect(await AssetFile.count({ where: { id: file.id } })).to.equal(1);

    const question = await agent.get(confirmPath);
    expect(question.status).to.equal(200);
    const text = visibleText(question.text);
    expect(text).to.contain('Vuoi eliminare il file «Convenzione firmata»?');
    expect(text).to.contain('No, torna alla scheda');
    expect(question.text).to.contain(`href="${path}/modifica#file"`);

    const confirmed = await postForm(agent, confirmPath, confirmPath, { confirm: 'on' });
    expect(confirmed.status).to.equal(302);
    expect(confirmed.headers.location).to.equal(`${path}/modifica#file`);
    expect(await AssetFile.count({ where: { id: file.id } })).to.equal(0);
    expect(visibleText((await agent.get(`${path}/modifica`)).text)).to.contain('File eliminato.');
  });

  it('an incomplete asset cannot be published: staff see why, nothing changes', async () => {
    const staff = await loginAs('staff@cithub.example');
    const path = '/catalogo/pagamenti-russi';
    const res = await postForm(staff, path, `${path}/pubblica`, {});
    expect(res.status).to.equal(302);
    const page = visibleText((await staff.get(path)).text);
    expect(page).to.contain('Non si può ancora pubblicare: Il publiccode.yml non è completo');
    expect((await Asset.findOne({ where: { slug: 'pagamenti-russi' } }))!.status).to.equal('draft');
  });

  it('the form keeps what was typed and explains each bad field', async () => {
    const { agent } = await cedentWithUser();
    const res = await postForm(agent, '/catalogo/nuovo', '/catalogo/nuovo', {
      ...TEMPLATE_FORM,
      kind: 'software',
      name: 'Nome tenuto',
      url: 'javascript:alert(1)',
      shortDescription: 'x'.repeat(151),
      license: 'Licenza di fantasia',
      releaseDate: '2025-02-30',
      contractors: 'Ditta; 31/12/2026',
    });
    expect(res.status).to.equal(422);
    const text = visibleText(res.text);
    expect(text).to.contain('Il campo «Repository del codice sorgente» deve essere un indirizzo completo che inizia con https:// o http://.');
    expect(text).to.contain('Il campo «Descrizione breve» può avere al massimo 150 caratteri.');
    expect(text).to.contain('La licenza deve essere un identificativo SPDX');
    expect(text).to.contain('Il campo «Data di rilascio» non è una data valida');
    expect(text).to.contain('Fornitori, riga 1: la data «31/12/2026» non è nel formato AAAA-MM-GG.');
    expect(res.text).to.contain('value="Nome tenuto"');
    expect(res.text).not.to.match(/href="javascript:/);
  });

  it('a cedent deletes its own draft; a published asset cannot be deleted', async () => {
    const { agent } = await cedentWithUser();
    const name = `Bozza da eliminare ${Date.now()}`;
    await postForm(agent, '/catalogo/nuovo', '/catalogo/nuovo', { ...TEMPLATE_FORM, name });
    const asset = (await Asset.findOne({ where: { name } }))!;
    const path = `/catalogo/${asset.slug}`;
    const unconfirmed = await postForm(agent, path, `${path}/elimina`, {});
    expect(unconfirmed.status).to.equal(302);
    expect(await Asset.count({ where: { id: asset.id } })).to.equal(1);
    const res = await postForm(agent, path, `${path}/elimina`, { confirm: 'on' });
    expect(res.headers.location).to.equal('/catalogo/gestione');
    expect(await Asset.count({ where: { id: asset.id } })).to.equal(0);
    const staff = await loginAs('staff@cithub.example');
    const published = await postForm(staff, '/catalogo/albo-pretorio-cit', '/catalogo/albo-pretorio-cit/elimina', { confirm: 'on' });
    expect(published.status).to.equal(403);
  });

  it('the manage list shows a cedent its body’s assets and staff the ones to review', async () => {
    const { agent, body } = await cedentWithUser();
    const name = `Scheda in gestione ${Date.now()}`;
    await postForm(agent, '/catalogo/nuovo', '/catalogo/nuovo', { ...TEMPLATE_FORM, name });
    const mine = await agent.get('/catalogo/gestione');
    expect(mine.status).to.equal(200);
    expect(visibleText(mine.text)).to.contain(name);
    expect(visibleText(mine.text)).not.to.contain('Pagamenti Russi');
    const staff = await loginAs('staff@cithub.example');
    const review = await staff.get('/catalogo/gestione');
    expect(visibleText(review.text)).to.contain('Checklist di accessibilità per i siti comunali');
    const all = await staff.get('/catalogo/gestione?stato=draft');
    expect(visibleText(all.text)).to.contain(name);
    expect(visibleText(all.text)).to.contain(body.name);
  });

  it('staff edit any asset and can set its cedent body', async () => {
    const staff = await loginAs('staff@cithub.example');
    const page = await staff.get('/catalogo/tema-siti-comunali/modifica');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('name="entityId"');
  });
});
