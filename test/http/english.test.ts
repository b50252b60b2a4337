// The pages of accounts, bodies, home and admin in English (the language switch's cookie): English
// text, and none of the Italian sentences of the locale files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { ROOT } from '../../src/platform/paths.js';
import { testContext } from '../helpers/app.js';
import { createBody, createUser } from '../helpers/factories.js';
import { anonymousAgent, loginAs, postForm, type Agent } from '../helpers/http.js';
import { partOfDay } from '../../src/platform/format.js';

// The namespaces of these pages; other areas' cards and footer links are checked with their own pages.
const NAMESPACES = ['accounts', 'entities', 'home', 'admin', 'common'];

/** Italian sentences of these namespaces that English does not share (long enough not to be a name). */
function italianSentences(): string[] {
  const out: string[] = [];
  const walk = (it: unknown, en: unknown, key: string) => {
    if (typeof it === 'string') {
      if (it !== en && it.length >= 15 && !it.includes('{{')) out.push(it);
    } else if (it && typeof it === 'object') {
      for (const [k, v] of Object.entries(it)) walk(v, (en as Record<string, unknown> | undefined)?.[k], `${key}.${k}`);
    }
  };
  for (const file of NAMESPACES.map((ns) => `${ns}.json`)) {
    walk(JSON.parse(readFileSync(path.join(ROOT, 'locales', 'it', file), 'utf8')), JSON.parse(readFileSync(path.join(ROOT, 'locales', 'en', file), 'utf8')), file.replace(/\.json$/, ''));
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const decode = (html: string) =>
  html.replace(/&#39;/g, "'").replace(/&#34;|&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function inEnglish<A extends Agent>(agent: A): Promise<A> {
  const res = await agent.get('/lingua?lang=en&back=/');
  expect(res.status).to.equal(302);
  expect(String(res.headers['set-cookie'])).to.match(/lang=en/);
  return agent;
}

async function expectEnglish(agent: Agent, url: string, english: string[], status = 200) {
  const res = await agent.get(url);
  expect(res.status, url).to.equal(status);
  expect(res.text, url).to.contain('<html lang="en">');
  const text = decode(res.text);
  for (const s of english) expect(text, `${url} shows «${s}»`).to.contain(s);
  // A sentence counts when it is a whole text or attribute value, not a part of some data (an asset's title).
  const italian = italianSentences().filter((s) => text.includes(`>${s}<`) || new RegExp(`>\\s*${escape(s)}\\s*<|="${escape(s)}"`).test(text));
  expect(italian, `${url} still shows Italian`).to.deep.equal([]);
}

describe('pages in English', () => {
  it('login, anonymous home, bodies list, body page and 404 for a visitor', async () => {
    const { platform } = await testContext();
    const visitor = await inEnglish(await anonymousAgent());
    await expectEnglish(visitor, '/login', ['Log in to CIT Hub', 'Forgot your password?', 'Demo accounts', 'Digital transition officer (RTD)']);
    await expectEnglish(visitor, '/', ['member bodies.', "The centre's services", 'Member bodies', 'See the bodies', 'Accessibility statement']);
    await expectEnglish(visitor, '/enti', ['Member bodies', 'Name or IPA code', 'Municipality', 'Inhabitants']);
    const [russi] = await platform.sequelize.query<{ id: number }>(`SELECT id FROM entities WHERE ipa_code = 'c_h642'`, { type: QueryTypes.SELECT });
    await expectEnglish(visitor, `/enti/${russi.id}`, ['Details of the body', 'IPA code', 'Digital transition officer', 'Reuse provider']);
    await expectEnglish(visitor, '/password/dimenticata', ['Forgotten password', 'Send the link']);
    await expectEnglish(visitor, '/accessibilita', ['Accessibility statement', 'Compliance status']);
    await expectEnglish(visitor, '/privacy', ['Privacy notice', 'Data protection officer (DPO)', 'Your rights']);
    await expectEnglish(visitor, '/note-legali', ['Legal notes', 'Open data']);
    await expectEnglish(visitor, '/pagina-che-non-esiste', ['Page not found', 'Error code: 404', 'Back to home'], 404);
    // A wrong login answers in English too.
    const token = (await visitor.get('/login')).text.match(/name="_csrf" value="([^"]+)"/)![1];
    const wrong = await visitor.post('/login').type('form').send({ _csrf: token, email: 'nessuno@cithub.example', password: 'sbagliata-123' });
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.contain('Wrong email or password.');
  });

  it('sends the password-reset mail in the language it was asked in', async () => {
    const { inbox } = await testContext();
    const user = await createUser('member', (await createBody()).id);
    const visitor = await inEnglish(await anonymousAgent());
    const sent = await postForm(visitor, '/password/dimenticata', '/password/dimenticata', { email: user.email });
    expect(sent.status).to.equal(200);
    expect(decode(sent.text)).to.contain('Check your mailbox');
    const mail = await inbox.waitFor(user.email, /Reset your CIT Hub password/);
    expect(mail.html).to.contain('<html lang="en">');
    expect(mail.text).to.contain(`Hello ${user.name},`);
    expect(mail.text).to.contain('The link is valid for 60 minutes');
    expect(mail.text).to.not.contain('Buongiorno');
  });

  it('home, profile and messages for a signed-in user', async () => {
    const rtd = await inEnglish(await loginAs('rtd@russi.cithub.example'));
    const greeting = { morning: 'Good morning', afternoon: 'Good afternoon', evening: 'Good evening' }[partOfDay()];
    await expectEnglish(rtd, '/', [`${greeting}, Giulia Bertoni`, 'Digital transition officer (RTD)', 'From here you can', 'Your profile']);
    await expectEnglish(rtd, '/profilo', ['Your profile', 'Personal details and notifications', 'Change your password', 'Current password']);
    const token = (await rtd.get('/profilo')).text.match(/name="_csrf" value="([^"]+)"/)![1];
    const long = await rtd.post('/profilo').type('form').send({ _csrf: token, name: 'x'.repeat(121) });
    expect(long.status).to.equal(422);
    expect(decode(long.text)).to.contain('«Full name» can be at most 120 characters long.');
    expect(decode(long.text)).to.contain('The form contains errors');
    const saved = await postForm(rtd, '/profilo', '/profilo', { name: 'Giulia Bertoni' });
    expect(saved.status).to.equal(302);
    expect((await rtd.get('/profilo')).text).to.contain('Profile updated.');
  });

  it('a user chooses English for their emails in the profile', async () => {
    const { platform } = await testContext();
    const user = await createUser('rtd', (await createBody()).id);
    const agent = await inEnglish(await loginAs(user.email));
    const page = await agent.get('/profilo');
    expect(page.text).to.contain('Language of your emails');
    expect(page.text).to.match(/<option value="it" selected>\s*Italiano/);
    expect((await postForm(agent, '/profilo', '/profilo', { name: user.name, locale: 'en' })).status).to.equal(302);
    const [row] = await platform.sequelize.query<{ locale: string }>('SELECT locale FROM users WHERE id = :id', { replacements: { id: user.id }, type: QueryTypes.SELECT });
    expect(row.locale).to.equal('en');
    expect((await agent.get('/profilo')).text).to.match(/<option value="en" selected>\s*English/);
    // A form without the field keeps the choice; a value that is not a language is refused.
    expect((await postForm(agent, '/profilo', '/profilo', { name: user.name })).status).to.equal(302);
    expect((await postForm(agent, '/profilo', '/profilo', { name: user.name, locale: 'fr' })).status).to.equal(422);
    const [after] = await platform.sequelize.query<{ locale: string }>('SELECT locale FROM users WHERE id = :id', { replacements: { id: user.id }, type: QueryTypes.SELECT });
    expect(after.locale).to.equal('en');
  });

  it('users list, invitation form and admin pages for an administrator', async () => {
    const admin = await inEnglish(await loginAs('admin@cithub.example'));
    await expectEnglish(admin, '/admin', ['Administration', 'Activity log', 'Outgoing mail', 'Desk settings']);
    await expectEnglish(admin, '/admin/utenti', ['Users', 'Name or email', 'Active', 'Invite a user']);
    await expectEnglish(admin, '/utenti/invita', ['Invite a user', 'Send the invitation', '— None (centre operators only) —']);
    await expectEnglish(admin, '/admin/audit', ['Activity log', 'Download CSV', 'Events: ']);
    await expectEnglish(admin, '/admin/posta', ['Outgoing mail']);
    await expectEnglish(admin, '/enti/nuovo', ['New body', 'IPA code', 'Membership status', 'Role in the centre']);
    await expectEnglish(admin, '/enti/importa', ['Import bodies from IndicePA', 'Required columns:']);
    const email = `invited.${Date.now()}@comune.example.it`;
    const body = await createBody();
    expect((await postForm(admin, '/utenti/invita', '/utenti/invita', { email, role: 'member', entityId: String(body.id) })).status).to.equal(302);
    expect((await admin.get('/admin/utenti')).text).to.contain(`Invitation request recorded for ${email}: unless the address already has an account, it will receive a link valid for 7 days.`);
  });
});
