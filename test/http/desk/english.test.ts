// The desk in English: a body user and an operator who switched the language (the `lang` cookie set by
// /lingua) read every desk page in English, with no Italian sentence left over from the desk's own text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { QueryTypes } from 'sequelize';
import { ROOT } from '../../../src/platform/paths.js';
import { testContext } from '../../helpers/app.js';
import { loginAs } from '../../helpers/http.js';
import { User } from '../../../src/modules/accounts/models.js';
import { bodyWithUsers, freshStaff, openRequest, post, postMessage, type CsrfAgent } from './helpers.js';

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))));
const catalogue = (lang: string, ns: string) => flatten(JSON.parse(readFileSync(path.join(ROOT, 'locales', lang, `${ns}.json`), 'utf8')) as Tree);

/**
 * The Italian sentences the desk's pages are made of: every Italian text of desk.json and common.json
 * that differs from its English, cut at the interpolations, keeping the pieces of two words or more.
 */
function italianSentences(): string[] {
  const pieces = new Set<string>();
  for (const ns of ['desk', 'common']) {
    const it = catalogue('it', ns);
    const en = catalogue('en', ns);
    for (const [key, text] of Object.entries(it)) {
      if (en[key] === text) continue;
      for (const piece of text.split(/\{\{[^}]+\}\}/)) {
        const p = piece.trim().replace(/^[(«:;,.\s]+|[)»:;,.\s]+$/g, '');
        if (p.split(/\s+/).length >= 2 && p.length >= 8) pieces.add(p);
      }
    }
  }
  return [...pieces];
}

/** Words that only Italian text has (names and typed text are removed before looking for them). */
const ITALIAN_WORDS = /\b(della|delle|richiesta|richieste|nessuna|scadenza|stato|aperta|risposta|oggetto|categoria|priorità|allegati|lavorazione|invia|cerca|ente)\b/i;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** The text a reader sees in <main> (and in its aria-labels, titles and captions), with the given data removed. */
function mainText(html: string, data: string[]): string {
  const main = /<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? '';
  const attrs = [...main.matchAll(/\b(?:aria-label|title|placeholder|data-new-tab)="([^"]*)"/g)].map((m) => m[1]);
  let text = `${main.replace(/<[^>]+>/g, ' ')} ${attrs.join(' ')}`;
  for (const d of [...data].sort((a, b) => b.length - a.length)) text = text.split(escapeHtml(d)).join(' ').split(d).join(' ');
  return text.replace(/&#39;|&#34;|&amp;/g, (e) => ({ '&#39;': "'", '&#34;': '"', '&amp;': '&' })[e]!).replace(/\s+/g, ' ');
}

describe('desk: in English', () => {
  const sentences = italianSentences();
  let data: string[];
  let member: CsrfAgent;
  let staff: CsrfAgent;
  let bodyId: number;
  let requestId: number;

  const expectEnglish = (html: string, what: string) => {
    expect(html, what).to.contain('<html lang="en">');
    const text = mainText(html, data);
    const left = sentences.filter((s) => text.includes(s));
    expect(left, `${what}: Italian sentences`).to.deep.equal([]);
    expect(ITALIAN_WORDS.exec(text)?.[0], `${what}: Italian word in «${text.slice(0, 3000)}»`).to.equal(undefined);
  };

  before(async () => {
    const b = await bodyWithUsers();
    const s = await freshStaff();
    member = b.memberAgent;
    staff = s.agent;
    bodyId = b.body.id;
    for (const agent of [member, staff]) {
      const switched = await agent.get('/lingua?lang=en&back=/richieste');
      expect(switched.status).to.equal(302);
      expect(String(switched.headers['set-cookie'])).to.match(/(^|[;,])\s*lang=en/);
    }
    requestId = await openRequest(member, { subject: 'Privacy notice for online bookings', description: 'Do we need a new privacy notice for the booking service?' });
    await postMessage(staff, requestId, { internal: '', body: 'Could you send us the current notice?', then: 'waiting' });
    const { platform } = await testContext();
    const bodies = await platform.sequelize.query<{ name: string }>('SELECT name FROM entities', { type: QueryTypes.SELECT });
    data = [
      ...bodies.map((r) => r.name),
      b.member.name,
      b.member.email,
      b.rtd.name,
      s.user.name,
      s.user.email,
      ...(await platform.sequelize.query<{ name: string; email: string }>("SELECT name, email FROM users WHERE role IN ('staff', 'admin')", { type: QueryTypes.SELECT })).flatMap((u) => [u.name, u.email]),
      'Privacy notice for online bookings',
      'Do we need a new privacy notice for the booking service?',
      'Could you send us the current notice?',
    ];
  });

  it('shows the body its list of requests in English', async () => {
    const res = await member.get('/richieste');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(escapeHtml("Your body's requests"));
    expect(res.text).to.contain('Waiting for the requester');
    expect(res.text).to.contain('Download the list as CSV');
    expectEnglish(res.text, 'list');
  });

  it('shows a request page in English: service times, conversation, reply form, history', async () => {
    const res = await member.get(`/richieste/${requestId}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(`Request no. ${requestId}`);
    expect(res.text).to.contain('Service times');
    expect(res.text).to.contain('The centre is waiting for your reply');
    expect(res.text).to.contain('Conversation');
    expect(res.text).to.contain('History');
    expectEnglish(res.text, 'request page');
    const staffPage = await staff.get(`/richieste/${requestId}`);
    expect(staffPage.text).to.contain('Reply or add a note');
    expect(staffPage.text).to.contain('Resume work');
    expectEnglish(staffPage.text, 'request page (staff)');
  });

  it('shows the new-request form and its field errors in English, keeping what was typed', async () => {
    const form = await member.get('/richieste/nuova');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Step 1 of 2');
    expectEnglish(form.text, 'new-request form');
    const token = await member.csrf('/richieste/nuova');
    const res = await member.post('/richieste/nuova').type('form').send({ _csrf: token, category: 'legal', priority: 'normal', subject: '', description: 'A description that must stay in the form' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('The form contains errors');
    expect(res.text).to.contain('The subject is required.');
    expect(res.text).to.contain('A description that must stay in the form');
    expectEnglish(res.text.replace('A description that must stay in the form', ''), 'new-request form with an error');
  });

  it('shows the staff queue in English, with the due dates worded in English', async () => {
    const res = await staff.get(`/richieste?entity=${bodyId}&state=all`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Request queue');
    expect(res.text).to.contain('Assign the selected requests to');
    expect(res.text).to.contain('Paused (waiting for the requester)');
    expectEnglish(res.text, 'queue');
  });

  it('keeps the CSV column names as they are and words states and categories in English', async () => {
    const res = await staff.get(`/richieste/export.csv?entity=${bodyId}&state=all`);
    expect(res.status).to.equal(200);
    const rows = parse(res.text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
    const row = rows.find((r) => Number(r.numero) === requestId)!;
    expect(row, 'the request is in the export').to.not.equal(undefined);
    expect(row.categoria).to.equal('Legal');
    expect(row.priorita).to.equal('Normal');
    expect(row.stato).to.equal('Waiting for the requester');
    const report = parse((await staff.get('/richieste/report.csv?table=stato&from=2020-01-01')).text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
    expect(Object.keys(report[0])).to.include.members(['stato', 'richieste', 'sla_rispettato_percentuale']);
    expect(report.map((r) => r.stato)).to.include('Waiting for the requester');
  });

  it('shows the admin the business calendar in English, national holidays named in English', async () => {
    const admin = (await loginAs('admin@cithub.example')) as CsrfAgent;
    await admin.get('/lingua?lang=en&back=/admin/calendario');
    const res = await admin.get('/admin/calendario');
    expect(res.status).to.equal(200);
    // The next 366 days always hold a Christmas and a Republic Day.
    expect(res.text).to.contain('Christmas Day');
    expect(res.text).to.contain('Republic Day');
    expect(res.text).to.not.contain('Natale');
    expectEnglish(res.text, 'calendar');
  });

  it('gives the home page the desk’s cards in English', async () => {
    const body = await member.get('/');
    expect(body.text).to.contain(escapeHtml("Your body's requests"));
    expect(body.text).to.contain('Ask for advice');
    expect(body.text).to.contain('Search the knowledge base');
    expect(body.text).to.not.contain('Chiedi consulenza');
    const operator = await staff.get('/');
    expect(operator.text).to.contain('My queue');
    expect(operator.text).to.contain('Overdue requests');
    expect(operator.text).to.not.contain('La mia coda');
  });

  it('tells an operator in English why a move is refused', async () => {
    const token = await staff.csrf(`/richieste/${requestId}`);
    const moved = await staff.post(`/richieste/${requestId}/stato`).type('form').send({ _csrf: token, action: 'close' });
    expect(moved.status).to.equal(302);
    const page = await staff.get(`/richieste/${requestId}`);
    expect(page.text).to.contain('The request is “Waiting for the requester”: “Close” is not possible.');
    expectEnglish(page.text, 'request page with a refusal');
  });

  it('writes mail in each recipient’s language: English to an operator who chose it, Italian to the others', async () => {
    const { inbox } = await testContext();
    const { member, memberAgent } = await bodyWithUsers();
    const { user: operator } = await freshStaff();
    await User.update({ locale: 'en' }, { where: { id: operator.id } });
    const id = await openRequest(memberAgent, { subject: 'Conservazione a norma dei registri' });
    expect((await post(staff, `/richieste/${id}/assegna`, { assigneeId: String(operator.id) })).status).to.equal(302);
    const english = await inbox.waitFor(operator.email, new RegExp(`^Request no\\. ${id} “Conservazione a norma dei registri”: assigned to you \\[#${id}\\]$`));
    expect(english.text).to.contain(`has assigned you request no. ${id}`);
    expect(english.text).to.contain('Open the request');
    expect(english.html).to.contain('<html lang="en">');
    const italian = await inbox.waitFor(member.email, new RegExp(`^Richiesta n\\. ${id} «Conservazione a norma dei registri»: stato «Assegnata» \\[#${id}\\]$`));
    expect(italian.text).to.contain('Apri la richiesta');
  });
});
