// "Done when" of the own-procedures issue, in a real browser: the RTD of Russi opens an affidamento
// diretto for a € 39.000 service from the comune's page, the dossier proposes its documents, the
// signed determina is uploaded, staff comment on it, the RTD takes the dossier to the contract.
// Every page visited passes axe (WCAG 2.1 A/AA) with the strict CSP on.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Entity } from '../../src/modules/entities/models.js';
import { demoP7m, demoPdf } from '../../src/modules/tenders/demo-files.js';
import { todayInRome } from '../../src/modules/tenders/dates.js';
import { Dossier, TenderComment, TenderDocument } from '../../src/modules/tenders/models.js';
import { testContext } from '../helpers/app.js';
import { axeViolations, browserLogin, cspViolations, describeViolations, newPage, requireBrowser } from '../helpers/browser.js';

async function expectAccessible(page: Page, label: string) {
  const violations = await axeViolations(page);
  expect(violations, `${label}:\n${describeViolations(violations)}`).to.have.length(0);
  expect(cspViolations(page), label).to.deep.equal([]);
}

async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(selector)]);
}

describe('a comune’s own procedure in a real browser', function () {
  this.timeout(240_000);
  before(function () {
    requireBrowser(this);
  });

  it('the RTD of Russi opens an affidamento diretto for a € 39.000 service, uploads the signed determina, staff comment, the dossier reaches the contract', async () => {
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
    await rtd.fill('#f-cig', `R${Date.now().toString(36).toUpperCase()}`.padEnd(10, 'X').slice(0, 10));
    await rtd.fill('#f-value', '39.000');
    await submit(rtd, 'main form button[type=submit]');

    // The signed determina (.p7m) becomes the document's version.
    await rtd.goto(`${baseUrl}/gare/${id}/documenti/nuovo?tipo=determina_a_contrarre`);
    await expectAccessible(rtd, 'document form');
    await rtd.fill('#f-title', 'Determina a contrarre e di affidamento n. 12/2026');
    await rtd.click('label[for="f-visibility-public"]');
    await rtd.setInputFiles('#f-file', { name: 'determina-firmata.pdf.p7m', mimeType: 'application/pkcs7-mime', buffer: demoP7m(demoPdf('Determina a contrarre')) });
    await submit(rtd, 'main form button[type=submit]');
    const determina = (await TenderDocument.findOne({ where: { dossierId: id, type: 'determina_a_contrarre' } }))!;

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
    await rtd.context().close();
  });
});
