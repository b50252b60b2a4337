import { expect } from 'chai';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';
import { createBody } from '../helpers/factories.js';


describe('foundation in a real browser', function () {
  this.timeout(120_000);
  before(function () {
    requireBrowser(this);
  });

  it('login, home, bodies, body page and profile have no axe violations', async () => {
    const { baseUrl, platform } = await testContext();
    const page = await newPage();
    await page.goto(`${baseUrl}/login`);
    await expectAccessible(page, 'login');
    // A failed login shows the error and keeps the email.
    await page.fill('#f-email', 'utente@russi.cithub.example');
    await page.fill('#f-password', 'sbagliata');
    await page.click('main form[action="/login"] button[type=submit]');
    await expect(await page.textContent('#error-summary')).to.contain('Email o password non corretti.');
    expect(await page.inputValue('#f-email')).to.equal('utente@russi.cithub.example');
    await expectAccessible(page, 'login with error');

    await browserLogin(page, baseUrl, 'utente@russi.cithub.example');
    expect(await page.textContent('h1')).to.contain('Paolo Montanari');
    await expectAccessible(page, 'home');
    await page.goto(`${baseUrl}/enti`);
    await expectAccessible(page, 'bodies list');
    const [russi] = (await platform.sequelize.query(`SELECT id FROM entities WHERE ipa_code = 'c_h642'`))[0] as Array<{ id: number }>;
    await page.goto(`${baseUrl}/enti/${russi.id}`);
    expect(await page.textContent('h1')).to.equal('Comune di Russi');
    await expectAccessible(page, 'body page');
    await page.goto(`${baseUrl}/profilo`);
    await expectAccessible(page, 'profile');
    await page.context().close();
  });

  it('admin invites a user, who accepts the emailed invitation and lands signed in', async () => {
    const { baseUrl, inbox } = await testContext();
    const body = await createBody({ name: 'Comune di Giurdignano' });
    const admin = await newPage();
    await browserLogin(admin, baseUrl, 'admin@cithub.example');
    await admin.goto(`${baseUrl}/utenti/invita`);
    await expectAccessible(admin, 'invite form');
    const email = `invitata.${Date.now()}@giurdignano.example.it`;
    await admin.fill('#f-email', email);
    await admin.selectOption('#f-role', 'rtd');
    await admin.selectOption('#f-entityId', String(body.id));
    await Promise.all([admin.waitForURL(`${baseUrl}/admin/utenti`), admin.click('main form button[type=submit]')]);
    expect(await admin.textContent('main')).to.contain(`Richiesta di invito registrata per ${email}`);
    await expectAccessible(admin, 'users list');
    await admin.context().close();

    const mail = await inbox.waitFor(email, /Invito a CIT Hub per Comune di Giurdignano/);
    const link = mail.text.match(/https?:\/\/\S+\/invito\/[A-Za-z0-9_-]+/)![0];
    const invitee = await newPage();
    await invitee.goto(link);
    await expectAccessible(invitee, 'accept invitation');
    await invitee.fill('#f-name', 'Chiara Longo');
    await invitee.fill('#f-password', 'password-di-chiara');
    await invitee.fill('#f-confirmPassword', 'password-di-chiara');
    await Promise.all([invitee.waitForURL(`${baseUrl}/`), invitee.click('main form button[type=submit]')]);
    await invitee.waitForSelector('h1:has-text("Chiara Longo")');
    expect(await invitee.textContent('main .lead')).to.contain('Comune di Giurdignano');
    await invitee.context().close();
  });
});
