// Newsletter: subscription with consent and double opt-in, confirmation and unsubscribe links (forged,
// reused, expired), one-click unsubscribe per RFC 8058, preferences from the message, the profile of a
// signed-in user, staff composing, previewing, testing and sending an issue, export and erasure.
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { hashSecret } from '../../../src/platform/tokens.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../../helpers/http.js';
import type { ReceivedMail } from '../../helpers/smtp.js';
import { makePost } from './helpers.js';

const stamp = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const address = (name: string) => `${name}-${stamp()}@comune.example.it`;

async function sql<T extends object>(query: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  const { platform } = await testContext();
  return platform.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
}
const subscriber = async (email: string) => (await sql<{ id: number; status: string; topics: string[]; consent_version: string; consent_at: Date | null }>('SELECT * FROM newsletter_subscribers WHERE email = :email', { email }))[0];
const header = (m: ReceivedMail, name: string) => m.parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '') ?? null;
const pathOf = (text: string, prefix: string) => {
  const m = new RegExp(`https?://[^\\s"<>]+(${prefix.replace(/\//g, '\\/')}/[A-Za-z0-9_-]+)`).exec(text);
  if (!m) throw new Error(`no ${prefix} link in: ${text.slice(0, 500)}`);
  return m[1];
};

/** Subscribes through the form and confirms from the mail received by the SMTP server; returns the address. */
async function subscribeAndConfirm(topics: string[] = ['eventi', 'formazione']): Promise<string> {
  const { inbox } = await testContext();
  const email = address('iscritto');
  const agent = await anonymousAgent();
  const res = await postForm(agent, '/newsletter', '/newsletter', { email, topics, consent: 'on' });
  expect(res.status, res.text.slice(0, 500)).to.equal(200);
  const mail = await inbox.waitFor(email, /Conferma l’iscrizione/);
  const confirm = pathOf(mail.text, '/newsletter/conferma');
  expect((await agent.get(confirm)).status).to.equal(200);
  const done = await postForm(agent, confirm, confirm, {});
  expect(done.status).to.equal(200);
  expect(done.text).to.contain('Iscrizione confermata');
  return email;
}

describe('news: newsletter', () => {
  it('a visitor subscribes with consent: the consent is recorded with its date and version, only a confirmation link is mailed', async () => {
    const { inbox } = await testContext();
    const email = address('nuovo');
    const agent = await anonymousAgent();
    const form = await agent.get('/newsletter');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Informativa sulla privacy');
    const res = await postForm(agent, '/newsletter', '/newsletter', { email: email.toUpperCase(), topics: ['finanziamenti'], consent: 'on' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Controlla la tua casella di posta');
    const row = await subscriber(email);
    expect(row.status).to.equal('pending');
    expect(row.topics).to.deep.equal(['finanziamenti']);
    expect(row.consent_version).to.equal('2026-12');
    expect(row.consent_at).to.be.instanceOf(Date);
    const mail = await inbox.waitFor(email, /Conferma l’iscrizione/);
    expect(mail.text).to.match(/\/newsletter\/conferma\/[A-Za-z0-9_-]{43}/);
    expect(inbox.all(email)).to.have.length(1);
  });

  it('bad input: a malformed address, no consent, no topic — Italian messages next to the fields, input kept, nothing saved or sent', async () => {
    const { inbox } = await testContext();
    const agent = await anonymousAgent();
    const good = address('quasi');
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ email: 'mario.rossi@', topics: ['eventi'], consent: 'on' }, 'email'],
      [{ email: good, topics: ['eventi'] }, 'Per iscriverti devi dichiarare di aver letto l’informativa sulla privacy.'],
      [{ email: good, consent: 'on' }, 'Scegli almeno un argomento che ti interessa.'],
      [{ email: good, topics: ['eventi', 'scommesse'], consent: 'on' }, 'Scegli gli argomenti tra quelli proposti.'],
    ];
    for (const [fields, message] of cases) {
      const res = await postForm(agent, '/newsletter', '/newsletter', fields);
      expect(res.status, JSON.stringify(fields)).to.equal(422);
      expect(res.text).to.contain(message);
      expect(res.text).to.contain(`value="${fields.email}"`);
    }
    expect(await subscriber(good)).to.equal(undefined);
    expect(await subscriber('mario.rossi@')).to.equal(undefined);
    expect(inbox.all(good)).to.have.length(0);
  });

  it('confirmation links: forged (404), reused (410), expired (410) — a clear message, never a 500', async () => {
    const { inbox } = await testContext();
    const agent = await anonymousAgent();
    expect((await agent.get('/newsletter/conferma/forged-token-forged-token-forged-token-123')).status).to.equal(404);
    expect((await agent.get('/newsletter/conferma/%27%3Cscript%3E')).status).to.equal(404);
    const forged = await postForm(agent, '/newsletter', '/newsletter/conferma/forged-token-forged-token-forged-token-123', {});
    expect(forged.status).to.equal(404);
    expect(forged.text).to.contain('Il link non è valido');

    const email = address('riuso');
    await postForm(agent, '/newsletter', '/newsletter', { email, topics: ['riuso'], consent: 'on' });
    const link = pathOf((await inbox.waitFor(email, /Conferma/)).text, '/newsletter/conferma');
    expect((await postForm(agent, link, link, {})).status).to.equal(200);
    const again = await postForm(agent, '/newsletter', link, {});
    expect(again.status).to.equal(410);
    expect(again.text).to.contain('già stato usato');

    const late = address('tardi');
    await postForm(agent, '/newsletter', '/newsletter', { email: late, topics: ['gare'], consent: 'on' });
    const lateLink = pathOf((await inbox.waitFor(late, /Conferma/)).text, '/newsletter/conferma');
    await sql(`UPDATE single_use_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = :h RETURNING id`, { h: hashSecret(lateLink.split('/').pop()!) });
    const expired = await agent.get(lateLink);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.contain('è scaduto');
    expect((await postForm(agent, '/newsletter', lateLink, {})).status).to.equal(410);
    expect((await subscriber(late)).status).to.equal('pending');
  });

  it('staff compose an issue from posts and free text, preview it, test it on themselves, send it; unconfirmed addresses get nothing; one click unsubscribes (RFC 8058)', async () => {
    const { inbox, app } = await testContext();
    const reader = await subscribeAndConfirm(['eventi']);
    const other = await subscribeAndConfirm(['gare']);
    const unconfirmed = address('non-confermato');
    await postForm(await anonymousAgent(), '/newsletter', '/newsletter', { email: unconfirmed, topics: ['eventi'], consent: 'on' });
    await inbox.waitFor(unconfirmed, /Conferma/);

    const staff = await createUser('staff', null);
    const agent = await loginAs(staff.email);
    const title = `Laboratorio sul protocollo informatico ${stamp()}`;
    const post = { ...(await makePost({ title })), title };
    const subject = `Newsletter di dicembre ${stamp()}`;
    // Bad input first: nothing to send, a script in the text.
    const empty = await postForm(agent, '/newsletter/numeri/nuovo', '/newsletter/numeri', { subject });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Scrivi un testo introduttivo o scegli almeno una notizia.');
    const script = await postForm(agent, '/newsletter/numeri/nuovo', '/newsletter/numeri', { subject, intro: 'Ciao <script>alert(1)</script>' });
    expect(script.status).to.equal(422);
    const created = await postForm(agent, '/newsletter/numeri/nuovo', '/newsletter/numeri', { subject, intro: 'Le novità del mese per i **comuni** aderenti.', postIds: [String(post.id)], topics: ['eventi'] });
    expect(created.status, created.text.slice(0, 800)).to.equal(302);
    const issuePath = created.headers.location as string;
    const preview = await agent.get(issuePath);
    expect(preview.text, preview.text.slice(preview.text.indexOf('<main'), preview.text.indexOf('<main') + 3000)).to.contain('<strong>comuni</strong>');
    expect(preview.text).to.contain(post.title);

    await postForm(agent, issuePath, `${issuePath}/prova`, {});
    const test = await inbox.waitFor(staff.email, /\[PROVA\]/);
    expect(test.subject).to.equal(`[PROVA] ${subject}`);
    expect(inbox.all(reader).filter((m) => m.subject === subject)).to.have.length(0);

    const sent = await postForm(agent, issuePath, `${issuePath}/invia`, {});
    expect(sent.status).to.equal(302);
    const mail = await inbox.waitFor(reader, new RegExp(`^${subject}$`));
    expect(mail.text).to.contain(post.title);
    expect(mail.html).to.contain('<strong>comuni</strong>');
    const unsubscribeUrl = /^<(.+)>$/.exec(header(mail, 'List-Unsubscribe') ?? '')?.[1] ?? '';
    expect(unsubscribeUrl).to.match(/\/newsletter\/disiscrizione\/[A-Za-z0-9_-]{43}$/);
    expect(header(mail, 'List-Unsubscribe-Post')).to.equal('List-Unsubscribe=One-Click');
    expect(mail.text).to.contain(unsubscribeUrl);
    // A second send is refused; the subscriber of another topic and the unconfirmed address get nothing.
    await postForm(agent, issuePath, `${issuePath}/invia`, {});
    const progress = await agent.get(issuePath);
    expect(progress.text).to.contain('già stato inviato');
    expect(inbox.all(other).filter((m) => m.subject === subject)).to.have.length(0);
    expect(inbox.all(unconfirmed).filter((m) => m.subject === subject)).to.have.length(0);

    // The preferences page reached from the message.
    const prefs = pathOf(mail.text, '/newsletter/preferenze');
    const visitor = await anonymousAgent();
    expect((await visitor.get(prefs)).text).to.contain(reader);
    const saved = await postForm(visitor, prefs, prefs, { topics: ['eventi', 'riuso'] });
    expect(saved.status).to.equal(302);
    expect((await subscriber(reader)).topics).to.deep.equal(['eventi', 'riuso']);

    // One click: the mail client POSTs List-Unsubscribe=One-Click, with no session and no CSRF token.
    const path = new URL(unsubscribeUrl).pathname;
    const click = await request(app).post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(click.status).to.equal(200);
    expect((await subscriber(reader)).status).to.equal('unsubscribed');
    const reused = await request(app).post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(reused.status).to.equal(410);
    expect(reused.text).to.contain('già stato usato');
    expect((await request(app).post('/newsletter/disiscrizione/forged-token-forged-token-forged-token-123').type('form').send('List-Unsubscribe=One-Click')).status).to.equal(404);
    // Any other POST without the token still needs CSRF.
    expect((await request(app).post('/newsletter').type('form').send('List-Unsubscribe=One-Click')).status).to.equal(403);
  });

  it('an expired unsubscribe link answers 410 with a clear message and changes nothing', async () => {
    const { inbox } = await testContext();
    const reader = await subscribeAndConfirm(['formazione']);
    const staff = await createUser('staff', null);
    const agent = await loginAs(staff.email);
    const subject = `Solo formazione ${stamp()}`;
    const created = await postForm(agent, '/newsletter/numeri/nuovo', '/newsletter/numeri', { subject, intro: 'Il calendario dei webinar.', topics: ['formazione'] });
    await postForm(agent, created.headers.location, `${created.headers.location}/invia`, {});
    const mail = await inbox.waitFor(reader, new RegExp(`^${subject}$`));
    const link = pathOf(mail.text, '/newsletter/disiscrizione');
    await sql(`UPDATE single_use_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = :h RETURNING id`, { h: hashSecret(link.split('/').pop()!) });
    const visitor = await anonymousAgent();
    const page = await visitor.get(link);
    expect(page.status).to.equal(410);
    expect(page.text).to.contain('Il link di disiscrizione è scaduto');
    expect((await postForm(visitor, '/newsletter', link, {})).status).to.equal(410);
    expect((await subscriber(reader)).status).to.equal('confirmed');
  });

  it('a signed-in user subscribes, changes topics and leaves from the profile, with consent recorded', async () => {
    const user = await createUser('member', (await createBody()).id);
    const agent = await loginAs(user.email);
    const page = await agent.get('/newsletter/profilo');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Non ricevi la newsletter');
    const noConsent = await postForm(agent, '/newsletter/profilo', '/newsletter/profilo', { action: 'save', topics: ['riuso'] });
    expect(noConsent.status).to.equal(422);
    expect(await subscriber(user.email.toLowerCase())).to.equal(undefined);
    expect((await postForm(agent, '/newsletter/profilo', '/newsletter/profilo', { action: 'save', topics: ['riuso'], consent: 'on' })).status).to.equal(302);
    const row = await subscriber(user.email.toLowerCase());
    expect([row.status, row.topics, row.consent_version]).to.deep.equal(['confirmed', ['riuso'], '2026-12']);
    expect((await agent.get('/newsletter/profilo')).text).to.contain('Ricevi la newsletter');
    expect((await postForm(agent, '/newsletter/profilo', '/newsletter/profilo', { action: 'unsubscribe' })).status).to.equal(302);
    expect((await subscriber(user.email.toLowerCase())).status).to.equal('unsubscribed');
    expect((await (await anonymousAgent()).get('/newsletter/profilo')).status).to.equal(302);
  });

  it('staff export a subscriber’s data and erase it on request; others may not', async () => {
    const reader = await subscribeAndConfirm(['gare']);
    const staff = await createUser('staff', null);
    const agent = await loginAs(staff.email);
    const found = await agent.get(`/newsletter/iscritti?email=${encodeURIComponent(reader.toUpperCase())}`);
    expect(found.text).to.contain(reader);
    const id = (await subscriber(reader)).id;
    const data = await agent.get(`/newsletter/iscritti/${id}/dati.json`);
    expect(data.status).to.equal(200);
    expect(data.headers['content-disposition']).to.match(/^attachment/);
    expect(data.body).to.include({ email: reader, status: 'confirmed' });
    expect(data.body.consent.version).to.equal('2026-12');
    const member = await loginAs((await createUser('member', (await createBody()).id)).email);
    expect((await member.get(`/newsletter/iscritti/${id}/dati.json`)).status).to.equal(403);
    expect((await postForm(member, '/newsletter', `/newsletter/iscritti/${id}/elimina`, {})).status).to.equal(403);
    expect((await postForm(agent, '/newsletter/iscritti', `/newsletter/iscritti/${id}/elimina`, {})).status).to.equal(302);
    expect(await subscriber(reader)).to.equal(undefined);
    expect((await agent.get(`/newsletter/iscritti/${id}/dati.json`)).status).to.equal(404);
  });
});
