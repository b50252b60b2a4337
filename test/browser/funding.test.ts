// Funding in a real browser: the public list of calls, staff entering a regional call by hand (an
// error first), a comune's RTD recording an application, the project page with its stages and the
// per-comune page; every page visited passes axe (WCAG 2.1 A/AA) with the strict CSP on.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { setBodyRtd } from '../../src/modules/entities/index.js';
import { FundingCall, FundingProject } from '../../src/modules/funding/models.js';
import { sendDeadlineReminders } from '../../src/modules/funding/reminders.js';
import { demoPdf } from '../../src/modules/tenders/demo-files.js';
import { addDays, todayInRome } from '../../src/modules/tenders/index.js';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, DESKTOP, newPage, PHONE, requireBrowser } from '../helpers/browser.js';
import { createBody, createUser } from '../helpers/factories.js';


async function submit(page: Page) {
  await Promise.all([page.waitForNavigation(), page.click('main form[method="post"] button[type=submit]')]);
}

describe('funding in a real browser', function () {
  this.timeout(240_000);
  before(function () {
    requireBrowser(this);
  });

  it('calls list, a regional call entered by staff, an application by an RTD, its project page and the per-comune page', async () => {
    const { baseUrl } = await testContext();
    const visitor = await newPage();
    await visitor.goto(`${baseUrl}/finanziamenti/avvisi`);
    await expectAccessible(visitor, 'calls list');
    await visitor.selectOption('#state', 'closed');
    await Promise.all([visitor.waitForNavigation(), visitor.click('main form[role="search"] button[type=submit]')]);
    expect(visitor.url()).to.contain('state=closed');
    expect(await visitor.textContent('main table')).to.contain('1.3.1 Piattaforma Digitale Nazionale Dati');

    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    await staff.goto(`${baseUrl}/finanziamenti/avvisi/nuovo`);
    await expectAccessible(staff, 'new call form');
    const title = `Bando regionale per la connettività ${Date.now().toString(36)}`;
    await staff.fill('#f-title', title);
    await staff.fill('#f-opensOn', addDays(todayInRome(), -3));
    await staff.fill('#f-closesOn', addDays(todayInRome(), -10));
    await staff.fill('#f-amountPercent', '70');
    await staff.fill('#f-amountCap', '40.000');
    await submit(staff);
    expect(await staff.textContent('#error-summary')).to.contain('La data di chiusura non può precedere quella di apertura.');
    await expectAccessible(staff, 'new call form with an error');
    expect(await staff.inputValue('#f-title')).to.equal(title);
    await staff.fill('#f-closesOn', addDays(todayInRome(), 30));
    await submit(staff);
    expect(await staff.textContent('main')).to.contain(`Avviso «${title}» creato.`);
    await expectAccessible(staff, 'call page as staff');
    const call = (await FundingCall.findOne({ where: { title } }))!;

    const body = await createBody({ name: `Comune di Prova Browser ${Date.now().toString(36)}` });
    const rtd = await createUser('rtd', body.id);
    const page = await newPage();
    await browserLogin(page, baseUrl, rtd.email);
    await page.goto(`${baseUrl}/finanziamenti/avvisi/${call.id}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="/finanziamenti/progetti/nuovo?avviso=${call.id}"]`)]);
    await expectAccessible(page, 'application form');
    await page.fill('#f-amount', '28.000');
    await page.fill('#f-cup', 'B51F2600001234');
    await page.selectOption('#f-state', 'funded');
    await page.fill('#f-fundedOn', addDays(todayInRome(), -80));
    await submit(page);
    expect(await page.textContent('#error-summary')).to.contain('Il CUP deve essere di 15 caratteri');
    await page.fill('#f-cup', 'B51F26000012345');
    await submit(page);
    expect(await page.textContent('main')).to.contain('Candidatura registrata.');
    // Funded 80 days ago, 180 days for the contract: due in 100 days, on time.
    expect(await page.textContent('main')).to.contain('Contratto con il fornitore');
    await expectAccessible(page, 'project page');
    const project = (await FundingProject.findOne({ where: { entityId: body.id } }))!;
    expect(project.cup).to.equal('B51F26000012345');

    await page.goto(`${baseUrl}/finanziamenti/enti/${body.id}`);
    expect(await page.textContent('main')).to.contain(title);
    await expectAccessible(page, 'per-comune page');
    for (const p of [visitor, staff, page]) await p.close();
  });

  it('Done when: staff add the regional call by hand, a comune applies, gets funded, its project walks the stages to erogata with evidence; the deadline mail arrives; dashboard and upload page', async () => {
    const { baseUrl, platform, inbox } = await testContext();
    const shots = process.env.SCREENSHOT_DIR;
    const shoot = async (page: Page, name: string) => {
      if (!shots) return;
      mkdirSync(shots, { recursive: true });
      for (const size of [DESKTOP, PHONE]) {
        await page.setViewportSize(size);
        await page.screenshot({ path: path.join(shots, `funding-${name}-${size.width}.png`), fullPage: true });
      }
      await page.setViewportSize(DESKTOP);
    };
    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    // The Emilia-Romagna-style call: 2 million euro, 70 % of the costs up to a cap, first come first served.
    await staff.goto(`${baseUrl}/finanziamenti/avvisi/nuovo`);
    const title = `Bando regionale per il lavoro agile negli enti locali ${Date.now().toString(36)}`;
    await staff.fill('#f-title', title);
    await staff.fill('#f-opensOn', addDays(todayInRome(), -5));
    await staff.fill('#f-closesOn', addDays(todayInRome(), 40));
    await staff.fill('#f-budget', '2.000.000');
    await staff.fill('#f-amountPercent', '70');
    await staff.fill('#f-amountCap', '40.000');
    await staff.click('label[for="f-firstCome"]');
    await submit(staff);
    expect(await staff.textContent('main')).to.contain(`Avviso «${title}» creato.`);
    const call = (await FundingCall.findOne({ where: { title } }))!;
    expect([call.source, call.amountPercent, call.amountCapCents, call.firstCome]).to.deep.equal(['regional', 70, 4_000_000, true]);

    // A comune's RTD applies.
    const body = await createBody({ name: `Unione dei Comuni di Prova ${Date.now().toString(36)}`, kind: 'unione' });
    const rtd = await createUser('rtd', body.id);
    await setBodyRtd(body.id, rtd.id);
    const page = await newPage();
    await browserLogin(page, baseUrl, rtd.email);
    await page.goto(`${baseUrl}/finanziamenti/avvisi/${call.id}`);
    await Promise.all([page.waitForNavigation(), page.click(`a[href="/finanziamenti/progetti/nuovo?avviso=${call.id}"]`)]);
    await page.fill('#f-title', 'Lavoro agile per 40 dipendenti');
    await page.fill('#f-amount', '28.000');
    await page.selectOption('#f-state', 'submitted');
    await page.fill('#f-submittedOn', addDays(todayInRome(), -175));
    await submit(page);
    expect(await page.textContent('main')).to.contain('Candidatura registrata.');
    const project = (await FundingProject.findOne({ where: { entityId: body.id } }))!;

    // Staff record the funding decree: admitted and funded 170 days ago, so the contract (180 days) is due in 10.
    await staff.goto(`${baseUrl}/finanziamenti/progetti/${project.id}/modifica`);
    await staff.selectOption('#f-state', 'funded');
    await staff.fill('#f-cup', 'E31B26000123456');
    await staff.fill('#f-decree', 'Determinazione n. 1234/2026');
    await staff.fill('#f-admittedOn', addDays(todayInRome(), -170));
    await staff.fill('#f-fundedOn', addDays(todayInRome(), -170));
    await submit(staff);
    expect(await staff.textContent('main')).to.contain('Imminente');
    await expectAccessible(staff, 'funded project page (staff)');

    // The deadline reminder reaches the RTD through the SMTP server.
    expect(await sendDeadlineReminders(platform, { projectIds: [project.id] })).to.equal(1);
    const mail = await inbox.waitFor(rtd.email, /Scadenza vicina, tra 10 giorni: Contratto con il fornitore/);
    expect(mail.text).to.contain(`/finanziamenti/progetti/${project.id}`);

    // The RTD uploads the contract, then walks the stages to erogata and uploads the CRE.
    const upload = async (type: string, docTitle: string) => {
      await page.goto(`${baseUrl}/finanziamenti/progetti/${project.id}/evidenze/nuova`);
      await page.selectOption('#f-type', type);
      await page.fill('#f-title', docTitle);
      await page.setInputFiles('#f-file', { name: `${type}.pdf`, mimeType: 'application/pdf', buffer: demoPdf(docTitle) });
      await submit(page);
      expect(await page.textContent('main')).to.contain(docTitle);
    };
    await upload('contratto', 'Contratto con il fornitore del lavoro agile');
    await page.goto(`${baseUrl}/finanziamenti/progetti/${project.id}/modifica`);
    await expectAccessible(page, 'project form (RTD)');
    const steps: Array<[string, number]> = [['#f-contractOn', -165], ['#f-completedOn', -60], ['#f-asseveratedOn', -40], ['#f-creOn', -30], ['#f-paymentRequestedOn', -20], ['#f-paidOn', -3]];
    for (const [field, days] of steps) await page.fill(field, addDays(todayInRome(), days));
    await page.selectOption('#f-state', 'paid');
    await submit(page);
    expect(await page.textContent('main')).to.contain('Erogata');
    await upload('cre', 'Certificato di regolare esecuzione del RUP');
    const done = (await FundingProject.findByPk(project.id))!;
    expect([done.state, done.paidOn]).to.deep.equal(['paid', addDays(todayInRome(), -3)]);
    await expectAccessible(page, 'paid project page with evidence');
    await shoot(page, 'project');

    // The staff dashboard and the upload page of the open data.
    await staff.goto(`${baseUrl}/finanziamenti`);
    expect(await staff.textContent('main')).to.contain('Importi per misura');
    await expectAccessible(staff, 'staff dashboard');
    await shoot(staff, 'dashboard');
    await staff.goto(`${baseUrl}/finanziamenti/importa`);
    await expectAccessible(staff, 'upload page');
    const csv = 'codice_ipa,ente,importo_finanziamento,avviso,stato_candidatura,codice_cup\n' + `${body.ipaCode},${body.name},20344.0,1.2 Abilitazione al Cloud per le PA Locali Comuni,X,\n`;
    await staff.setInputFiles('#f-files', { name: 'candidature_prova_finanziate.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await submit(staff);
    const id = Number(/\/finanziamenti\/importa\/(\d+)/.exec(staff.url())![1]);
    for (;;) {
      const [row] = await platform.sequelize.query<{ status: string }>('SELECT status FROM funding_imports WHERE id = :id', { replacements: { id }, type: QueryTypes.SELECT });
      if (row.status === 'done' || row.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await staff.goto(`${baseUrl}/finanziamenti/importa/${id}`);
    expect(await staff.textContent('main')).to.contain('Stato della candidatura sconosciuto «X»');
    await expectAccessible(staff, 'import report');
    await shoot(staff, 'import');
    for (const p of [staff, page]) await p.close();
  });
});
