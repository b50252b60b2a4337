// Funding in a real browser: the public list of calls, staff entering a regional call by hand (an
// error first), a comune's RTD recording an application, the project page with its stages and the
// per-comune page; every page visited passes axe (WCAG 2.1 A/AA) with the strict CSP on.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { FundingCall, FundingProject } from '../../src/modules/funding/models.js';
import { addDays, todayInRome } from '../../src/modules/tenders/index.js';
import { testContext } from '../helpers/app.js';
import { axeViolations, browserLogin, cspViolations, describeViolations, newPage, requireBrowser } from '../helpers/browser.js';
import { createBody, createUser } from '../helpers/factories.js';

async function expectAccessible(page: Page, label: string) {
  const violations = await axeViolations(page);
  expect(violations, `${label}:\n${describeViolations(violations)}`).to.have.length(0);
  expect(cspViolations(page), label).to.deep.equal([]);
}

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
});
