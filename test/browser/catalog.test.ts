import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';
import { createBody, createUser } from '../helpers/factories.js';


const fixture = (name: string) => readFileSync(new URL(`../fixtures/catalog/${name}`, import.meta.url), 'utf8');

describe('catalogue in a real browser', function () {
  this.timeout(180_000);
  before(function () {
    requireBrowser(this);
  });

  it('a visitor searches, filters and reads an asset; list and detail have no axe violations', async () => {
    const { baseUrl } = await testContext();
    const page = await newPage();
    await page.goto(`${baseUrl}/catalogo`);
    await expectAccessible(page, 'list');
    // The header search box goes to the catalogue.
    await page.fill('#header-search', 'prenotazione');
    await Promise.all([page.waitForURL(/\/catalogo\?q=prenotazione/), page.press('#header-search', 'Enter')]);
    expect(await page.textContent('#results-title')).to.match(/soluzion/);
    // Facets work without JavaScript: tick a box and apply.
    const id = await page.getAttribute('input[name="tipo"][value="software"]', 'id');
    await page.click(`label[for="${id}"]`);
    await Promise.all([page.waitForURL(/tipo=software/), page.click('.facet-apply')]);
    expect(page.url()).to.contain('q=prenotazione');
    await expectAccessible(page, 'list with search and filter');
    await page.goto(`${baseUrl}/catalogo?q=nessunrisultatopossibile`);
    await expectAccessible(page, 'list without results');
    await page.goto(`${baseUrl}/catalogo/prenota-uffici`);
    await expectAccessible(page, 'detail');
    // The language switch changes the description without reloading.
    await page.click('.catalog-langs a[data-lang="en"]');
    expect(await page.isVisible('.catalog-lang-pane[data-lang="en"]')).to.equal(true);
    expect(await page.isVisible('.catalog-lang-pane[data-lang="it"]')).to.equal(false);
    expect(page.url()).to.contain('lingua=en');
    await page.context().close();
  });

  it('a member sees the support button and declares adoption; the page stays accessible', async () => {
    const { baseUrl } = await testContext();
    const body = await createBody({ name: `Comune di Vernole ${Date.now()}` });
    const user = await createUser('rtd', body.id);
    const page = await newPage();
    await browserLogin(page, baseUrl, user.email);
    await page.goto(`${baseUrl}/catalogo/albo-pretorio-cit`);
    expect(await page.getAttribute('a[href^="/richieste/nuova"]', 'href')).to.equal('/richieste/nuova?asset=albo-pretorio-cit');
    await expectAccessible(page, 'detail for a member');
    await page.selectOption('#f-status', 'evaluating');
    await Promise.all([page.waitForURL(/albo-pretorio-cit/), page.click('.catalog-adopt-form button[type=submit]')]);
    expect(await page.textContent('main')).to.contain(body.name);
    await expectAccessible(page, 'detail after declaring');
    await page.context().close();
  });

  it('a cedent imports a file: import page and preview have no axe violations; staff review it', async () => {
    const { baseUrl } = await testContext();
    const body = await createBody({ name: `Comune di Cavallino ${Date.now()}`, isCedent: true });
    const user = await createUser('member', body.id);
    const page = await newPage();
    await browserLogin(page, baseUrl, user.email);
    await page.goto(`${baseUrl}/catalogo/importa`);
    await expectAccessible(page, 'import');
    // An invalid paste shows the error on the form.
    await page.fill('#f-content', fixture('not-yaml.yml'));
    await Promise.all([page.waitForLoadState('load'), page.click('form:has(#f-content) button[type=submit]')]);
    expect(await page.textContent('#error-summary')).to.contain('YAML non valido alla riga 7, colonna 1');
    await expectAccessible(page, 'import with error');
    const text = fixture('messy.yml').replace('comune-prova/mense', `comune-prova/mense-${Date.now()}`);
    await page.fill('#f-content', text);
    await Promise.all([page.waitForURL(/\/catalogo\/importa\/[0-9a-f-]{36}$/), page.click('form:has(#f-content) button[type=submit]')]);
    expect(await page.textContent('h1')).to.contain('Anteprima');
    await expectAccessible(page, 'preview');
    await Promise.all([page.waitForURL(/\/catalogo\/gestione-mense/), page.click('button[value="submit"]')]);
    expect(await page.textContent('#gestione'), page.url()).to.contain('Stato: In revisione');
    await expectAccessible(page, 'asset page of the cedent');
    await page.context().close();

    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    await staff.goto(`${baseUrl}/catalogo/gestione`);
    await expectAccessible(staff, 'review list');
    await staff.click(`text=Gestione Mense Scolastiche`);
    await expectAccessible(staff, 'asset under review');
    await staff.goto(`${staff.url()}/modifica`);
    await expectAccessible(staff, 'edit form');
    await staff.goto(`${baseUrl}/catalogo/adozioni`);
    await expectAccessible(staff, 'adoption matrix');
    await staff.context().close();
  });
});
