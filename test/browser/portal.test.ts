// "Done when" of the portal and contact centre, in a real browser with axe on every page: staff
// publish a post (on the home page, and in the Atom and RSS feeds read by a feed parser); a visitor
// subscribes, confirms from the e-mail received by the test SMTP server, receives an issue and
// unsubscribes with one click; staff record a phone request for Comune di Russi, which its user sees.
import { expect } from 'chai';
import Parser from 'rss-parser';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';


const STAFF = 'staff@cithub.example';
const MEMBER = 'utente@russi.cithub.example';
const stamp = () => Date.now().toString(36);

describe('portal and contact centre in a real browser', function () {
  this.timeout(240_000);
  before(function () {
    requireBrowser(this);
  });

  it('staff publish a post: on the home page and in both feeds', async () => {
    const { baseUrl } = await testContext();
    const staff = await newPage();
    await browserLogin(staff, baseUrl, STAFF);
    const title = `Laboratorio sul fascicolo informatico a Lecce ${stamp()}`;
    await staff.goto(`${baseUrl}/notizie/nuova`);
    await expectAccessible(staff, 'new post');
    await staff.fill('#f-title', title);
    await staff.fill('#f-summary', 'Una mattina di lavoro sul fascicolo informatico per i protocolli dei comuni aderenti.');
    await staff.fill('#f-body', 'Il **laboratorio** si tiene in sala consiliare. Porta un caso reale del tuo comune.');
    await staff.fill('#f-tags', 'laboratori, protocollo');
    await Promise.all([staff.waitForURL(/\/notizie\/\d+$/), staff.click('main form button[value=publish]')]);
    await expectAccessible(staff, 'post page');
    const visitor = await newPage();
    await visitor.goto(`${baseUrl}/`);
    expect(await visitor.textContent('main')).to.contain(title);
    await expectAccessible(visitor, 'home');
    await visitor.goto(`${baseUrl}/notizie`);
    expect(await visitor.getAttribute('head link[rel=alternate][type="application/atom+xml"]', 'href')).to.equal('/notizie/feed.atom');
    await expectAccessible(visitor, 'news list');
    const parser = new Parser();
    for (const feed of ['feed.atom', 'feed.rss']) {
      const parsed = await parser.parseString(await (await fetch(`${baseUrl}/notizie/${feed}`)).text());
      expect(parsed.items.map((i) => i.title), feed).to.include(title);
    }
    await staff.close();
    await visitor.close();
  });

  it('a visitor subscribes, confirms from the e-mail, receives an issue and unsubscribes with one click', async () => {
    const { baseUrl, inbox } = await testContext();
    const email = `lettrice-${stamp()}@comune.example.it`;
    const visitor = await newPage();
    await visitor.goto(`${baseUrl}/newsletter`);
    await expectAccessible(visitor, 'subscription form');
    await visitor.fill('#f-email', email);
    await visitor.click('label[for=topic-formazione]');
    await Promise.all([visitor.waitForNavigation(), visitor.click('main form button[type=submit]')]);
    expect(await visitor.textContent('main')).to.contain('Per iscriverti devi dichiarare');
    await expectAccessible(visitor, 'subscription form with errors');
    await visitor.click('label[for=f-consent]');
    await Promise.all([visitor.waitForNavigation(), visitor.click('main form button[type=submit]')]);
    expect(await visitor.textContent('main h1')).to.contain('Controlla la tua casella di posta');
    await expectAccessible(visitor, 'check your mailbox');
    const confirmation = await inbox.waitFor(email, /Conferma l’iscrizione/);
    const link = /(http:\/\/\S+\/newsletter\/conferma\/[A-Za-z0-9_-]+)/.exec(confirmation.text)![1];
    await visitor.goto(link);
    await expectAccessible(visitor, 'confirm page');
    await Promise.all([visitor.waitForNavigation(), visitor.click('main form button[type=submit]')]);
    expect(await visitor.textContent('main h1')).to.contain('Iscrizione confermata');
    await expectAccessible(visitor, 'confirmed');

    const staff = await newPage();
    await browserLogin(staff, baseUrl, STAFF);
    await staff.goto(`${baseUrl}/newsletter/numeri`);
    await expectAccessible(staff, 'issues list');
    await Promise.all([staff.waitForURL(`${baseUrl}/newsletter/numeri/nuovo`), staff.click('main a:has-text("Nuovo numero")')]);
    await expectAccessible(staff, 'new issue');
    const subject = `I webinar di gennaio ${stamp()}`;
    await staff.fill('#f-subject', subject);
    await staff.fill('#f-intro', 'Il calendario dei **webinar** di gennaio per i comuni aderenti.');
    await staff.click('main input[name=postIds] + label');
    await staff.click('label[for=topic-formazione]');
    await Promise.all([staff.waitForURL(/\/newsletter\/numeri\/\d+$/), staff.click('main form button[type=submit]')]);
    expect(await staff.textContent('main')).to.contain('webinar');
    await expectAccessible(staff, 'issue preview');
    await Promise.all([staff.waitForNavigation(), staff.click('main form[action$="/prova"] button')]);
    await inbox.waitFor(STAFF, new RegExp(`\\[PROVA\\] ${subject}`));
    await Promise.all([staff.waitForNavigation(), staff.click('main form[action$="/invia"] button')]);
    await expectAccessible(staff, 'issue sending');

    const issue = await inbox.waitFor(email, new RegExp(`^${subject}$`));
    const unsubscribe = /^<(.+)>$/.exec(issue.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line.replace(/^[^:]+:\s*/, ''))![1];
    expect(issue.parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).to.match(/List-Unsubscribe=One-Click$/);
    // The link in the message opens a page with the button; the mail client's one click is a POST.
    await visitor.goto(unsubscribe);
    await expectAccessible(visitor, 'unsubscribe page');
    const click = await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
    expect(click.status).to.equal(200);
    await visitor.reload();
    expect(await visitor.textContent('main')).to.contain('già stato usato');
    await visitor.close();
    await staff.close();
  });

  it('staff record a phone request for Comune di Russi, which its user sees among the comune’s requests', async () => {
    const { baseUrl } = await testContext();
    const staff = await newPage();
    await browserLogin(staff, baseUrl, STAFF);
    await staff.goto(`${baseUrl}/richieste`);
    await Promise.all([staff.waitForURL(`${baseUrl}/richieste/registra`), staff.click('main a:has-text("Registra richiesta per un ente")')]);
    await expectAccessible(staff, 'record request, step 1');
    await staff.selectOption('#f-ente', { label: 'Comune di Russi' });
    await Promise.all([staff.waitForNavigation(), staff.click('main form button[type=submit]')]);
    await expectAccessible(staff, 'record request, step 2');
    const subject = `Telefonata: accesso civico generalizzato ${stamp()}`;
    await staff.selectOption('#f-channel', 'telefono');
    const requester = await staff.$eval('#f-requesterId', (el) => Array.from((el as unknown as { options: ArrayLike<{ text: string; value: string }> }).options).find((o) => o.text.includes('utente@russi'))?.value ?? '');
    await staff.selectOption('#f-requesterId', requester);
    await staff.selectOption('#f-category', 'legal');
    await staff.fill('#f-subject', subject);
    await staff.fill('#f-description', 'La segreteria chiede come rispondere a un’istanza di accesso civico generalizzato entro i 30 giorni.');
    await Promise.all([staff.waitForURL(/\/richieste\/\d+$/), staff.click('main form button[type=submit]')]);
    expect(await staff.textContent('main')).to.contain('canale: Telefono');
    await expectAccessible(staff, 'recorded request (staff)');
    const url = staff.url();
    const member = await newPage();
    await browserLogin(member, baseUrl, MEMBER);
    await member.goto(`${baseUrl}/richieste`);
    expect(await member.textContent('main')).to.contain(subject);
    await member.goto(url);
    expect(await member.textContent('main')).to.contain('canale: Telefono');
    await expectAccessible(member, 'recorded request (comune)');
    await member.close();
    await staff.close();
  });
});
