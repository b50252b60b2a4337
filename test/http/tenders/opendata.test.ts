import { existsSync } from 'node:fs';
import { expect } from 'chai';
import ICAL from 'ical.js';
import request from 'supertest';
import { DEFAULT_SCHEMAS_DIR, validateReleasePackage } from '../../../scripts/check-ocds.js';
import { DEMO_CLOUD_TITLE, DEMO_WEB_TITLE } from '../../../src/modules/tenders/seed.js';
import { Dossier, Milestone } from '../../../src/modules/tenders/models.js';
import { sendMilestoneReminders } from '../../../src/modules/tenders/deadlines.js';
import { saveAward } from '../../../src/modules/tenders/service.js';
import { testContext } from '../../helpers/app.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { addDays, dossierWithTwoBodies, lot, makeDossier, milestone, staffActor, todayInRome, uniqueCig, uploadDoc } from './helpers.js';
import { mailJobsTo } from '../../helpers/mail.js';

type OcdsPackage = {
  uri: string;
  version: string;
  publisher: { name: string };
  releases: Array<{
    ocid: string;
    tag: string[];
    parties: Array<{ id: string; name: string; roles: string[] }>;
    buyer: { id: string };
    tender: { id: string; status: string; procurementMethod: string; procurementMethodDetails: string; mainProcurementCategory: string; lots?: Array<{ id: string; status: string; value?: { amount: number } }>; documents?: Array<{ title: string; url: string }>; value?: { amount: number; currency: string } };
    awards?: Array<{ suppliers: Array<{ name: string }>; documents?: Array<{ title: string }> }>;
    contracts?: unknown[];
  }>;
};

function parseIcs(text: string) {
  const comp = new ICAL.Component(ICAL.parse(text));
  return comp.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
}

describe('tenders: calendars and open data', () => {
  it('gives a dossier’s milestones as iCalendar that ical.js parses', async () => {
    const d = await makeDossier({ isPublic: 'on' });
    const day = addDays(todayInRome(), 30);
    await milestone(d.id, 'publication', day);
    await milestone(d.id, 'offers_deadline', addDays(todayInRome(), 60), '12:00');
    const { app } = await testContext();
    const res = await request(app).get(`/gare/${d.id}/scadenze.ics`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('text/calendar');
    const events = parseIcs(res.text);
    expect(events).to.have.length(2);
    const pub = events.find((e) => e.summary.startsWith('Pubblicazione'))!;
    expect(pub.startDate.isDate).to.equal(true);
    expect(pub.startDate.toString()).to.equal(day);
    const offers = events.find((e) => e.summary.startsWith('Scadenza offerte'))!;
    expect(offers.startDate.isDate).to.equal(false);
    const rome = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' }).format(offers.startDate.toJSDate());
    expect(rome).to.equal('12:00');
    expect(offers.uid).to.match(/^milestone-\d+@127\.0\.0\.1$/);
  });

  it('gives staff a personal feed behind a secret URL, which a new one revokes', async () => {
    const staff = await loginAs('staff@cithub.example');
    const d = await makeDossier();
    await milestone(d.id, 'other', addDays(todayInRome(), 5));
    const res = await postForm(staff, '/gare/scadenze', '/gare/scadenze/calendario', {});
    expect(res.status).to.equal(302);
    const page = await staff.get('/gare/scadenze');
    const url = page.text.match(/http:\/\/127\.0\.0\.1:\d+\/gare\/calendario\/[A-Za-z0-9_-]+\.ics/)![0];
    const path = new URL(url).pathname;
    const { app } = await testContext();
    const feed = await request(app).get(path);
    expect(feed.status).to.equal(200);
    const events = parseIcs(feed.text);
    expect(events.some((e) => e.summary.includes(d.title))).to.equal(true);
    // Shown once only.
    expect((await staff.get('/gare/scadenze')).text).to.not.contain(path);
    await postForm(staff, '/gare/scadenze', '/gare/scadenze/calendario', {});
    expect((await request(app).get(path)).status).to.equal(404);
    expect((await request(app).get('/gare/calendario/indovinato-a-caso-1234567890.ics')).status).to.equal(404);
    // Body users have no dashboard nor feed.
    const rtd = await loginAs('rtd@russi.cithub.example');
    expect((await rtd.get('/gare/scadenze')).status).to.equal(403);
  });

  it('lists upcoming and overdue milestones on the staff dashboard', async () => {
    const d = await makeDossier();
    const late = await Milestone.create({ dossierId: d.id, kind: 'other', title: `Scadenza superata ${d.id}`, dueOn: addDays(todayInRome(), -3), dueTime: null, ownerUserId: (await staffActor()).userId, note: null, doneAt: null, reminderSentAt: null });
    await milestone(d.id, 'publication', addDays(todayInRome(), 10));
    const staff = await loginAs('staff@cithub.example');
    const page = await staff.get('/gare/scadenze?mine=1');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(late.title);
    expect(page.text).to.match(new RegExp(`tender-overdue[\\s\\S]*?${late.title}`));
    const done = await postForm(staff, '/gare/scadenze', `/gare/${d.id}/scadenze/${late.id}/completata`, { done: '1', back: 'dashboard' });
    expect(done.headers.location).to.equal('/gare/scadenze');
    expect((await Milestone.findByPk(late.id))!.doneAt).to.be.an.instanceOf(Date);
    expect((await staff.get('/gare/scadenze')).text).to.not.contain(`<th scope="row">${late.title}`);
    for (const q of ['page=-1', 'page=999999', 'mine=zz']) expect((await staff.get(`/gare/scadenze?${q}`)).status).to.equal(200);
  });

  it('emails the owner before a milestone, once', async () => {
    const { platform, inbox } = await testContext();
    const d = await makeDossier();
    const due = addDays(todayInRome(), 12);
    const m = await milestone(d.id, 'publication', due);
    const owner = await staffActor();
    await sendMilestoneReminders(platform, new Date(`${addDays(due, -15)}T10:00:00Z`));
    expect((await Milestone.findByPk(m.id))!.reminderSentAt).to.equal(null);
    const now = new Date(`${addDays(due, -1)}T10:00:00Z`);
    await sendMilestoneReminders(platform, now);
    const mail = await inbox.waitFor(owner.email, new RegExp(`Scadenza in arrivo.*${d.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(mail.text).to.contain(`/gare/${d.id}`);
    await sendMilestoneReminders(platform, now);
    // The second run enqueued nothing: one reminder in the queue, the one received.
    expect((await mailJobsTo(owner.email)).filter((s) => s.includes(d.title))).to.have.length(1);
    expect(inbox.all(owner.email).filter((x) => x.subject.includes(d.title))).to.have.length(1);
  });

  it('exports OCDS with only public data: a staff-only document title never appears', async () => {
    const { app, platform } = await testContext();
    const { dossier } = await dossierWithTwoBodies({ isPublic: 'on', procedure: 'procedura_negoziata', estimatedValue: '190.000' });
    await lot(dossier.id, 1, uniqueCig(), '190.000');
    await uploadDoc(dossier.id, 'verbale', 'Verbale riservatissimo QWERTY', 'staff');
    await uploadDoc(dossier.id, 'chiarimenti', 'Chiarimenti solo per gli enti ASDF', 'participants');
    await uploadDoc(dossier.id, 'determina_a_contrarre', 'Determina a contrarre n. 7/2026', 'public');
    await uploadDoc(dossier.id, 'bando_lettera_invito', "Lettera d'invito", 'public');
    await uploadDoc(dossier.id, 'capitolato', 'Capitolato', 'public');
    await uploadDoc(dossier.id, 'provvedimento_aggiudicazione', 'Provvedimento di aggiudicazione', 'public');
    const staff = await loginAs('staff@cithub.example');
    for (const to of ['preparation', 'published', 'evaluation']) expect((await postForm(staff, `/gare/${dossier.id}/fase?to=${to}`, `/gare/${dossier.id}/fase`, { to })).status).to.equal(302);
    await saveAward(platform, await staffActor(), dossier.id, { awardSupplierName: 'Fornitore Esempio S.p.A.', awardSupplierFiscalCode: '01234567890', awardValue: '170.000', awardDate: todayInRome() });
    expect((await postForm(staff, `/gare/${dossier.id}/fase?to=awarded`, `/gare/${dossier.id}/fase`, { to: 'awarded' })).status).to.equal(302);

    const one = await request(app).get(`/gare/${dossier.id}/ocds.json`);
    expect(one.status).to.equal(200);
    expect(one.headers['content-type']).to.contain('application/json');
    expect(one.text).to.not.contain('QWERTY');
    expect(one.text).to.not.contain('ASDF');
    const pkg = one.body as OcdsPackage;
    expect(pkg.version).to.equal('1.1');
    const [release] = pkg.releases;
    expect(release.ocid).to.equal(`${platform.config.ocdsOcidPrefix}-${dossier.id}`);
    expect(release.tag).to.deep.equal(['award']);
    expect(release.tender.procurementMethod).to.equal('limited');
    expect(release.tender.procurementMethodDetails).to.equal('Procedura negoziata senza bando');
    expect(release.tender.mainProcurementCategory).to.equal('services');
    expect(release.tender.value).to.deep.equal({ amount: 190000, currency: 'EUR' });
    expect(release.tender.lots![0].status).to.equal('complete');
    const procuring = release.parties.find((p) => p.roles.includes('procuringEntity'))!;
    expect(procuring.name).to.equal('Comune di Lecce');
    expect(release.parties.filter((p) => p.roles.includes('buyer'))).to.have.length(3);
    expect(release.awards![0].suppliers[0].name).to.equal('Fornitore Esempio S.p.A.');
    expect(release.awards![0].documents!.map((x) => x.title)).to.deep.equal(['Provvedimento di aggiudicazione']);
    const titles = release.tender.documents!.map((x) => x.title);
    expect(titles).to.include('Determina a contrarre n. 7/2026');
    // Each published document link downloads for anyone.
    const link = new URL(release.tender.documents![0].url);
    expect((await request(app).get(link.pathname)).status).to.equal(200);

    const all = await request(app).get('/gare/ocds.json');
    expect(all.status).to.equal(200);
    expect(all.text).to.not.contain('QWERTY');
    expect(all.text).to.not.contain('Nota istruttoria del RUP'); // staff-only demo document
    const ocids = (all.body as OcdsPackage).releases.map((r) => r.ocid);
    expect(ocids).to.include(release.ocid);
    const hidden = await makeDossier();
    expect(ocids).to.not.include(`${platform.config.ocdsOcidPrefix}-${hidden.id}`);
    expect((all.body as OcdsPackage).releases.some((r) => r.tender.id === String(hidden.id))).to.equal(false);

    expect((await request(app).get('/gare/ocds.json').set('If-None-Match', all.headers.etag)).status).to.equal(304);
    // The export follows every change at once (it is cached only while nothing changes).
    await uploadDoc(dossier.id, 'chiarimenti', 'Avviso di rettifica ZXCV', 'public');
    expect((await request(app).get('/gare/ocds.json')).text).to.contain('Avviso di rettifica ZXCV');

    if (existsSync(DEFAULT_SCHEMAS_DIR)) {
      for (const p of [one.body, all.body]) {
        const result = validateReleasePackage(p);
        expect(result.errors, JSON.stringify(result.errors)).to.deep.equal([]);
      }
    }
  });

  it('publishes the demo dossiers: the cloud one in planning, the website one awarded with lots', async () => {
    const { app } = await testContext();
    const cloud = (await Dossier.findOne({ where: { title: DEMO_CLOUD_TITLE } }))!;
    const web = (await Dossier.findOne({ where: { title: DEMO_WEB_TITLE } }))!;
    const w = (await request(app).get(`/gare/${web.id}/ocds.json`)).body as OcdsPackage;
    expect(w.releases[0].tag).to.deep.equal(['award']);
    expect(w.releases[0].tender.lots!.map((l) => l.status)).to.deep.equal(['complete', 'complete', 'unsuccessful']);
    // One award per awarded lot, and the lot that failed is unsuccessful on its own.
    const awards = (w.releases[0] as unknown as { awards: Array<{ status: string; relatedLots: string[]; suppliers?: unknown[] }> }).awards;
    const lotIds = w.releases[0].tender.lots!.map((l) => (l as unknown as { id: string }).id);
    expect(awards.map((a) => [a.relatedLots, a.status])).to.deep.equal([[[lotIds[0]], 'active'], [[lotIds[1]], 'active'], [[lotIds[2]], 'unsuccessful']]);
    expect(awards[2]).to.not.have.property('suppliers');
    expect(JSON.stringify(w)).to.not.contain('Verbale riservato');
    expect(JSON.stringify(w)).to.not.contain("Lettera d'invito");
    const c = await request(app).get(`/gare/${cloud.id}/ocds.json`);
    expect(c.status).to.equal(200);
    expect(JSON.stringify(c.body)).to.not.contain('Nota istruttoria');
    if (existsSync(DEFAULT_SCHEMAS_DIR)) {
      expect(validateReleasePackage(w).errors).to.deep.equal([]);
      expect(validateReleasePackage(c.body).errors).to.deep.equal([]);
    }
  });

  it('gives the same release for the same state: two exports with no change in between are byte-identical but for publishedDate', async () => {
    const { app } = await testContext();
    const dossier = await makeDossier({ procedure: 'procedura_negoziata', estimatedValue: '190.000', isPublic: 'on' });
    await lot(dossier.id, 1, uniqueCig(), '190.000');
    const strip = (text: string) => text.replace(/"publishedDate":"[^"]*"/, '"publishedDate":""');
    const first = await request(app).get('/gare/ocds.json');
    const second = await request(app).get('/gare/ocds.json');
    expect(strip(second.text)).to.equal(strip(first.text));
    const one = await request(app).get(`/gare/${dossier.id}/ocds.json`);
    const again = await request(app).get(`/gare/${dossier.id}/ocds.json`);
    expect(strip(again.text)).to.equal(strip(one.text));
    type Release = { id: string; ocid: string; date: string };
    const before = (one.body as { releases: Release[] }).releases[0];
    // A change gives exactly one new release, dated by that change.
    await milestone(dossier.id, 'other', addDays(todayInRome(), 15));
    const after = ((await request(app).get(`/gare/${dossier.id}/ocds.json`)).body as { releases: Release[] }).releases[0];
    expect(after.id).to.not.equal(before.id);
    expect(after.id.startsWith(`${before.ocid}-`)).to.equal(true);
    expect(Date.parse(after.date)).to.be.at.least(Date.parse(before.date));
    const twice = ((await request(app).get(`/gare/${dossier.id}/ocds.json`)).body as { releases: Release[] }).releases[0];
    expect(twice.id).to.equal(after.id);
  });
});

