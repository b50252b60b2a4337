// "Done when" of the tenders issue, in a real browser: staff take the demo cloud dossier from needs
// collection to contract, two comuni answer the needs call, documents get versions; every tender
// page visited passes axe (WCAG 2.1 A/AA) with the strict CSP on.
import { expect } from 'chai';
import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { Entity } from '../../src/modules/entities/models.js';
import { demoP7m, demoPdf } from '../../src/modules/tenders/demo-files.js';
import { todayInRome } from '../../src/modules/tenders/dates.js';
import { DocumentVersion, Dossier, Lot, NeedsAnswer, TenderDocument } from '../../src/modules/tenders/models.js';
import { DEMO_CLOUD_TITLE, DEMO_WEB_TITLE } from '../../src/modules/tenders/seed.js';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';
import { createUser } from '../helpers/factories.js';


async function submit(page: Page, selector = 'main form[method="post"]:last-of-type button[type=submit]:not([name="check"])') {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(selector)]);
}

async function uploadDocument(page: Page, baseUrl: string, id: number, type: string, title: string, visibility: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  await page.goto(`${baseUrl}/gare/${id}/documenti/nuovo`);
  await page.selectOption('#f-type', type);
  await page.fill('#f-title', title);
  await page.click(`label[for="f-visibility-${visibility}"]`);
  await page.setInputFiles('#f-file', file);
  await submit(page, 'main form button[type=submit]');
  expect(page.url()).to.contain(`/gare/${id}`);
  expect(await page.textContent('main')).to.contain(`Documento «${title}» caricato.`);
}

async function movePhase(page: Page, baseUrl: string, id: number, to: string, label: string) {
  await page.goto(`${baseUrl}/gare/${id}/fase?to=${to}`);
  await submit(page, 'main form[action$="/fase"] button[type=submit]');
  expect(await page.textContent('main'), `move to ${to}`).to.contain(`La gara è ora in fase «${label}».`);
}

describe('tenders in a real browser', function () {
  this.timeout(240_000);
  before(function () {
    requireBrowser(this);
  });

  it('staff take the demo cloud dossier from needs collection to contract; two comuni answer; documents get versions', async () => {
    const { baseUrl } = await testContext();
    const dossier = (await Dossier.findOne({ where: { title: DEMO_CLOUD_TITLE } }))!;
    expect(dossier.phase).to.equal('needs_collection');
    const id = dossier.id;

    // Two invited comuni that have not answered yet: their RTDs answer the needs call.
    const otranto = (await Entity.findOne({ where: { ipaCode: 'c_g188' } }))!;
    const castro = (await Entity.findOne({ where: { ipaCode: 'c_c336' } }))!;
    const answered = await NeedsAnswer.count();
    for (const [body, qty] of [[otranto, '6'], [castro, '3']] as const) {
      const rtd = await createUser('rtd', body.id);
      const page = await newPage();
      await browserLogin(page, baseUrl, rtd.email);
      await page.goto(`${baseUrl}/gare`);
      await expectAccessible(page, 'list as a body user');
      expect(await page.textContent('main')).to.contain('Fabbisogni da comunicare');
      await page.goto(`${baseUrl}/gare/${id}`);
      await expectAccessible(page, 'dossier as a body user');
      expect(await page.textContent('main')).to.not.contain('Nota istruttoria del RUP');
      await page.goto(`${baseUrl}/gare/${id}/fabbisogni`);
      await expectAccessible(page, 'needs form');
      const inputs = page.locator('main form input[name^="q_"]');
      expect(await inputs.count()).to.equal(4);
      // A mistake first: it is explained and the other values are kept.
      await inputs.nth(0).fill('-2');
      await inputs.nth(1).fill('40');
      await submit(page, 'main form button[type=submit]');
      expect(await page.textContent('#error-summary')).to.contain('le quantità non possono essere negative');
      expect(await inputs.nth(1).inputValue()).to.equal('40');
      await expectAccessible(page, 'needs form with errors');
      await inputs.nth(0).fill(qty);
      await inputs.nth(2).fill('300');
      await inputs.nth(3).fill('9.500,00');
      await page.fill('#f-notes', `Risposta di ${body.name}`);
      await submit(page, 'main form button[type=submit]');
      expect(await page.textContent('main')).to.contain('Fabbisogni inviati');
      // Changed before the deadline.
      await inputs.nth(1).fill('45');
      await submit(page, 'main form button[type=submit]');
      expect(await page.textContent('main')).to.contain('Fabbisogni aggiornati');
      await page.context().close();
    }
    expect(await NeedsAnswer.count()).to.equal(answered + 2);

    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    await staff.goto(`${baseUrl}/gare`);
    await expectAccessible(staff, 'list as staff');
    await staff.goto(`${baseUrl}/gare/${id}/fabbisogni`);
    await expectAccessible(staff, 'needs summary');
    const summary = await staff.textContent('main');
    expect(summary).to.contain('Risposte per ente (5 su 8)');
    expect(summary).to.contain('Non hanno ancora risposto (3)');
    expect(summary).to.contain('Risposta di Comune di Otranto');
    await staff.goto(`${baseUrl}/gare/${id}/fabbisogni/avvio`);
    await expectAccessible(staff, 'needs call form');
    await staff.goto(`${baseUrl}/gare/${id}`);
    await expectAccessible(staff, 'dossier as staff');

    // Needs collection → preparation.
    await staff.goto(`${baseUrl}/gare/${id}/fase?to=preparation`);
    await expectAccessible(staff, 'phase page');
    await submit(staff, 'main form[action$="/fase"] button[type=submit]');
    expect(await staff.textContent('main')).to.contain('La gara è ora in fase «Preparazione».');

    // Publishing needs the documents and a CIG on each lot: the page says what is missing.
    await staff.goto(`${baseUrl}/gare/${id}/fase?to=published`);
    const missing = await staff.textContent('main');
    expect(missing).to.contain('Manca Determina a contrarre');
    expect(missing).to.contain('non ha ancora il CIG');
    await submit(staff, 'main form[action$="/fase"] button[type=submit]');
    expect(await staff.textContent('#error-summary')).to.contain('mancano i documenti: determina a contrarre, bando o lettera d\'invito, capitolato');
    await expectAccessible(staff, 'phase page with errors');

    const lots = await Lot.findAll({ where: { dossierId: id }, order: [['number', 'ASC']] });
    for (const [i, lot] of lots.entries()) {
      await staff.goto(`${baseUrl}/gare/${id}/lotti/${lot.id}/modifica`);
      if (i === 0) await expectAccessible(staff, 'lot form');
      await staff.fill('#f-cig', `C1A2B3D4E${i}`);
      await submit(staff, 'main form button[type=submit]');
      expect(await staff.textContent('main')).to.contain(`Lotto ${lot.number} aggiornato.`);
    }
    await staff.goto(`${baseUrl}/gare/${id}/documenti/nuovo`);
    await expectAccessible(staff, 'document form');
    const pdf = (title: string) => ({ name: `${title.toLowerCase().replace(/[^a-z]+/g, '-')}.pdf`, mimeType: 'application/pdf', buffer: demoPdf(title) });
    await uploadDocument(staff, baseUrl, id, 'determina_a_contrarre', 'Determina a contrarre n. 5/2027', 'public', pdf('Determina a contrarre'));
    await uploadDocument(staff, baseUrl, id, 'bando_lettera_invito', 'Bando di gara', 'public', pdf('Bando di gara'));
    await uploadDocument(staff, baseUrl, id, 'capitolato', 'Capitolato tecnico', 'staff', pdf('Capitolato bozza'));

    // The capitolato gets a second, public version; the draft stays with staff.
    const cap = (await TenderDocument.findOne({ where: { dossierId: id, type: 'capitolato' } }))!;
    await staff.goto(`${baseUrl}/gare/${id}/documenti/${cap.id}`);
    await staff.click('label[for="f-visibility-public"]');
    await staff.setInputFiles('#f-file', pdf('Capitolato definitivo'));
    await staff.fill('#f-note', 'Versione approvata');
    await submit(staff, 'main form button[type=submit]');
    expect(await staff.textContent('main')).to.contain('Versione 2 caricata.');
    expect(await staff.locator('main table tbody tr').count()).to.equal(2);
    await expectAccessible(staff, 'document with versions');
    const versions = await DocumentVersion.findAll({ where: { documentId: cap.id }, order: [['version', 'ASC']] });
    expect(versions.map((v) => v.visibility)).to.deep.equal(['staff', 'public']);

    await movePhase(staff, baseUrl, id, 'published', 'Pubblicata');
    await movePhase(staff, baseUrl, id, 'evaluation', 'Valutazione');

    // Awarded needs the award act: refused first, with the reason.
    await staff.goto(`${baseUrl}/gare/${id}/fase?to=awarded`);
    await submit(staff, 'main form[action$="/fase"] button[type=submit]');
    expect(await staff.textContent('#error-summary')).to.contain('mancano i documenti: provvedimento di aggiudicazione');
    await staff.goto(`${baseUrl}/gare/${id}/aggiudicazione`);
    await expectAccessible(staff, 'award form');
    await staff.fill('#f-awardSupplierName', 'Cloud Salento S.r.l.');
    await staff.fill('#f-awardSupplierFiscalCode', '05123450759');
    await staff.fill('#f-awardValue', '1.050.000,00');
    await staff.fill('#f-awardDate', todayInRome());
    await submit(staff, 'main form button[type=submit]');
    expect(await staff.textContent('main')).to.contain('Aggiudicazione e contratto aggiornati.');
    await uploadDocument(staff, baseUrl, id, 'provvedimento_aggiudicazione', 'Provvedimento di aggiudicazione n. 12/2027', 'public', pdf('Aggiudicazione'));
    await movePhase(staff, baseUrl, id, 'awarded', 'Aggiudicata');

    // Contract: the signed contract (.p7m) and the date of signature.
    await staff.goto(`${baseUrl}/gare/${id}/aggiudicazione`);
    await staff.fill('#f-contractValue', '1.050.000,00');
    await staff.fill('#f-contractSignedOn', todayInRome());
    await submit(staff, 'main form button[type=submit]');
    await uploadDocument(staff, baseUrl, id, 'contratto', 'Contratto firmato digitalmente', 'public', { name: 'contratto.pdf.p7m', mimeType: 'application/pkcs7-mime', buffer: demoP7m(demoPdf('Contratto')) });
    await movePhase(staff, baseUrl, id, 'contract', 'Contratto');
    await expectAccessible(staff, 'dossier in contract phase');
    const history = await staff.textContent('#storico ~ ol');
    for (const step of ['«Raccolta fabbisogni» a «Preparazione»', '«Preparazione» a «Pubblicata»', '«Valutazione» a «Aggiudicata»', '«Aggiudicata» a «Contratto»', 'Nuova versione 2 del documento «Capitolato tecnico»']) {
      expect(history).to.contain(step);
    }

    // Open data and calendar of the dossier, as anyone gets them.
    const ocds = await staff.request.get(`${baseUrl}/gare/${id}/ocds.json`);
    const pkg = (await ocds.json()) as { releases: Array<{ tag: string[]; contracts?: Array<{ status: string }>; tender: { documents?: Array<{ title: string }> } }> };
    expect(pkg.releases[0].tag).to.deep.equal(['contract']);
    expect(pkg.releases[0].contracts![0].status).to.equal('active');
    expect(JSON.stringify(pkg)).to.not.contain('Nota istruttoria');
    const ics = await (await staff.request.get(`${baseUrl}/gare/${id}/scadenze.ics`)).text();
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
    expect(events.length).to.equal(5);

    await staff.goto(`${baseUrl}/gare/scadenze`);
    await expectAccessible(staff, 'deadlines dashboard');
    await staff.goto(`${baseUrl}/gare/nuova`);
    await staff.selectOption('#f-procedure', 'affidamento_diretto');
    await staff.fill('#f-estimatedValue', '500.000');
    await staff.locator('#procedure-warnings .alert-warning').waitFor();
    expect(await staff.textContent('#procedure-warnings')).to.contain("L'affidamento diretto è ammesso");
    await expectAccessible(staff, 'new dossier form with the procedure warning');

    // The other staff forms, on the awarded demo dossier.
    const web = (await Dossier.findOne({ where: { title: DEMO_WEB_TITLE } }))!;
    const webLot = (await Lot.findOne({ where: { dossierId: web.id, number: 1 } }))!;
    for (const [path, label] of [
      [`/gare/${web.id}`, 'awarded dossier as staff'],
      [`/gare/${web.id}/scadenze/nuova`, 'milestone form'],
      [`/gare/${web.id}/lotti/${webLot.id}/annulla`, 'lot cancellation'],
      [`/gare/${web.id}/partecipanti/nuovo`, 'participant form'],
      [`/gare/${web.id}/fase?to=cancelled`, 'dossier cancellation'],
    ] as const) {
      await staff.goto(`${baseUrl}${path}`);
      await expectAccessible(staff, label);
    }
    await staff.context().close();

    // A participating comune and a visitor on the awarded dossier.
    const russi = await newPage();
    await browserLogin(russi, baseUrl, 'rtd@russi.cithub.example');
    await russi.goto(`${baseUrl}/gare/${web.id}`);
    const seen = await russi.textContent('main');
    expect(seen).to.contain("Lettera d'invito agli operatori economici");
    expect(seen).to.not.contain('Verbale riservato');
    await expectAccessible(russi, 'awarded dossier as a participating body');
    await russi.context().close();
    const visitor = await newPage();
    await visitor.goto(`${baseUrl}/gare/${web.id}`);
    expect(await visitor.textContent('main')).to.not.contain("Lettera d'invito agli operatori economici");
    await expectAccessible(visitor, 'awarded dossier as a visitor');
    await visitor.context().close();
  });
});
