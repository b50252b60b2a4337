// The catalogue in English: a reader who chose English with the language switch gets the list, the
// asset page, the form with its errors and the import report in English, with no Italian sentence
// of the interface left (the data stays as its authors wrote it, so the asset used here is English).
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { anonymousAgent, loginAs, postForm, type Agent } from '../../helpers/http.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { User } from '../../../src/modules/accounts/models.js';
import { csrfOf, importAndConfirm, pasteImport, visibleText } from './helpers.js';

/** Switches an agent to English the way the page header does: the /lingua link sets the `lang` cookie. */
async function inEnglish<A extends Agent>(agent: A): Promise<A> {
  const res = await agent.get('/lingua?lang=en&back=/catalogo');
  expect(res.status).to.equal(302);
  expect(String(res.headers['set-cookie'])).to.match(/lang=en/);
  return agent;
}

/** The visible text of the page's main content (header and footer belong to the layout). */
function mainText(html: string): string {
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(html);
  expect(main, 'the page has a <main>').to.not.equal(null);
  return visibleText(main![1]);
}

// Words that only Italian sentences have; "di" is left out because bodies' names ("Comune di …") are data.
const ITALIAN_WORDS = /(?<![\p{L}])(il|lo|gli|della|delle|degli|dello|nel|nella|alla|dal|dalla|che|non|una|sono|questo|questa|nessun[ao]?|oppure|anche|è|più|già|scegli|compila|cerca|scarica|salva|riga|chiave|avvisi?|ente|enti)(?![\p{L}])/giu;

/** Every Italian string of the catalogue locale long enough to be a sentence, split on its placeholders. */
function italianSentences(): string[] {
  const leaves = (node: unknown): string[] => (typeof node === 'string' ? [node] : typeof node === 'object' && node ? Object.values(node).flatMap(leaves) : []);
  const it = JSON.parse(readFileSync(new URL('../../../locales/it/catalog.json', import.meta.url), 'utf8'));
  return leaves(it)
    .flatMap((s) => s.split(/\{\{[^}]+\}\}/))
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 3);
}

function expectNoItalian(text: string, where: string): void {
  expect(text.match(ITALIAN_WORDS), `${where}: Italian words in «${text.slice(0, 3000)}»`).to.equal(null);
  for (const sentence of italianSentences()) expect(text, `${where}: «${sentence}»`).not.to.contain(sentence);
}

const token = `parkingpermits${Date.now().toString(36)}`;
const ENGLISH_FILE = (name: string, url: string) => `publiccodeYmlVersion: "0.7"
name: ${name}
url: ${url}
softwareVersion: 2.1.0
releaseDate: "2025-03-04"
platforms:
  - web
categories:
  - visitor-management
developmentStatus: stable
softwareType: standalone/web
intendedAudience:
  scope:
    - local-authorities
description:
  en:
    shortDescription: Residents apply online for a parking permit and pay it with pagoPA (${token}).
    longDescription: |
      ${name} lets residents apply online for a parking permit, upload the documents the office needs,
      pay the fee with pagoPA and follow the application until the permit is issued; the office checks
      each application and issues the permit with a single click.
    features:
      - Online application with SPID
      - Payment with pagoPA
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: IT office
      email: it@example.org
localisation:
  localisationReady: true
  availableLanguages:
    - en
`;

describe('catalogue: in English', () => {
  const name = `Parking Permits ${token}`;
  let slug = '';
  /** The assets this suite published; archived at the end so that the public list looks as the other suites expect. */
  const published: string[] = [];

  before(async () => {
    await testContext();
    const staff = await inEnglish(await loginAs('staff@cithub.example'));
    const asset = await importAndConfirm(staff, ENGLISH_FILE(name, `https://github.com/example/${token}`), 'publish');
    slug = asset.slug;
    published.push(slug);
  });

  after(async () => {
    const staff = await loginAs('staff@cithub.example');
    for (const s of published) {
      const res = await postForm(staff, `/catalogo/${s}`, `/catalogo/${s}/archivia`, { comment: '' });
      expect(res.status, s).to.equal(302);
    }
  });

  it('the list: headings, facets, counts and sort in English', async () => {
    const visitor = await inEnglish(await anonymousAgent());
    const res = await visitor.get(`/catalogo?q=${token}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/<html lang="en">/);
    const text = mainText(res.text);
    for (const english of ['Reuse catalogue', 'Search by name, description or feature', 'Filter the results', 'Type', 'Category', 'Development status', 'In use by at least one body', `1 solution for «${token}»`, 'Sort by', 'Relevance', 'Not yet declared in use', 'Visitor management', 'Open data:']) {
      expect(text, english).to.contain(english);
    }
    expect(text).to.contain(name);
    expectNoItalian(text.replace(name, ''), 'list');
    // The catalogue's links in the footer and its card on the home page are in English too.
    expect(visibleText(res.text)).to.contain('Reuse catalogue (CSV)');
    const home = visibleText((await visitor.get('/')).text);
    expect(home).to.contain('Explore the catalogue');
    expect(home).not.to.contain('Esplora il catalogo');
  });

  it('the asset page: facts, adoption, platforms and links in English', async () => {
    const visitor = await inEnglish(await anonymousAgent());
    const res = await visitor.get(`/catalogo/${slug}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/<html lang="en">/);
    const text = mainText(res.text);
    for (const english of ['Used by 0 bodies', 'Description', 'Features', 'Key facts', 'Development status', 'Stable', 'Web application', 'Licence', 'Visitor management', 'Local authorities', 'National platforms', 'not stated', 'Maintenance', 'In-house', 'Contacts', 'Links', 'Source code repository', 'Available languages', 'English', 'to declare that your body uses or is evaluating this solution.']) {
      expect(text, english).to.contain(english);
    }
    const data = [name, `Residents apply online for a parking permit and pay it with pagoPA (${token}).`];
    let ui = text;
    for (const d of data) ui = ui.split(d).join(' ');
    expectNoItalian(ui, 'asset page');
  });

  it('the form: labels and the errors next to each field in English, what was typed kept', async () => {
    const body = await createBody({ isCedent: true, name: 'Borough of Testing' });
    const user = await createUser('member', body.id);
    const cedent = await inEnglish(await loginAs(user.email));
    const form = await cedent.get('/catalogo/nuovo');
    expect(form.status).to.equal(200);
    expectNoItalian(mainText(form.text), 'empty form');
    const res = await postForm(cedent, '/catalogo/nuovo', '/catalogo/nuovo', {
      kind: 'software',
      name: '',
      url: 'javascript:alert(1)',
      shortDescription: 'Kept as typed',
      license: 'Made-up licence',
      releaseDate: '2025-02-30',
      contractors: 'Acme; 31/12/2026',
      lang: 'it',
    });
    expect(res.status).to.equal(422);
    const text = mainText(res.text);
    for (const english of [
      'The form contains errors',
      'Fill in «Name».',
      '«Source code repository» must be a full address starting with https:// or http://.',
      'The licence must be an SPDX identifier',
      'The field “Release date” is not a valid date',
      'Contractors, line 1: the date «31/12/2026» is not in the YYYY-MM-DD format.',
      'What it is',
      'Licence and maintenance',
      'Create the draft',
    ]) {
      expect(text, english).to.contain(english);
    }
    expect(res.text).to.contain('value="Kept as typed"');
    expectNoItalian(text.replace('Kept as typed', ''), 'form with errors');
  });

  it('the import report: every problem with its line and key, in English', async () => {
    const staff = await inEnglish(await loginAs('staff@cithub.example'));
    const messy = ENGLISH_FILE(`Messy ${name}`, `https://github.com/example/messy-${token}`)
      .replace('license: EUPL-1.2', 'license: GPL v3')
      .replace('releaseDate: "2025-03-04"', 'releaseDate: 03/04/2025')
      .replace('developmentStatus: stable', 'developmentStatus: finished')
      .replace('softwareType: standalone/web', 'softwareType: standalone/web\nlandingUrl: https://example.org/parking');
    const posted = await pasteImport(staff, messy);
    expect(posted.status).to.equal(302);
    const preview = await staff.get(posted.headers.location as string);
    expect(preview.status).to.equal(200);
    const text = mainText(preview.text);
    for (const english of [
      `Preview: Messy ${name}`,
      'Pasted content, publiccode.yml version 0.7.',
      'The file has problems to fix before publication',
      'Line',
      'Key',
      'Problem',
      'The licence «GPL v3» is not a valid SPDX expression',
      'The date «03/04/2025» is ambiguous (day and month could be swapped): ignored.',
      '«finished» is not a value the publiccode.yml standard allows for «developmentStatus» (allowed: concept, development, beta, stable, obsolete): value ignored.',
      'The key «landingUrl» is not spelt as the standard requires: it was read as «landingURL».',
      'Save as a draft',
      'Cancel the import',
    ]) {
      expect(text, english).to.contain(english);
    }
    // The line of each problem is in its row.
    const licenceLine = messy.split('\n').findIndex((l) => l.includes('GPL v3')) + 1;
    expect(preview.text).to.match(new RegExp(`<td>${licenceLine}</td><td><code>legal\\.license</code></td><td>The licence «GPL v3»`));
    let ui = text;
    for (const d of [`Messy ${name}`, `Residents apply online for a parking permit and pay it with pagoPA (${token}).`]) ui = ui.split(d).join(' ');
    expectNoItalian(ui, 'import report');

    // The same report reads in Italian for an Italian reader: the warnings are stored as Messages.
    const italian = await staff.get(`/lingua?lang=it&back=${encodeURIComponent(posted.headers.location as string)}`);
    expect(italian.status).to.equal(302);
    const again = await staff.get(posted.headers.location as string);
    expect(mainText(again.text)).to.contain('La licenza «GPL v3» non è un\'espressione SPDX valida');
    const cancel = await csrfOf(staff, posted.headers.location as string);
    expect((await staff.post(`${posted.headers.location as string}/annulla`).type('form').send({ _csrf: cancel })).status).to.equal(302);
  });

  it('mail goes out in each recipient’s language: English to a cedent who reads English, Italian to staff', async () => {
    const { inbox } = await testContext();
    const body = await createBody({ isCedent: true, name: 'Borough of Mail' });
    const user = await createUser('rtd', body.id);
    await User.update({ locale: 'en' }, { where: { id: user.id } });
    const cedent = await loginAs(user.email);
    const mailName = `Mailed ${name}`;
    const asset = await importAndConfirm(cedent, ENGLISH_FILE(mailName, `https://github.com/example/mail-${token}`), 'submit');
    expect(asset.status).to.equal('submitted');
    const toStaff = await inbox.waitFor('staff@cithub.example', new RegExp(`Catalogo: «${mailName}» da rivedere`));
    expect(toStaff.text).to.contain('per la pubblicazione nel catalogo del riuso');
    const staff = await loginAs('staff@cithub.example');
    const publish = await postForm(staff, `/catalogo/${asset.slug}`, `/catalogo/${asset.slug}/pubblica`, { comment: 'Welcome aboard.' });
    expect(publish.status).to.equal(302);
    published.push(asset.slug);
    const toCedent = await inbox.waitFor(user.email, new RegExp(`Catalogue: «${mailName}» is published`));
    expect(toCedent.text).to.contain('is published in the reuse catalogue: other bodies can now find it');
    expect(toCedent.text).to.contain('Note from the centre:');
    expect(toCedent.text).to.contain('Welcome aboard.');
    expect(toCedent.html).to.match(/<html lang="en">/);
    expectNoItalian(visibleText(toCedent.html).split(mailName).join(' ').split('Borough of Mail').join(' '), 'mail');
  });
});
