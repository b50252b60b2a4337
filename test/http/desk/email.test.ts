// Requests by e-mail, against a real IMAP server (a throwaway Dovecot, test/helpers/imap.ts): the
// messages are put in its inbox with IMAP APPEND, the desk fetches them (the scheduled job's
// function), and what they became is read from the database, the pages and the mailbox's folders.
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { QueryTypes } from 'sequelize';
import type { DeskImapConfig } from '../../../src/config.js';
import { fetchDeskMail, processMessage, type InboundResult } from '../../../src/modules/desk/inbound.js';
import { testContext } from '../../helpers/app.js';
import { startTestMailbox, type TestMailbox } from '../../helpers/imap.js';
import { bodyWithUsers, count, executable, freshStaff, pdf, post, postMessage, requestRow } from './helpers.js';

type Mail = {
  from: string;
  subject: string;
  text?: string;
  html?: string;
  messageId?: string | false;
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: Buffer; contentType?: string }>;
};

let seq = 0;
const tag = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

/** A real RFC 5322 message, as nodemailer writes it. */
async function compose(m: Mail): Promise<Buffer> {
  const composer = new MailComposer({
    from: m.from,
    to: 'sportello@cit.test',
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: m.headers,
    attachments: m.attachments,
    ...(m.messageId === false ? {} : { messageId: m.messageId ?? `<${tag()}@mail.test.example>` }),
  });
  const raw = await composer.compile().build();
  // MailComposer always writes a Message-ID; a message without one is written without it.
  return m.messageId === false ? Buffer.from(raw.toString('latin1').replace(/^Message-ID:.*\r\n/im, ''), 'latin1') : raw;
}

describe('desk: requests by e-mail (IMAP mailbox)', function () {
  this.timeout(120_000);
  let mailbox: TestMailbox;
  let config: DeskImapConfig;

  before(async () => {
    const { platform } = await testContext();
    mailbox = await startTestMailbox();
    config = {
      host: mailbox.host,
      port: mailbox.port,
      secure: false,
      verifyTls: true,
      user: mailbox.user,
      password: mailbox.password,
      mailbox: 'INBOX',
      address: 'sportello@cit.test',
      processedFolder: 'Elaborati',
      quarantineFolder: 'Quarantena',
      maxBytes: 25 * 1024 * 1024,
    };
    // As a deployment with DESK_IMAP_URL set: the fetch reads it, and the desk's mail gets the Reply-To.
    platform.config.deskImap = config;
  });

  after(async () => {
    const { platform } = await testContext();
    platform.config.deskImap = null;
    await mailbox?.stop();
  });

  async function deliverAndFetch(...mails: Array<Mail | Buffer>): Promise<InboundResult[]> {
    for (const m of mails) await mailbox.append(Buffer.isBuffer(m) ? m : await compose(m));
    const { platform } = await testContext();
    return fetchDeskMail(platform);
  }

  const requestsWithSubject = async (subject: string) => count('SELECT count(*) AS n FROM desk_requests WHERE subject = :subject', { subject });

  async function quarantined(subject: string) {
    const { platform } = await testContext();
    return platform.sequelize.query<{ id: number; reason: string; sender: string; status: string; raw: Buffer | null }>(
      `SELECT id, reason, sender, status, raw FROM desk_mail_quarantine WHERE subject = :subject ORDER BY id`,
      { replacements: { subject }, type: QueryTypes.SELECT },
    );
  }

  it('a known user’s e-mail becomes a request of their body, channel e-mail, with its attachment; a refused attachment is noted and the message kept', async () => {
    const { body, member, rtdAgent } = await bodyWithUsers();
    const subject = `PEC del protocollo ferma ${tag()}`;
    const [r] = await deliverAndFetch({
      from: `"${member.name}" <${member.email.toUpperCase()}>`,
      subject,
      text: 'Buongiorno, la PEC del protocollo non riceve da ieri sera.\nGrazie.',
      attachments: [
        { filename: 'schermata.pdf', content: pdf('errore PEC'), contentType: 'application/pdf' },
        { filename: 'programma.pdf', content: executable(), contentType: 'application/pdf' },
      ],
    });
    expect(r.outcome).to.equal('request');
    const row = await requestRow(r.requestId!);
    expect([row.entityId, row.requesterId, row.channel, row.subject, row.recordedBy]).to.deep.equal([body.id, member.id, 'email', subject, null]);
    expect(row.description).to.contain('la PEC del protocollo non riceve');
    // Another user of the body sees it, with the accepted attachment; the refused one is in a staff note only.
    const page = await rtdAgent.get(`/richieste/${row.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('schermata.pdf');
    expect(page.text).to.not.contain('programma.pdf');
    const { agent: staffAgent } = await freshStaff();
    const staffPage = await staffAgent.get(`/richieste/${row.id}`);
    expect(staffPage.text).to.contain('programma.pdf: tipo di file non ammesso');
    expect(await count('SELECT count(*) AS n FROM desk_attachments WHERE request_id = :id', { id: row.id })).to.equal(1);
    // Moved out of the inbox into the processed folder (created by the desk).
    expect((await mailbox.list('INBOX')).map((m) => m.subject)).to.not.include(subject);
    expect((await mailbox.list('Elaborati')).map((m) => m.subject)).to.include(subject);
  });

  it('an HTML-only e-mail gives its text, sanitised (no markup, no script)', async () => {
    const { member } = await bodyWithUsers();
    const subject = `Richiesta in HTML ${tag()}`;
    const [r] = await deliverAndFetch({ from: member.email, subject, html: '<p>Serve un <b>parere</b> &amp; una bozza.</p><script>alert(1)</script><p onclick="x()">Seconda riga</p>' });
    expect(r.outcome).to.equal('request');
    const row = await requestRow(r.requestId!);
    expect(row.description).to.equal('Serve un parere & una bozza.\nSeconda riga');
  });

  it('the desk’s answer carries [#N] and a Reply-To of the mailbox; the user’s e-mail reply with [#N] lands in the thread as a public reply', async () => {
    const { inbox } = await testContext();
    const { member, memberAgent } = await bodyWithUsers();
    const { agent: staffAgent } = await freshStaff();
    const subject = `Conservazione dei registri ${tag()}`;
    const [r] = await deliverAndFetch({ from: member.email, subject, text: 'Come conserviamo i registri di protocollo?' });
    const id = r.requestId!;
    const answer = await postMessage(staffAgent, id, { body: 'Vi mandiamo la guida: serve il manuale di conservazione.' });
    expect(answer.status, answer.text.slice(0, 500)).to.equal(302);
    const mail = await inbox.waitFor(member.email, new RegExp(`\\[#${id}\\]`));
    expect(mail.subject).to.contain(`[#${id}]`);
    expect(mail.parsed.replyTo?.value[0].address).to.equal('sportello@cit.test');
    // The user answers from their mail client: "Re:" + the desk's subject, the quote below.
    const [reply] = await deliverAndFetch({
      from: member.email,
      subject: `Re: ${mail.subject}`,
      text: `Grazie, ci serve anche il modello di delibera.\n\nIl giorno lun 30 nov, Sportello ha scritto:\n> Vi mandiamo la guida: serve il manuale di conservazione.\n`,
      headers: { 'In-Reply-To': mail.parsed.messageId ?? '' },
    });
    expect([reply.outcome, reply.requestId]).to.deep.equal(['reply', id]);
    const page = await memberAgent.get(`/richieste/${id}`);
    expect(page.text).to.contain('Grazie, ci serve anche il modello di delibera.');
    expect(await count(`SELECT count(*) AS n FROM desk_messages WHERE request_id = :id AND side = 'body' AND NOT internal AND body = 'Grazie, ci serve anche il modello di delibera.'`, { id })).to.equal(1);
    expect(await requestsWithSubject(`Re: ${mail.subject}`)).to.equal(0);
  });

  it('exactly once: two fetches at once, a second fetch, and a message back in the inbox (a crash before the move) make one request', async () => {
    const { member } = await bodyWithUsers();
    const subject = `Una volta sola ${tag()}`;
    const raw = await compose({ from: member.email, subject, text: 'Un messaggio solo.' });
    const noId = `Senza Message-ID ${tag()}`;
    const rawNoId = await compose({ from: member.email, subject: noId, text: 'Anche questo una volta sola.', messageId: false });
    expect(rawNoId.toString()).to.not.match(/^Message-ID:/im);
    await mailbox.append(raw);
    await mailbox.append(rawNoId);
    const { platform } = await testContext();
    const [a, b] = await Promise.all([fetchDeskMail(platform), fetchDeskMail(platform)]);
    expect(await requestsWithSubject(subject)).to.equal(1);
    expect(await requestsWithSubject(noId)).to.equal(1);
    expect([...a, ...b].filter((x) => !x.duplicate)).to.have.length(2);
    // The process died after the commit but before the IMAP move: the same message is in the inbox again.
    const [again, againNoId] = await deliverAndFetch(raw, rawNoId);
    expect([again.duplicate, againNoId.duplicate]).to.deep.equal([true, true]);
    expect(await fetchDeskMail(platform)).to.deep.equal([]);
    expect(await requestsWithSubject(subject)).to.equal(1);
    expect(await requestsWithSubject(noId)).to.equal(1);
    expect((await mailbox.list('INBOX')).map((m) => m.subject)).to.not.include(subject);
    expect((await mailbox.list('Elaborati')).filter((m) => m.subject === subject)).to.have.length(2);
  });

  it('exactly once without the run lock: the same message processed twice at the same moment saves one request, the other run sees a duplicate', async () => {
    const { platform } = await testContext();
    const { member } = await bodyWithUsers();
    for (const messageId of [`<doppio.${tag()}@mail.test.example>`, false] as const) {
      const subject = `Due processi insieme ${tag()}`;
      const raw = await compose({ from: member.email, subject, text: 'Arrivato a due worker insieme.', messageId });
      const headers = raw.subarray(0, raw.indexOf('\r\n\r\n') + 2);
      const entry = { uid: 0, size: raw.length, messageId: messageId || null, headers };
      const results = await Promise.all([processMessage(platform, entry, async () => raw), processMessage(platform, entry, async () => raw)]);
      expect(results.map((r) => r.duplicate).sort()).to.deep.equal([false, true]);
      expect(results[0].requestId).to.equal(results[1].requestId);
      expect(await requestsWithSubject(subject)).to.equal(1);
    }
  });

  it('a reply by e-mail to a closed request goes to quarantine (the desk refuses it), the thread unchanged', async () => {
    const { platform } = await testContext();
    const { member } = await bodyWithUsers();
    const [opened] = await deliverAndFetch({ from: member.email, subject: `Da chiudere ${tag()}`, text: 'Una richiesta che verrà chiusa.' });
    const id = opened.requestId!;
    await platform.sequelize.query(`UPDATE desk_requests SET state = 'closed', closed_at = now() WHERE id = :id`, { replacements: { id } });
    const subject = `Re: chiusa [#${id}] ${tag()}`;
    const [r] = await deliverAndFetch({ from: member.email, subject, text: 'Riapro con una risposta?' });
    expect([r.outcome, r.reason]).to.deep.equal(['quarantine', 'refused']);
    expect(await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :id', { id })).to.equal(0);
    expect((await quarantined(subject)).map((q) => q.reason)).to.deep.equal(['refused']);
  });

  it('bad input goes to quarantine with its reason, nothing half-saved, nothing thrown: unknown sender, auto-replies, bulk, unknown number, no text, malformed MIME', async () => {
    const { member } = await bodyWithUsers();
    const { user: staff } = await freshStaff();
    const t = tag();
    const cases: Array<[Mail | Buffer, string, string]> = [
      [{ from: `sconosciuto.${t}@altrove.example`, subject: `Sconosciuto ${t}`, text: 'Chi sono?' }, `Sconosciuto ${t}`, 'unknown_sender'],
      [{ from: member.email, subject: `Fuori ufficio ${t}`, text: 'Sono in ferie.', headers: { 'Auto-Submitted': 'auto-replied' } }, `Fuori ufficio ${t}`, 'auto_reply'],
      [{ from: member.email, subject: `Lista ${t}`, text: 'Notizie della lista.', headers: { Precedence: 'bulk' } }, `Lista ${t}`, 'auto_reply'],
      [{ from: member.email, subject: `Re: pratica [#999999999] ${t}`, text: 'Rispondo.' }, `Re: pratica [#999999999] ${t}`, 'unknown_request'],
      [{ from: member.email, subject: `Solo allegato ${t}`, attachments: [{ filename: 'a.pdf', content: pdf(), contentType: 'application/pdf' }] }, `Solo allegato ${t}`, 'no_text'],
      [{ from: staff.email, subject: `Dal centro ${t}`, text: 'Una richiesta di un operatore.' }, `Dal centro ${t}`, 'not_body'],
      [
        Buffer.from(`From: ${member.email}\r\nSubject: MIME rotto ${t}\r\nMessage-ID: <rotto.${t}@mail.test.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nTesto\r\n`),
        `MIME rotto ${t}`,
        'malformed',
      ],
      [Buffer.from(`Subject: Senza mittente ${t}\r\nMessage-ID: <nofrom.${t}@mail.test.example>\r\n\r\nTesto senza From\r\n`), `Senza mittente ${t}`, 'malformed'],
    ];
    const before = await count('SELECT count(*) AS n FROM desk_requests');
    const results = await deliverAndFetch(...cases.map((c) => c[0]));
    expect(results.map((r) => r.outcome)).to.deep.equal(cases.map(() => 'quarantine'));
    for (const [, subject, reason] of cases) {
      const rows = await quarantined(subject);
      expect(rows.map((r) => [r.reason, r.status]), subject).to.deep.equal([[reason, 'pending']]);
      expect(await requestsWithSubject(subject)).to.equal(0);
    }
    expect(await count('SELECT count(*) AS n FROM desk_requests')).to.be.at.least(before);
    expect(await count(`SELECT count(*) AS n FROM desk_requests WHERE subject LIKE :s`, { s: `%${t}` })).to.equal(0);
    const inQuarantine = (await mailbox.list('Quarantena')).map((m) => m.subject);
    for (const [, subject] of cases) expect(inQuarantine, subject).to.include(subject);
    expect((await mailbox.list('INBOX')).length).to.equal(0);
  });

  it('a 30 MB attachment: the message goes to quarantine without being downloaded, and the inbox moves on', async () => {
    const { member } = await bodyWithUsers();
    const subject = `Allegato enorme ${tag()}`;
    const big = Buffer.alloc(30 * 1024 * 1024, 'a');
    const [r] = await deliverAndFetch({ from: member.email, subject, text: 'Vi mando la planimetria.', attachments: [{ filename: 'planimetria.pdf', content: big, contentType: 'application/pdf' }] });
    expect([r.outcome, r.reason]).to.deep.equal(['quarantine', 'too_large']);
    const [row] = await quarantined(subject);
    expect([row.reason, row.sender, row.raw]).to.deep.equal(['too_large', member.email, null]);
    expect(await requestsWithSubject(subject)).to.equal(0);
    expect((await mailbox.list('Quarantena')).map((m) => m.subject)).to.include(subject);
  });

  it('a forged From of another body’s user cannot reply to a request it may not see', async () => {
    const e = await bodyWithUsers();
    const f = await bodyWithUsers();
    const [opened] = await deliverAndFetch({ from: e.member.email, subject: `Richiesta dell’ente E ${tag()}`, text: 'Una richiesta di E.' });
    const id = opened.requestId!;
    const subject = `Re: Richiesta n. ${id} [#${id}] ${tag()}`;
    const [r] = await deliverAndFetch({ from: f.member.email, subject, text: 'Testo scritto da chi finge di essere F.' });
    expect([r.outcome, r.reason]).to.deep.equal(['quarantine', 'not_allowed']);
    expect(await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :id', { id })).to.equal(0);
    expect((await e.memberAgent.get(`/richieste/${id}`)).text).to.not.contain('Testo scritto da chi finge');
  });

  it('staff assign a quarantined message to a body and user (a request with channel e-mail and the attachment) and discard another, from the quarantine page', async () => {
    const { body, member, memberAgent } = await bodyWithUsers();
    const { agent } = await freshStaff();
    const t = tag();
    const sender = `segreteria.${t}@comune.example`;
    await deliverAndFetch(
      { from: `Segreteria <${sender}>`, subject: `Da assegnare ${t}`, text: 'Scrivo dalla casella della segreteria.', attachments: [{ filename: 'delibera.pdf', content: pdf('delibera'), contentType: 'application/pdf' }] },
      { from: `spam.${t}@altrove.example`, subject: `Da scartare ${t}`, text: 'Offerta imperdibile.' },
    );
    const list = await agent.get('/richieste/posta');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain('Posta in quarantena');
    expect(list.text).to.contain(`Da assegnare ${t}`);
    expect(list.text).to.contain(sender);
    expect(list.text).to.contain('Mittente sconosciuto: l’indirizzo non è di un utente attivo');
    const [toAssign] = await quarantined(`Da assegnare ${t}`);
    const [toDiscard] = await quarantined(`Da scartare ${t}`);

    const form = await agent.get(`/richieste/posta/${toAssign.id}?ente=${body.id}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Scrivo dalla casella della segreteria.');
    expect(form.text).to.contain('delibera.pdf');
    expect(form.text).to.contain(member.email);
    // Bad input first: no requester and no name, the form keeps the subject; nothing saved.
    const bad = await post(agent, `/richieste/posta/${toAssign.id}`, { entityId: String(body.id), category: 'legal', priority: 'normal', subject: `Da assegnare ${t}`, description: 'Testo' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Scegli un utente dell’ente o scrivi il nome della persona senza account.');
    expect(bad.text).to.contain(`Da assegnare ${t}`);
    expect((await quarantined(`Da assegnare ${t}`))[0].status).to.equal('pending');

    const ok = await post(agent, `/richieste/posta/${toAssign.id}`, {
      entityId: String(body.id),
      requesterId: String(member.id),
      category: 'legal',
      priority: 'normal',
      subject: `Da assegnare ${t}`,
      description: 'Scrivo dalla casella della segreteria.',
    });
    expect(ok.status, ok.text.slice(0, 800)).to.equal(302);
    const id = Number(/\/richieste\/(\d+)$/.exec(ok.headers.location)?.[1]);
    const row = await requestRow(id);
    expect([row.entityId, row.requesterId, row.channel]).to.deep.equal([body.id, member.id, 'email']);
    expect((await memberAgent.get(`/richieste/${id}`)).text).to.contain('delibera.pdf');
    const [assigned] = await quarantined(`Da assegnare ${t}`);
    expect([assigned.status, assigned.raw]).to.deep.equal(['assigned', null]);
    // Assigning it again creates nothing.
    const twice = await post(agent, `/richieste/posta/${toAssign.id}`, { entityId: String(body.id), requesterId: String(member.id), category: 'legal', priority: 'normal', subject: `Da assegnare ${t}`, description: 'x' });
    expect(twice.status).to.equal(404);
    expect(await requestsWithSubject(`Da assegnare ${t}`)).to.equal(1);

    const discard = await post(agent, `/richieste/posta/${toDiscard.id}/scarta`, {});
    expect(discard.status).to.equal(302);
    expect((await quarantined(`Da scartare ${t}`))[0].status).to.equal('discarded');
    const after = await agent.get('/richieste/posta');
    expect(after.text).to.not.contain(`Da scartare ${t}`);
    expect(after.text).to.not.contain(`Da assegnare ${t}`);
    // Without the CSRF token nothing happens.
    await deliverAndFetch({ from: `altro.${t}@altrove.example`, subject: `Senza token ${t}`, text: 'x' });
    const [item] = await quarantined(`Senza token ${t}`);
    const noToken = await agent.post(`/richieste/posta/${item.id}/scarta`).type('form').send({});
    expect(noToken.status).to.equal(403);
    expect((await quarantined(`Senza token ${t}`))[0].status).to.equal('pending');
  });

  it('a member of a comune cannot see or act on the quarantine', async () => {
    const { memberAgent, rtdAgent } = await bodyWithUsers();
    const t = tag();
    await deliverAndFetch({ from: `esterno.${t}@altrove.example`, subject: `Riservato ${t}`, text: 'Solo per lo staff.' });
    const [item] = await quarantined(`Riservato ${t}`);
    for (const agent of [memberAgent, rtdAgent]) {
      expect((await agent.get('/richieste/posta')).status).to.equal(403);
      expect((await agent.get(`/richieste/posta/${item.id}`)).status).to.equal(403);
      const res = await post(agent, `/richieste/posta/${item.id}/scarta`, {});
      expect(res.status).to.equal(403);
    }
    expect((await quarantined(`Riservato ${t}`))[0].status).to.equal('pending');
  });
});
