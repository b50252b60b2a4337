// "Done when" of the own-procedures issue, in a real browser: the RTD of Russi opens an affidamento
// diretto for a € 39.000 service from the comune's page, the dossier proposes its documents, the
// determina is generated from the catalogue's demo template (the DOCX read back) and uploaded
// signed, staff comment on it, the RTD takes the dossier to the contract. The open data of the demo
// dossier with a failed lot: one award per lot, the same bytes twice but for publishedDate.
// Every page visited passes axe (WCAG 2.1 A/AA) with the strict CSP on.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import type { Page } from 'playwright-core';
import { User } from '../../src/modules/accounts/models.js';
import { Entity } from '../../src/modules/entities/models.js';
import { demoP7m, demoPdf } from '../../src/modules/tenders/demo-files.js';
import { todayInRome } from '../../src/modules/tenders/dates.js';
import { DEMO_WEB_TITLE } from '../../src/modules/tenders/seed.js';
import { DocumentVersion, Dossier, TenderComment, TenderDocument } from '../../src/modules/tenders/models.js';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';


async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(selector)]);
}

describe('a comune’s own procedure in a real browser', function () {
  this.timeout(240_000);
  before(function () {
    requireBrowser(this);
  });

  it('the RTD of Russi opens an affidamento diretto for a € 39.000 service, generates the determina from the demo template and uploads it signed, staff comment, the dossier reaches the contract; the demo OCDS has one award per lot and the same bytes twice', async () => {
    const { baseUrl } = await testContext();
    const russi = (await Entity.findOne({ where: { ipaCode: 'c_h642' } }))!;
    const title = `Assistenza al sito istituzionale ${Date.now().toString(36)}`;
    const rtd = await newPage();
    await browserLogin(rtd, baseUrl, 'rtd@russi.cithub.example');
    await rtd.goto(`${baseUrl}/enti/${russi.id}`);
    await expectAccessible(rtd, 'body page');
    await submit(rtd, `a[href="/gare/nuova?ente=${russi.id}"]`);
    await expectAccessible(rtd, 'new own dossier form');
    await rtd.fill('#f-title', title);
    await rtd.fill('#f-object', 'Assistenza e manutenzione evolutiva del sito istituzionale per 24 mesi.');
    await rtd.selectOption('#f-category', 'services');
    await rtd.selectOption('#f-procedure', 'affidamento_diretto');
    await rtd.fill('#f-estimatedValue', '39.000');
    await submit(rtd, 'main form button.btn-primary[type=submit]');
    expect(await rtd.textContent('main')).to.contain(title);
    const dossier = (await Dossier.findOne({ where: { title } }))!;
    expect(dossier.contractingEntityId).to.equal(russi.id);
    const id = dossier.id;

    // The dossier proposes the procedure and the documents, in order, with the legal terms.
    const guide = await rtd.textContent('#percorso');
    expect(guide).to.contain('Procedura consentita dal D.Lgs. 36/2023: Affidamento diretto.');
    expect(guide).to.contain('Determina a contrarre');
    expect(guide).to.contain('il contraente, le ragioni della scelta');
    expect(guide).to.contain('entro 30 giorni');
    await expectAccessible(rtd, 'own dossier page');

    await rtd.goto(`${baseUrl}/gare/${id}/lotti/nuovo`);
    await rtd.fill('#f-title', 'Servizio unico');
    const cig = `R${Date.now().toString(36).toUpperCase()}`.padEnd(10, 'X').slice(0, 10);
    await rtd.fill('#f-cig', cig);
    await rtd.fill('#f-value', '39.000');
    await submit(rtd, 'main form button[type=submit]');

    // The determina starts from the catalogue's demo template, filled with the dossier's data and
    // downloaded as an editable DOCX; the signed .p7m then becomes the document's version.
    await rtd.goto(`${baseUrl}/gare/${id}`);
    await submit(rtd, `#percorso a[href="/gare/${id}/documenti/modello?tipo=determina_a_contrarre"]`);
    expect(await rtd.textContent('main')).to.contain('Determina a contrarre per affidamento diretto');
    await expectAccessible(rtd, 'template page');
    await rtd.fill('#f-supplier', 'Web Romagna S.r.l.');
    await rtd.fill('#f-supplierFiscalCode', '01234567890');
    await rtd.fill('#f-reasons', 'Esperienza documentata su siti comunali, prezzo congruo rispetto al mercato, rotazione rispettata.');
    await rtd.fill('#f-requirements', 'Requisiti di ordine generale (artt. 94-98) verificati sul FVOE; DURC regolare.');
    const [download] = await Promise.all([rtd.waitForEvent('download'), rtd.click('#template-download')]);
    expect(download.suggestedFilename()).to.match(/^determina-a-contrarre-assistenza-al-sito-istituzionale-.*\.docx$/);
    const docx = await readFile(await download.path());
    const text = new Docxtemplater(new PizZip(docx), { paragraphLoop: true, linebreaks: true }).getFullText();
    const rup = (await User.findOne({ where: { email: 'rtd@russi.cithub.example' } }))!;
    for (const part of [`COMUNE DI ${russi.name}`, title, 'Assistenza e manutenzione evolutiva del sito istituzionale per 24 mesi.', '€ 39.000,00', 'Web Romagna S.r.l.', '01234567890', 'rotazione rispettata', 'DURC regolare', rup.name, `CIG: ${cig}`]) {
      expect(text, part).to.contain(part);
    }
    await submit(rtd, '#template-upload');
    await expectAccessible(rtd, 'document form');
    expect(await rtd.inputValue('#f-type')).to.equal('determina_a_contrarre');
    await rtd.fill('#f-title', 'Determina a contrarre e di affidamento n. 12/2026');
    await rtd.click('label[for="f-visibility-public"]');
    await rtd.setInputFiles('#f-file', { name: 'determina-firmata.docx.p7m', mimeType: 'application/pkcs7-mime', buffer: demoP7m(docx) });
    await submit(rtd, 'main form button[type=submit]');
    const determina = (await TenderDocument.findOne({ where: { dossierId: id, type: 'determina_a_contrarre' } }))!;
    const signed = (await DocumentVersion.findOne({ where: { documentId: determina.id } }))!;
    expect([signed.version, signed.mime, signed.originalName]).to.deep.equal([1, 'application/pkcs7-mime', 'determina-firmata.docx.p7m']);

    // Staff comment on it; the comune reads the comment.
    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    await staff.goto(`${baseUrl}/gare?tipo=comuni`);
    expect(await staff.textContent('main')).to.contain(title);
    await expectAccessible(staff, 'staff list of own dossiers');
    await staff.goto(`${baseUrl}/gare/${id}/documenti/${determina.id}`);
    await staff.fill('#f-comment-doc', 'Determina completa: oggetto, importo, contraente e ragioni della scelta ci sono.');
    await submit(staff, 'main form[action$="/commenti"] button[type=submit]');
    expect(await TenderComment.count({ where: { dossierId: id, documentId: determina.id } })).to.equal(1);
    await expectAccessible(staff, 'document page with a comment');
    await staff.context().close();
    await rtd.goto(`${baseUrl}/gare/${id}/documenti/${determina.id}`);
    expect(await rtd.textContent('main')).to.contain('Determina completa');
    await expectAccessible(rtd, 'document page as the comune');

    // The RTD takes the dossier to the contract.
    for (const to of ['published', 'evaluation']) {
      await rtd.goto(`${baseUrl}/gare/${id}/fase?to=${to}`);
      await submit(rtd, 'main form[action$="/fase"] button[type=submit]');
    }
    await rtd.goto(`${baseUrl}/gare/${id}/aggiudicazione`);
    await rtd.fill('#f-awardSupplierName', 'Web Romagna S.r.l.');
    await rtd.fill('#f-awardValue', '38.900');
    await rtd.fill('#f-awardDate', todayInRome());
    await rtd.fill('#f-contractSignedOn', todayInRome());
    await submit(rtd, 'main form button[type=submit]');
    await rtd.goto(`${baseUrl}/gare/${id}/fase?to=awarded`);
    await submit(rtd, 'main form[action$="/fase"] button[type=submit]');
    await rtd.goto(`${baseUrl}/gare/${id}/documenti/nuovo?tipo=contratto`);
    await rtd.fill('#f-title', 'Lettera contratto');
    await rtd.click('label[for="f-visibility-public"]');
    await rtd.setInputFiles('#f-file', { name: 'contratto.pdf', mimeType: 'application/pdf', buffer: demoPdf('Contratto') });
    await submit(rtd, 'main form button[type=submit]');
    await rtd.goto(`${baseUrl}/gare/${id}/fase?to=contract`);
    await expectAccessible(rtd, 'phase page');
    await submit(rtd, 'main form[action$="/fase"] button[type=submit]');
    expect(await rtd.textContent('main')).to.contain('La gara è ora in fase «Contratto».');
    expect((await Dossier.findByPk(id))!.phase).to.equal('contract');
    await expectAccessible(rtd, 'own dossier at the contract');

    // The demo dossier with a failed lot, as a consumer reads it: one award per lot, the failed one
    // unsuccessful; asked twice with no change in between, the same bytes but for publishedDate.
    const web = (await Dossier.findOne({ where: { title: DEMO_WEB_TITLE } }))!;
    const first = await (await rtd.request.get(`${baseUrl}/gare/${web.id}/ocds.json`)).text();
    const second = await (await rtd.request.get(`${baseUrl}/gare/${web.id}/ocds.json`)).text();
    const strip = (json: string) => json.replace(/"publishedDate":"[^"]*"/, '"publishedDate":""');
    expect(strip(second)).to.equal(strip(first));
    const release = (JSON.parse(first) as { releases: Array<{ tender: { lots: Array<{ id: string; status: string }> }; awards: Array<{ status: string; relatedLots: string[] }> }> }).releases[0];
    expect(release.awards.map((a) => [a.relatedLots, a.status])).to.deep.equal(release.tender.lots.map((l) => [[l.id], l.status === 'unsuccessful' ? 'unsuccessful' : 'active']));
    expect(release.tender.lots.filter((l) => l.status === 'unsuccessful')).to.have.length(1);
    await rtd.context().close();
  });
});
