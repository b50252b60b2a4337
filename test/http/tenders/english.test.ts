// The tenders pages in English: after the language switch, every page of the area reads in English
// and no Italian sentence of the interface is left (the records themselves are typed in English here,
// so any Italian left on the page comes from the interface).
import { expect } from 'chai';
import { User } from '../../../src/modules/accounts/models.js';
import { sendMilestoneReminders } from '../../../src/modules/tenders/deadlines.js';
import { Lot } from '../../../src/modules/tenders/models.js';
import { openOrUpdateCall } from '../../../src/modules/tenders/needs.js';
import { addLot, addMilestone, addParticipant } from '../../../src/modules/tenders/service.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm, type Agent } from '../../helpers/http.js';
import { addDays, makeDossier, staffActor, todayInRome, uploadDoc } from './helpers.js';

/** Words of Italian sentences that never occur in English text. */
const ITALIAN = /\b(della|delle|degli|dei|il|gli|non|che|sono|alla|nella|una|questa|questo|gara|gare|ente|enti|scadenza|scadenze|fabbisogni|nessun[ao]?|annulla|salva|carica|scegli|modifica|lotto|lotti|fase|aggiudicazione|documenti|torna)\b|è/i;

/** Italian terms of art the English text keeps on purpose, next to their gloss. */
const TERMS_OF_ART = /codice identificativo gara|codice unico di progetto|responsabile unico del progetto|affidamento diretto|procedura negoziata|determina a contrarre/gi;

/** The main content of a page. */
function mainOf(html: string): string {
  return html.slice(html.indexOf('<main'), html.indexOf('</main>')).replace(TERMS_OF_ART, ' ');
}

/** The text of the page's main content, without tags and markup. */
function mainText(html: string): string {
  return mainOf(html)
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&[a-z]+;|&#\d+;/g, ' ')
    .replace(/\s+/g, ' ');
}

/** The attributes a screen reader or a tooltip reads (aria-label, title, placeholder). */
function readAttributes(html: string): string {
  return [...mainOf(html).matchAll(/\b(?:aria-label|title|placeholder)="([^"]*)"/g)].map((m) => m[1]).join(' | ');
}

/** Bodies' names are records, not interface: other tests name theirs in Italian ("Unione dei Comuni …"). */
async function withoutBodyNames(text: string): Promise<string> {
  const { platform } = await testContext();
  const [rows] = await platform.sequelize.query('SELECT name FROM entities ORDER BY length(name) DESC');
  return (rows as Array<{ name: string }>).reduce((acc, r) => acc.split(r.name).join(' '), text);
}

async function expectEnglish(html: string, page: string): Promise<void> {
  for (const text of [await withoutBodyNames(mainText(html)), await withoutBodyNames(readAttributes(html))]) {
    const found = text.match(ITALIAN);
    expect(found, `${page}: Italian word «${found?.[0]}» in: ${text.slice(Math.max(0, (found?.index ?? 0) - 80), (found?.index ?? 0) + 80)}`).to.equal(null);
  }
}

async function inEnglish(agent: Agent): Promise<void> {
  // The language switch in the header: a link that sets the `lang` cookie and comes back.
  const res = await agent.get('/lingua?lang=en&back=/gare');
  expect(res.status).to.equal(302);
  expect(String(res.headers['set-cookie'])).to.match(/lang=en/);
}

/** A dossier whose own data are in English, with a lot, a milestone, a document and a needs call. */
async function englishDossier() {
  const { platform } = await testContext();
  const actor = await staffActor();
  const dossier = await makeDossier({ title: `Cloud migration ${Date.now().toString(36)}`, object: 'Migration of the member municipalities to qualified cloud services.', cpv: '72000000-5' });
  const body = await createBody({ name: `Town of Testing ${Date.now().toString(36)}` });
  const member = await createUser('rtd', body.id, { name: 'Alex Member' });
  await addParticipant(platform, actor, dossier.id, { entityId: String(body.id), status: 'joined', share: '100.000' });
  const lot = await addLot(platform, actor, dossier.id, { number: '1', title: 'Hosting', cig: '', value: '250.000' });
  // Its own owner, so that the deadlines dashboard filtered on "mine" shows this milestone only.
  const owner = await createUser('staff', null, { name: 'Sam Owner' });
  const milestone = await addMilestone(platform, actor, dossier.id, { kind: 'publication', title: '', dueOn: addDays(todayInRome(), 40), dueTime: '12:00', ownerUserId: String(owner.id), note: '' });
  const doc = await uploadDoc(dossier.id, 'capitolato', 'Technical specifications', 'participants');
  await openOrUpdateCall(platform, actor, dossier.id, {
    deadlineOn: addDays(todayInRome(), 20),
    instructions: 'Give the number of workstations and the budget.',
    invite: 'chosen',
    entityIds: [String(body.id)],
    itemId: ['', ''],
    itemLabel: ['Workstations', 'Available budget'],
    itemUnit: ['seats', ''],
    itemMeasure: ['quantity', 'amount'],
    itemDescription: ['', ''],
  });
  return { dossier, body, member, owner, lot, milestone, doc };
}

describe('tenders: in English', () => {
  it('shows the dossier list, a dossier, the new-dossier form with its errors and the needs form in English', async () => {
    const { dossier, member } = await englishDossier();
    const staff = await loginAs('staff@cithub.example');
    await inEnglish(staff);

    // Filtered on this dossier: the other dossiers of the database have Italian titles.
    const home = await staff.get('/');
    expect(home.text).to.contain('Tender deadlines').and.to.contain('See the tenders in progress').and.to.contain('ICT tenders as OCDS</a>');
    const list = await staff.get(`/gare?q=${encodeURIComponent(dossier.title)}`);
    expect(list.status).to.equal(200);
    expect(list.text).to.contain('<html lang="en">');
    expect(list.text).to.contain('Aggregated ICT tenders');
    expect(list.text).to.contain('Estimated value');
    expect(list.text).to.contain(dossier.title);
    await expectEnglish(list.text, '/gare');

    const page = await staff.get(`/gare/${dossier.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Needs collection');
    expect(page.text).to.contain('Phases and deadlines');
    expect(page.text).to.contain('Tender created in the “Needs collection” phase.'); // the history, stored as a message
    expect(page.text).to.contain('Publication'); // a milestone left without a title reads in English
    expect(page.text).to.contain('€250,000.00'); // amounts the British way, as the other numbers of the page
    expect(page.text).to.not.contain('250.000,00');
    await expectEnglish(page.text, `/gare/${dossier.id}`);

    const form = await staff.get('/gare/nuova');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Estimated value in euro, excluding VAT');
    expect(form.text).to.contain('1.2 Enabling and supporting migration to the cloud'); // the PNRR measures, from the platform's vocabulary
    await expectEnglish(form.text, '/gare/nuova');

    const staffId = String((await staffActor()).userId);
    const bad = await postForm(staff, '/gare/nuova', '/gare', { title: '', object: 'Typed before the mistake', category: 'services', cpv: '7200', procedure: 'affidamento_diretto', estimatedValue: '-5', rupUserId: staffId, funding: 'pnrr', pnrrMeasure: '', cup: '', fundingNote: '' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('The form contains errors');
    expect(bad.text).to.contain('Fill in «Title».');
    expect(bad.text).to.contain('Estimated value: the amount cannot be negative.');
    expect(bad.text).to.contain('A CPV code looks like 12345678-9');
    expect(bad.text).to.match(/>Typed before the mistake<\/textarea>/);
    await expectEnglish(bad.text, 'POST /gare');

    const body = await loginAs(member.email);
    await inEnglish(body);
    const needs = await body.get(`/gare/${dossier.id}/fabbisogni`);
    expect(needs.status).to.equal(200);
    expect(needs.text).to.contain('Send the needs');
    expect(needs.text).to.contain('Workstations (seats)');
    expect(needs.text).to.contain('Available budget (euro)');
    await expectEnglish(needs.text, `/gare/${dossier.id}/fabbisogni`);
    const wrong = await postForm(body, `/gare/${dossier.id}/fabbisogni`, `/gare/${dossier.id}/fabbisogni/risposta`, { notes: '' });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('Give at least one quantity or amount');
    await expectEnglish(wrong.text, `POST /gare/${dossier.id}/fabbisogni/risposta`);
    const bodyHome = await body.get('/');
    expect(bodyHome.text).to.contain('Needs to declare').and.to.contain('The centre asks your body for its needs for an aggregated tender');
    const bodyPage = await body.get(`/gare/${dossier.id}`);
    expect(bodyPage.text).to.contain('Declare the needs');
    await expectEnglish(bodyPage.text, `/gare/${dossier.id} (body)`);
  });

  it('shows every other page of the area in English too', async () => {
    const { dossier, owner, lot, milestone, doc } = await englishDossier();
    const staff = await loginAs(owner.email);
    await inEnglish(staff);
    const participant = (await staff.get(`/gare/${dossier.id}`)).text.match(/\/partecipanti\/(\d+)\/modifica/)![1];
    const pages = [
      '/gare/scadenze?mine=1',
      `/gare/${dossier.id}/modifica`,
      `/gare/${dossier.id}/lotti/nuovo`,
      `/gare/${dossier.id}/lotti/${lot.id}/modifica`,
      `/gare/${dossier.id}/lotti/${lot.id}/annulla`,
      `/gare/${dossier.id}/scadenze/nuova`,
      `/gare/${dossier.id}/scadenze/${milestone.id}/modifica`,
      `/gare/${dossier.id}/fase?to=preparation`,
      `/gare/${dossier.id}/fase?to=cancelled`,
      `/gare/${dossier.id}/aggiudicazione`,
      `/gare/${dossier.id}/partecipanti/nuovo`,
      `/gare/${dossier.id}/partecipanti/${participant}/modifica`,
      `/gare/${dossier.id}/documenti/nuovo`,
      `/gare/${dossier.id}/documenti/modello?tipo=determina_a_contrarre`,
      `/gare/${dossier.id}/documenti/modello?tipo=capitolato`,
      `/gare/${dossier.id}/documenti/${doc.id}`,
      `/gare/${dossier.id}/fabbisogni/avvio`,
      `/gare/${dossier.id}/fabbisogni`,
    ];
    for (const path of pages) {
      const res = await staff.get(path);
      expect(res.status, path).to.equal(200);
      await expectEnglish(res.text, path);
    }
    const dashboard = await staff.get('/gare/scadenze?mine=1');
    expect(dashboard.text).to.contain('Publication').and.to.contain('at 12:00').and.to.contain('Your personal calendar');
    // A refused phase change explains itself in English, as a page and as a message.
    const skip = await postForm(staff, `/gare/${dossier.id}/fase?to=preparation`, `/gare/${dossier.id}/fase`, { to: 'published' });
    expect(skip.status).to.equal(422);
    expect(skip.text).to.contain('From the “Needs collection” phase the dossier can only move to “Preparation” or be cancelled.');
    await expectEnglish(skip.text, `POST /gare/${dossier.id}/fase`);
    expect((await staff.get(`/gare/${dossier.id}/fase?to=published`)).status).to.equal(302);
    const flash = await staff.get(`/gare/${dossier.id}`);
    expect(flash.text).to.contain('The tender cannot move to the requested phase.');
    // The CSV of the needs has English headings.
    const csv = await staff.get(`/gare/${dossier.id}/fabbisogni.csv`);
    expect(csv.text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).to.equal('Body;IPA code;Status;Answered on;Workstations (seats);Available budget (euro);Notes');
    expect(await Lot.count({ where: { dossierId: dossier.id } })).to.equal(1);
  });

  it('fills the amounts of its forms the English way, as its pages print them, and reads them back', async () => {
    const { dossier, owner, lot } = await englishDossier();
    const staff = await loginAs(owner.email);
    await inEnglish(staff);
    const form = await staff.get(`/gare/${dossier.id}/lotti/${lot.id}/modifica`);
    expect(form.text).to.match(/name="value"[^>]*\s+value="250,000\.00"/);
    const saved = await postForm(staff, `/gare/${dossier.id}/lotti/${lot.id}/modifica`, `/gare/${dossier.id}/lotti/${lot.id}`, { number: '1', title: 'Hosting', description: '', cig: '', value: '250,000.00', status: 'planned' });
    expect(saved.status).to.equal(302);
    expect((await Lot.findByPk(lot.id))!.valueCents).to.equal(25_000_000);
    const italian = await loginAs(owner.email);
    expect((await italian.get(`/gare/${dossier.id}/lotti/${lot.id}/modifica`)).text).to.match(/name="value"[^>]*\s+value="250\.000,00"/);
  });

  it('writes the milestone reminder in the language of its owner', async () => {
    const { platform, inbox } = await testContext();
    const { dossier, owner, milestone } = await englishDossier();
    await User.update({ locale: 'en' }, { where: { id: owner.id } });
    await sendMilestoneReminders(platform, new Date(`${addDays(milestone.dueOn, -1)}T08:00:00Z`));
    const mail = await inbox.waitFor(owner.email, new RegExp(dossier.title));
    expect(mail.subject).to.equal(`Deadline coming up on ${milestone.dueOn.split('-').reverse().join('/')} at 12:00: Publication — ${dossier.title}`);
    expect(mail.text).to.contain('Hello Sam Owner,').and.to.contain('(Publication)').and.to.contain('“Needs collection” phase').and.to.contain('Open the tender:');
    expect(mail.html).to.contain('Open the tender</a>');
  });
});
