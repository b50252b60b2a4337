// Documents that start from a catalogue template: the demo determina a contrarre filled with the
// dossier's data as an editable DOCX (read back with docxtemplater), the signed .p7m uploaded as the
// document's version, a template of another document type refused, and tenancy.
import { expect } from 'chai';
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import request from 'supertest';
import type { Response } from 'superagent';
import { demoDeterminaDocx } from '../../../src/modules/catalog/demo-template.js';
import { documentTemplatesOfType } from '../../../src/modules/catalog/index.js';
import { Asset } from '../../../src/modules/catalog/models.js';
import { DocumentVersion, Dossier, TenderDocument } from '../../../src/modules/tenders/models.js';
import { detectFileType } from '../../../src/platform/files.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom, loginAs, postForm } from '../../helpers/http.js';
import { cedentWithUser, csrfOf } from '../catalog/helpers.js';
import { demoP7m, dossierFields, uniqueCig } from './helpers.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function post(agent: Agent, page: string, action: string, fields: Record<string, string>) {
  const token = csrfFrom((await agent.get(page)).text);
  return agent.post(action).type('form').send({ _csrf: token, ...fields });
}

/** The body of a binary answer as a Buffer. */
function binary(res: Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

const textOf = (docx: Buffer) => new Docxtemplater(new PizZip(docx), { paragraphLoop: true, linebreaks: true }).getFullText();

async function demoTemplateSlug(): Promise<string> {
  const [t] = await documentTemplatesOfType('determina_a_contrarre');
  expect(t, 'the demo catalogue has a determina template').to.exist;
  return t.slug;
}

/** A comune with its RTD and an own affidamento diretto of € 39.000 with one lot and its CIG. */
async function ownDossier() {
  const body = await createBody();
  const rtd = await createUser('rtd', body.id, { name: 'Giulia Rossi' });
  const agent = await loginAs(rtd.email);
  const fields = { ...dossierFields({ procedure: 'affidamento_diretto', estimatedValue: '39.000', object: 'Assistenza e manutenzione evolutiva del sito istituzionale per 24 mesi.' }), rupUserId: String(rtd.id), contractingEntityId: String(body.id) };
  expect((await post(agent, '/gare/nuova', '/gare', fields)).status).to.equal(302);
  const dossier = (await Dossier.findOne({ where: { contractingEntityId: body.id } }))!;
  const cig = uniqueCig();
  expect((await post(agent, `/gare/${dossier.id}/lotti/nuovo`, `/gare/${dossier.id}/lotti`, { number: '1', title: 'Servizio unico', value: '39.000', cig })).status).to.equal(302);
  return { body, rtd, agent, dossier, cig };
}

describe('tenders: documents from a catalogue template', () => {
  it('fills the demo determina with the dossier’s data as an editable DOCX; the signed .p7m becomes the document’s version', async () => {
    const { body, agent, dossier, cig } = await ownDossier();
    const slug = await demoTemplateSlug();
    const page = await agent.get(`/gare/${dossier.id}`);
    expect(page.text).to.contain(`/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`);
    const form = await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Determina a contrarre per affidamento diretto');
    expect(form.text).to.contain(`value="${slug}" checked`);

    const token = csrfFrom(form.text);
    const res = await agent
      .post(`/gare/${dossier.id}/documenti/modello`)
      .type('form')
      .send({ _csrf: token, type: 'determina_a_contrarre', template: slug, supplier: 'Web Romagna S.r.l.', supplierFiscalCode: '01234567890', reasons: 'Esperienza documentata su siti comunali e prezzo congruo.', requirements: 'DURC regolare, assenza di cause di esclusione (artt. 94-98).' })
      .buffer(true)
      .parse(binary);
    expect(res.status, String(res.body).slice(0, 300)).to.equal(200);
    expect(res.headers['content-type']).to.equal(DOCX);
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="determina-a-contrarre-.*\.docx"$/);
    expect(res.headers['cache-control']).to.equal('private, no-store');
    const docx = res.body as Buffer;
    expect((await detectFileType(docx, 'determina.docx'))?.label).to.equal('DOCX');
    const text = textOf(docx);
    for (const part of [`COMUNE DI ${body.name}`, dossier.title, 'Assistenza e manutenzione evolutiva del sito istituzionale per 24 mesi.', '€ 39.000,00', 'Web Romagna S.r.l.', '01234567890', 'Esperienza documentata su siti comunali e prezzo congruo.', 'DURC regolare', 'Giulia Rossi', `CIG: ${cig}`, 'lettera b)', 'contratto di servizi']) {
      expect(text).to.contain(part);
    }
    expect(text).to.not.contain('{');
    expect(await TenderDocument.count({ where: { dossierId: dossier.id } }), 'downloading stores nothing').to.equal(0);

    // Signed, it comes back as the document's version.
    const up = await agent
      .post(`/gare/${dossier.id}/documenti`)
      .field('_csrf', token)
      .field('type', 'determina_a_contrarre')
      .field('title', 'Determina a contrarre n. 12/2026')
      .field('visibility', 'public')
      .attach('file', demoP7m(docx), 'determina.docx.p7m');
    expect(up.status).to.equal(302);
    const doc = (await TenderDocument.findOne({ where: { dossierId: dossier.id, type: 'determina_a_contrarre' } }))!;
    const v = (await DocumentVersion.findOne({ where: { documentId: doc.id } }))!;
    expect(v.mime).to.equal('application/pkcs7-mime');
    expect(v.originalName).to.equal('determina.docx.p7m');
    // The template page now offers a new version of that document.
    expect((await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`)).text).to.contain(`/gare/${dossier.id}/documenti/${doc.id}#newv-h`);
  });

  it('leaves «[da completare]» where the dossier says nothing yet, and omits the CIG line when there is none', async () => {
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    const agent = await loginAs(rtd.email);
    expect((await post(agent, '/gare/nuova', '/gare', { ...dossierFields({ procedure: 'affidamento_diretto', estimatedValue: '12.500' }), rupUserId: String(rtd.id), contractingEntityId: String(body.id) })).status).to.equal(302);
    const dossier = (await Dossier.findOne({ where: { contractingEntityId: body.id } }))!;
    const token = csrfFrom((await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`)).text);
    const res = await agent.post(`/gare/${dossier.id}/documenti/modello`).type('form').send({ _csrf: token, type: 'determina_a_contrarre', template: await demoTemplateSlug() }).buffer(true).parse(binary);
    expect(res.status).to.equal(200);
    const text = textOf(res.body as Buffer);
    expect(text).to.contain('€ 12.500,00');
    expect(text).to.contain('operatore economico [da completare]');
    expect(text).to.contain('ragioni della scelta del contraente: [da completare]');
    expect(text).to.not.contain('CIG:');
  });

  it('refuses a template for another document type: the message next to the template on the form, 404 on a link', async () => {
    const { agent, dossier } = await ownDossier();
    const slug = await demoTemplateSlug();
    const res = await post(agent, `/gare/${dossier.id}/documenti/modello?tipo=capitolato`, `/gare/${dossier.id}/documenti/modello`, { type: 'capitolato', template: slug });
    expect(res.status).to.equal(422);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.text).to.contain('Il modello «Determina a contrarre per affidamento diretto» non è un modello di capitolato');
    expect(res.text).to.contain('id="f-template-error"');
    const link = await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=capitolato&modello=${slug}`);
    expect(link.status).to.equal(404);
    expect(link.text).to.contain('non è un modello di capitolato');
    // No template for this type yet: the page says so and points to the catalogue.
    const none = await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=capitolato`);
    expect(none.status).to.equal(200);
    expect(none.text).to.contain('id="template-none"');
    // An unknown template, no template, an unknown type.
    const unknown = await post(agent, `/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`, `/gare/${dossier.id}/documenti/modello`, { type: 'determina_a_contrarre', template: 'non-esiste', reasons: 'Motivi scritti dal RUP' });
    expect(unknown.status).to.equal(422);
    expect(unknown.text, 'what was typed is kept').to.contain('Motivi scritti dal RUP');
    expect(unknown.text).to.contain('Questo modello non è nel catalogo');
    const missing = await post(agent, `/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`, `/gare/${dossier.id}/documenti/modello`, { type: 'determina_a_contrarre' });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('Scegli un modello del catalogo.');
    expect((await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=nessuno`)).status).to.equal(404);
    expect((await post(agent, `/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`, `/gare/${dossier.id}/documenti/modello`, { type: 'nessuno', template: slug })).status).to.equal(404);
  });

  it('another comune gets 404 on the template page and its download; visitors are asked to sign in', async () => {
    const { agent, dossier } = await ownDossier();
    const slug = await demoTemplateSlug();
    const token = csrfFrom((await agent.get(`/gare/${dossier.id}`)).text);
    const strangerBody = await createBody();
    const stranger = await loginAs((await createUser('rtd', strangerBody.id)).email);
    const sToken = csrfFrom((await stranger.get('/gare')).text);
    const page = await stranger.get(`/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`);
    expect(page.status).to.equal(404);
    expect(page.text).to.not.contain(dossier.title);
    const download = await stranger.post(`/gare/${dossier.id}/documenti/modello`).type('form').send({ _csrf: sToken, type: 'determina_a_contrarre', template: slug });
    expect(download.status).to.equal(404);
    expect(download.text).to.not.contain(dossier.title);
    const { app } = await testContext();
    const visitor = await request(app).get(`/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`);
    expect(visitor.status).to.equal(302);
    expect(visitor.headers.location).to.match(/^\/login/);
    expect((await agent.post(`/gare/${dossier.id}/documenti/modello`).type('form').send({ _csrf: token, type: 'determina_a_contrarre', template: slug })).status, 'the comune itself still may').to.equal(200);
  });

  it('a cedent names in the catalogue form the tender document its template models; once published, dossiers offer it for that type only', async () => {
    const { agent: cedent } = await cedentWithUser('rtd');
    const name = `Capitolato tipo per l’assistenza ai siti ${Date.now()}`;
    const fields = {
      kind: 'template', name, url: '', landingURL: '', lang: 'it', license: 'cc-by-4.0', tags: 'capitolato',
      shortDescription: 'Capitolato tipo per i servizi di assistenza ai siti comunali.',
      longDescription: 'Il capitolato tipo raccoglie le clausole per i servizi di assistenza e manutenzione dei siti comunali, da compilare con i dati della pratica di gara.',
      features: 'Clausole tipo', categories: ['procurement'], scopes: ['local-authorities'], pnrrMeasures: [] as string[],
    };
    // Only a document template can model a tender document.
    const software = await postForm(cedent, '/catalogo/nuovo', '/catalogo/nuovo', { ...fields, kind: 'toolkit', documentType: 'capitolato' });
    expect(software.status).to.equal(422);
    expect(software.text).to.contain('Solo un modello di documento può essere il modello di un documento di gara');
    expect((await postForm(cedent, '/catalogo/nuovo', '/catalogo/nuovo', { ...fields, documentType: 'bilancio' })).status).to.equal(422);
    expect((await postForm(cedent, '/catalogo/nuovo', '/catalogo/nuovo', { ...fields, documentType: 'capitolato' })).status).to.equal(302);
    const asset = (await Asset.findOne({ where: { name } }))!;
    expect(asset.documentType).to.equal('capitolato');
    const path = `/catalogo/${asset.slug}`;
    expect((await cedent.get(`${path}/modifica`)).text).to.match(/<option value="capitolato"[^>]*selected/);
    expect((await cedent.get(path)).text).to.match(/<dd id="asset-document-type">Capitolato<\/dd>/);
    const token = await csrfOf(cedent, `${path}/modifica`);
    expect((await cedent.post(`${path}/file`).field('_csrf', token).field('role', 'attachment').field('title', 'Capitolato (DOCX)').attach('files', demoDeterminaDocx(), 'capitolato.docx')).status).to.equal(302);
    expect((await postForm(cedent, path, `${path}/invia`, {})).status).to.equal(302);

    const { agent, dossier } = await ownDossier();
    // Not offered before it is published.
    expect((await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=capitolato`)).text).to.not.contain(name);
    const staff = await loginAs('staff@cithub.example');
    expect((await postForm(staff, path, `${path}/pubblica`, { comment: '' })).status).to.equal(302);
    const offered = await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=capitolato`);
    expect(offered.text).to.contain(name);
    expect((await agent.get(`/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`)).text).to.not.contain(name);
    const filled = await agent.post(`/gare/${dossier.id}/documenti/modello`).type('form').send({ _csrf: csrfFrom(offered.text), type: 'capitolato', template: asset.slug }).buffer(true).parse(binary);
    expect(filled.status).to.equal(200);
    expect(textOf(filled.body as Buffer)).to.contain('€ 39.000,00');
  });
});
