// "Done when" of the desk, in a real browser: a member of Comune di Russi opens a request with an
// attachment; staff assign, reply and put it in wait; the member replies; staff resolve; it closes by
// itself; the survey is answered — with the emails received by the test SMTP server and axe on every
// desk page.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { autoCloseDue } from '../../src/modules/desk/service.js';
import { testContext } from '../helpers/app.js';
import { browserLogin, DESKTOP, expectAccessible, newPage, PHONE, requireBrowser } from '../helpers/browser.js';


/** Waits for a message on the page (a flash after post/redirect/get). */
async function shows(page: Page, text: string) {
  await page.waitForSelector(`main .alert:has-text("${text}")`, { timeout: 10_000 });
}

const MEMBER = 'utente@russi.cithub.example';
const STAFF = 'staff@cithub.example';
const ASSIGNEE = 'legale@cithub.example';

describe('desk in a real browser', function () {
  this.timeout(180_000);
  before(function () {
    requireBrowser(this);
  });

  it('a Russi request goes from opening to the answered survey, with emails and no axe violations', async () => {
    const { baseUrl, inbox, platform } = await testContext();
    const subject = `Informativa privacy per il nuovo servizio di iscrizione alla mensa ${Date.now().toString(36)}`;

    // The member opens a request with an attachment.
    const member = await newPage();
    await browserLogin(member, baseUrl, MEMBER);
    await member.goto(`${baseUrl}/richieste`);
    await expectAccessible(member, 'body request list');
    await Promise.all([member.waitForURL(`${baseUrl}/richieste/nuova`), member.click('main a:has-text("Nuova richiesta")')]);
    await member.click('main form button[type=submit]');
    await member.waitForSelector('#error-summary');
    expect(await member.textContent('#error-summary')).to.contain("L'oggetto è obbligatorio.");
    await expectAccessible(member, 'new request with errors');
    await member.selectOption('#f-category', 'legal');
    await member.fill('#f-subject', subject);
    await member.waitForSelector('#desk-suggestions:not([hidden]) a');
    expect(await member.textContent('#desk-suggestions')).to.contain('Informativa privacy per i servizi di prenotazione online');
    await expectAccessible(member, 'new request with suggestions');
    await member.fill('#f-description', 'Dal prossimo anno le iscrizioni alla mensa scolastica si fanno online. Serve una nuova informativa?');
    await Promise.all([member.waitForNavigation(), member.click('main form button[type=submit]')]);
    await member.waitForSelector('main p:has-text("Passo 2 di 2")');
    await expectAccessible(member, 'new request, step 2');
    await member.setInputFiles('#f-attachments', { name: 'modulo-iscrizione.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% modulo\n%%EOF\n', 'latin1') });
    await Promise.all([member.waitForURL(/\/richieste\/\d+$/), member.click('main form button[type=submit]')]);
    const id = Number(/\/richieste\/(\d+)$/.exec(member.url())![1]);
    await shows(member, `Richiesta n. ${id} inviata al centro`);
    expect(await member.textContent('main')).to.contain('modulo-iscrizione.pdf');
    await expectAccessible(member, 'request page (body)');
    await inbox.waitFor('admin@cithub.example', new RegExp(`Richiesta n\\. ${id} .*nuova richiesta da Comune di Russi`));

    // Staff assign, reply and put it in wait.
    const staff = await newPage();
    await browserLogin(staff, baseUrl, STAFF);
    await staff.goto(`${baseUrl}/richieste`);
    await expectAccessible(staff, 'staff queue');
    // Other tests may fill the first page of the queue: find the request by number.
    await staff.fill('#q', String(id));
    await Promise.all([staff.waitForNavigation(), staff.click('main form[role="search"] button[type=submit]')]);
    await Promise.all([staff.waitForNavigation(), staff.click(`main a[href="/richieste/${id}"]`)]);
    await expectAccessible(staff, 'request page (staff)');
    await staff.selectOption('#f-assign', { label: 'Francesca De Santis' });
    await Promise.all([staff.waitForNavigation(), staff.click('form[action$="/assegna"] button')]);
    await shows(staff, 'Assegnazione aggiornata.');
    await inbox.waitFor(ASSIGNEE, new RegExp(`Richiesta n\\. ${id} .*assegnata a te`));
    await staff.click('label[for="kind-public"]');
    await staff.fill('#f-body', 'Sì: serve un’informativa specifica. Ci mandate il modulo definitivo con i campi raccolti?');
    await staff.selectOption('#f-then', 'waiting');
    await Promise.all([staff.waitForNavigation(), staff.click('form[action*="/messaggi"] button[type=submit]')]);
    await shows(staff, 'Risposta inviata.');
    expect(await staff.textContent('main')).to.contain('In attesa del richiedente');
    await staff.click('label[for="kind-note"]');
    await staff.fill('#f-body', 'Nota interna per il browser test: non per l’ente.');
    await Promise.all([staff.waitForNavigation(), staff.click('form[action*="/messaggi"] button[type=submit]')]);
    await shows(staff, 'Nota interna aggiunta');
    await expectAccessible(staff, 'request page with a note (staff)');

    // The member gets the reply by email, follows the link and replies.
    const replyMail = await inbox.waitFor(MEMBER, new RegExp(`Richiesta n\\. ${id} .*nuova risposta, stato «In attesa del richiedente»`));
    expect(replyMail.text).to.contain('Ci mandate il modulo definitivo');
    expect(replyMail.text).to.not.contain('Nota interna per il browser test');
    const link = /https?:\/\/\S+\/richieste\/\d+/.exec(replyMail.text)![0];
    await member.goto(link);
    expect(await member.textContent('main')).to.not.contain('Nota interna per il browser test');
    expect(await member.textContent('main')).to.contain('Il centro attende una tua risposta');
    await member.fill('#f-body', 'Ecco il modulo definitivo: nome, classe, allergie.');
    await Promise.all([member.waitForNavigation(), member.click('form[action*="/messaggi"] button[type=submit]')]);
    await shows(member, 'Risposta inviata.');
    expect(await member.textContent('main')).to.contain('In lavorazione');
    await inbox.waitFor(ASSIGNEE, new RegExp(`Richiesta n\\. ${id} .*nuova risposta da Comune di Russi`));

    // Staff resolve; it closes by itself after the configured business days.
    await staff.goto(`${baseUrl}/richieste/${id}`);
    await Promise.all([staff.waitForNavigation(), staff.click('form[action$="/stato"]:has(input[value="resolve"]) button')]);
    await shows(staff, 'Stato aggiornato: «Risolta».');
    await inbox.waitFor(MEMBER, new RegExp(`Richiesta n\\. ${id} .*stato «Risolta»`));
    // Scoped to this test's request: every other resolved request of the run stays as it is.
    expect(await autoCloseDue(platform, { now: new Date(Date.now() + 30 * 86_400_000), ids: [id] })).to.deep.equal([id]);
    await member.goto(`${baseUrl}/richieste/${id}`);
    expect(await member.textContent('main')).to.contain('La richiesta è chiusa');
    await expectAccessible(member, 'closed request (body)');

    // The survey, by the emailed link, without logging in.
    const surveyMail = await inbox.waitFor(MEMBER, new RegExp(`Richiesta n\\. ${id} .*come valuti la risposta`));
    const surveyLink = /https?:\/\/\S+\/sondaggio\/[A-Za-z0-9._-]+/.exec(surveyMail.text)![0];
    const visitor = await newPage();
    await visitor.goto(`${surveyLink}?voto=5`);
    expect(await visitor.isChecked('#rating-5')).to.equal(true);
    await expectAccessible(visitor, 'survey');
    await visitor.fill('#f-comment', 'Risposta chiara e veloce.');
    await visitor.click('main form button[type=submit]');
    await visitor.waitForSelector('h1:has-text("Grazie per la tua valutazione")');
    await expectAccessible(visitor, 'survey thanks');
    await visitor.goto(surveyLink);
    expect(await visitor.textContent('main')).to.contain('Hai già risposto a questo questionario');
    await expectAccessible(visitor, 'survey already answered');
    await staff.goto(`${baseUrl}/richieste/${id}`);
    expect(await staff.textContent('main')).to.contain('5 su 5');

    // The other desk pages.
    for (const [path, label] of [
      ['/richieste/report', 'report'],
      [`/conoscenza/nuovo?richiesta=${id}`, 'article draft from the request'],
      ['/richieste?overdue=1', 'overdue queue'],
    ]) {
      await staff.goto(`${baseUrl}${path}`);
      await expectAccessible(staff, label);
    }
    await visitor.goto(`${baseUrl}/conoscenza?q=informativa`);
    await expectAccessible(visitor, 'knowledge base search');
    await visitor.click('main article a');
    await visitor.waitForSelector('h1');
    await expectAccessible(visitor, 'knowledge base article');
    const admin = await newPage();
    await browserLogin(admin, baseUrl, 'admin@cithub.example');
    for (const [path, label] of [
      ['/admin/calendario', 'business calendar'],
      ['/admin/sportello', 'desk settings'],
    ]) {
      await admin.goto(`${baseUrl}${path}`);
      await expectAccessible(admin, label);
    }
    for (const p of [member, staff, visitor, admin]) await p.context().close();
  });

  it('the mail quarantine (seeded items), its assign form and a discard pass axe on desktop and phone', async () => {
    const { baseUrl } = await testContext();
    const staff = await newPage();
    await browserLogin(staff, baseUrl, STAFF);
    await staff.goto(`${baseUrl}/richieste`);
    await Promise.all([staff.waitForURL(`${baseUrl}/richieste/posta`), staff.click('main a:has-text("Posta in quarantena")')]);
    expect(await staff.textContent('main table')).to.contain('Richiesta di supporto per il bando PNRR Misura 1.4.1');
    expect(await staff.textContent('main table')).to.contain('Mittente sconosciuto');
    await expectAccessible(staff, 'mail quarantine');
    await staff.setViewportSize(PHONE);
    await expectAccessible(staff, 'mail quarantine (phone)');
    await staff.setViewportSize(DESKTOP);
    await Promise.all([staff.waitForURL(/\/richieste\/posta\/\d+$/), staff.click('main a[aria-label*="Richiesta di supporto per il bando PNRR"]')]);
    expect(await staff.textContent('main')).to.contain('scriviamo dalla segreteria del Sindaco');
    await expectAccessible(staff, 'assign a quarantined message, step 1');
    await staff.goto(`${baseUrl}/richieste/posta`);
    await Promise.all([staff.waitForURL(`${baseUrl}/richieste/posta`), staff.click('main button[aria-label*="Risposta automatica"]')]);
    await shows(staff, 'Messaggio scartato.');
    expect(await staff.textContent('main')).to.not.contain('Risposta automatica: Richiesta n. 12');
    await expectAccessible(staff, 'mail quarantine after a discard');
    await staff.context().close();
  });

  it('the queue filters by a body typed in its field, with suggestions from the directory, on desktop and phone', async () => {
    const { baseUrl } = await testContext();
    const staff = await newPage();
    await browserLogin(staff, baseUrl, STAFF);
    await staff.goto(`${baseUrl}/richieste?state=all`);
    await staff.fill('#entityName', 'russ');
    // The suggestions arrive from /enti/suggerimenti.json into the field's datalist.
    await staff.waitForSelector('#entityName-suggestions option[value="Comune di Russi"]', { state: 'attached' });
    await staff.fill('#entityName', 'Comune di Russi');
    await Promise.all([staff.waitForURL(/entityName=Comune\+di\+Russi/), staff.click('main form[role=search] button[type=submit]')]);
    const bodies = await staff.$$eval('main table tbody tr td:nth-child(3)', (cells) => [...new Set(cells.map((c) => c.textContent!.trim()))]);
    expect(bodies).to.deep.equal(['Comune di Russi']);
    expect(await staff.inputValue('#entityName')).to.equal('Comune di Russi');
    await expectAccessible(staff, 'queue filtered by a typed body');
    await staff.setViewportSize(PHONE);
    await expectAccessible(staff, 'queue filtered by a typed body (phone)');
    await staff.context().close();
  });
});
