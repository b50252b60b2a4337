// The obligations calendar: the dated duties of the Piano triennale per body and year, the evidence
// the RTD records for a year (a refused file saves nothing), the reminder mailed to the RTD through
// the job queue and the real SMTP server a configurable number of days before, once; another body's
// obligations are a 404.
import { expect } from 'chai';
import { setBodyRtd } from '../../../src/modules/entities/index.js';
import { OBLIGATION_REMINDER_JOB, actionDueDate, obligationsOf, sendObligationReminders } from '../../../src/modules/coaching/obligations.js';
import { addDays, todayInRome } from '../../../src/modules/tenders/index.js';
import { testContext } from '../../helpers/app.js';
import { csrfFrom } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { bodyWithPeople, sql, staffAgent } from './helpers.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const thisYear = Number(todayInRome().slice(0, 4));

async function rtdBody(population = 12_000) {
  const e = await bodyWithPeople(population);
  await setBodyRtd(e.body.id, e.rtdUser.id);
  return e;
}

describe('coaching: obligations calendar', function () {
  this.timeout(180_000);
  before(() => testContext());

  it('dates the Piano actions: the month’s last day, or the day the text names; starts and actions in force are no deadline', () => {
    expect(actionDueDate('Marzo 2026', 'Le PA pubblicano gli obiettivi di accessibilità sul proprio sito web')).to.equal('2026-03-31');
    expect(actionDueDate('Settembre 2025', 'Le PA pubblicano, entro il 23 settembre, esclusivamente tramite …')).to.equal('2025-09-23');
    expect(actionDueDate('Giugno 2026', 'x')).to.equal('2026-06-30');
    expect(actionDueDate('Febbraio 2024', 'x')).to.equal('2024-02-29');
    expect(actionDueDate('Da marzo 2024', 'x')).to.equal(null);
    expect(actionDueDate(null, 'x')).to.equal(null);
    const y2026 = obligationsOf(12_000, 2026);
    expect(y2026.find((o) => o.code === 'CAP3.PA.15')).to.include({ series: 'accessibilityObjectives', dueOn: '2026-03-31', recurring: false });
    expect(y2026.find((o) => o.code === 'CAP3.PA.16')).to.include({ series: 'accessibilityStatement', dueOn: '2026-09-23' });
    // Open-data targets go by population: 10,000–100,000 inhabitants here, not 5,000–10,000.
    expect(y2026.map((o) => o.code)).to.include('CAP5.PA.16').and.not.include('CAP5.PA.15');
    expect(obligationsOf(3_000, 2026).map((o) => o.code)).to.not.include.members(['CAP5.PA.15', 'CAP5.PA.16']);
    // After the Piano's years the accessibility duties come back every year.
    const y2027 = obligationsOf(12_000, 2027);
    expect(y2027.map((o) => [o.code, o.dueOn, o.recurring])).to.deep.equal([
      ['CAP3.PA.15', '2027-03-31', true],
      ['CAP3.PA.16', '2027-09-23', true],
    ]);
    // Sorted by due day.
    expect(y2026.map((o) => o.dueOn)).to.deep.equal([...y2026.map((o) => o.dueOn)].sort());
  });

  it('shows the body’s duties of a year; the RTD records the evidence with a file; bad input is refused next to the field and saves nothing', async () => {
    const e = await rtdBody();
    const E = `/affiancamento/${e.body.id}`;
    const page = await e.rtd.get(`${E}/scadenze?anno=2026`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Obiettivi di accessibilità pubblicati sul sito');
    expect(page.text).to.contain('Entro il 31/03/2026');
    expect(page.text).to.contain('Entro il 23/09/2026');
    expect(page.text).to.contain('CAP5.PA.16');
    // The duty of March 2026 has passed without evidence.
    expect(page.text).to.match(/id="obbligo-CAP3\.PA\.15"[\s\S]*?Scaduto/);
    const token = csrfFrom(page.text);
    const form = await e.rtd.get(`${E}/scadenze/2026/CAP3.PA.15`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Registra l&#39;adempimento');
    expect((await e.member.get(`${E}/scadenze/2026/CAP3.PA.15`)).text).to.not.contain('name="doneOn"');
    expect((await e.rtd.get(`${E}/scadenze/2026/CAP5.PA.15`)).status).to.equal(404);
    const post = (code: string, year = 2026) => e.rtd.post(`${E}/scadenze/${year}/${code}`).field('_csrf', token);

    // Bad input: no day, a day in the future, a link that is not one, no evidence at all.
    const noDay = await post('CAP3.PA.15').field('link', 'https://www.comune.example.it/accessibilita');
    expect(noDay.status).to.equal(422);
    expect(noDay.text).to.contain('Indica il giorno in cui l&#39;adempimento è stato fatto.');
    expect(noDay.text).to.contain('value="https://www.comune.example.it/accessibilita"');
    const future = await post('CAP3.PA.15').field('doneOn', addDays(todayInRome(), 3)).field('link', 'https://www.comune.example.it/accessibilita');
    expect(future.status).to.equal(422);
    expect(future.text).to.contain('non può essere nel futuro');
    const badLink = await post('CAP3.PA.15').field('doneOn', '2026-03-20').field('link', 'sito del comune');
    expect(badLink.status).to.equal(422);
    expect(badLink.text).to.contain('«sito del comune» non è un indirizzo web');
    const nothing = await post('CAP3.PA.15').field('doneOn', '2026-03-20');
    expect(nothing.status).to.equal(422);
    expect(nothing.text).to.contain('allega un file come prova');
    // Files: empty, disguised (a script named .pdf), too large — refused, nothing saved.
    const empty = await post('CAP3.PA.15').field('doneOn', '2026-03-20').attach('file', Buffer.alloc(0), 'obiettivi.pdf');
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('è vuoto');
    const disguised = await post('CAP3.PA.15').field('doneOn', '2026-03-20').attach('file', Buffer.from('#!/bin/sh\nrm -rf /\n'), 'obiettivi.pdf');
    expect(disguised.status).to.equal(422);
    expect(disguised.text).to.contain('Il file «obiettivi.pdf» non è di un tipo ammesso');
    const { platform } = await testContext();
    const large = await post('CAP3.PA.15').field('doneOn', '2026-03-20').attach('file', Buffer.alloc(platform.config.uploadMaxBytes + 1, 0x25), 'obiettivi.pdf');
    expect(large.status).to.equal(422);
    expect(large.text).to.contain('supera la dimensione massima');
    expect(await sql(`SELECT 1 FROM coaching_obligations WHERE entity_id = :e`, { e: e.body.id })).to.have.length(0);
    // A duty that is not of this comune, or of another year: 404.
    expect((await post('CAP5.PA.15').field('doneOn', '2026-03-20').field('link', 'https://x.example.it')).status).to.equal(404);
    expect((await post('CAP3.PA.15', 2031).field('doneOn', '2026-03-20').field('link', 'https://x.example.it')).status).to.equal(404);
    // A member reads but does not record.
    expect((await e.member.post(`${E}/scadenze/2026/CAP3.PA.15`).field('_csrf', csrfFrom((await e.member.get(`${E}/scadenze`)).text)).field('doneOn', '2026-03-20').field('link', 'https://x.example.it')).status).to.equal(403);

    // The RTD records it, late, with the publication's link and the determination as a PDF.
    const ok = await post('CAP3.PA.15').field('doneOn', '2026-04-10').field('link', 'https://www.comune.example.it/accessibilita').field('note', 'Pubblicati in ritardo').attach('file', PDF, 'obiettivi-2026.pdf');
    expect(ok.status, ok.text.match(/error-summary[\s\S]{0,500}/)?.[0]).to.equal(302);
    expect(ok.header.location).to.equal(`${E}/scadenze?anno=2026#obbligo-CAP3.PA.15`);
    const after = await e.member.get(`${E}/scadenze?anno=2026`);
    expect(after.text).to.match(/id="obbligo-CAP3\.PA\.15"[\s\S]*?Adempiuto[\s\S]*?10\/04\/2026[\s\S]*?obiettivi-2026\.pdf/);
    const [file] = await sql<{ id: number }>(`SELECT f.id FROM coaching_obligation_files f JOIN coaching_obligations o ON o.id = f.obligation_id WHERE o.entity_id = :e`, { e: e.body.id });
    const download = await e.member.get(`${E}/scadenze/prove/${file.id}`);
    expect(download.status).to.equal(200);
    expect(download.header['content-type']).to.contain('application/pdf');
    // Another year has its own evidence: 2025 is still without.
    expect((await e.rtd.get(`${E}/scadenze?anno=2025`)).text).to.match(/id="obbligo-CAP3\.PA\.13"[\s\S]*?Scaduto/);
    // The body's page names the next deadline.
    expect((await e.rtd.get(E)).text).to.contain('Prossima scadenza');

    // Another body's users: 404 on the calendar, the evidence form and the file, also through their own body's path.
    const f = await rtdBody();
    const fToken = csrfFrom((await f.rtd.get(`/affiancamento/${f.body.id}/scadenze`)).text);
    for (const agent of [f.rtd, f.member]) {
      expect((await agent.get(`${E}/scadenze`)).status).to.equal(404);
      expect((await agent.get(`${E}/scadenze?anno=2026`)).text).to.not.contain('Pubblicati in ritardo');
      expect((await agent.get(`${E}/scadenze/prove/${file.id}`)).status).to.equal(404);
      expect((await agent.get(`${E}/scadenze/2026/CAP3.PA.15`)).status).to.equal(404);
      expect((await agent.get(`/affiancamento/${f.body.id}/scadenze/prove/${file.id}`)).status).to.equal(404);
      const own = csrfFrom((await agent.get(`/affiancamento/${f.body.id}/scadenze`)).text);
      const res = await agent.post(`${E}/scadenze/2026/CAP3.PA.16`).field('_csrf', own).field('doneOn', '2026-09-01').field('link', 'https://x.example.it');
      expect(res.status).to.equal(404);
    }
    expect((await f.rtd.post(`${E}/scadenze/promemoria`).type('form').send({ _csrf: fToken, days: '5' })).status).to.equal(403);
    expect(await sql(`SELECT 1 FROM coaching_obligations WHERE entity_id = :e AND code = 'CAP3.PA.16'`, { e: e.body.id })).to.have.length(0);
  });

  it('mails the RTD the configured days before a duty without evidence, through the job queue, once', async () => {
    const { platform, inbox } = await testContext();
    const e = await rtdBody();
    const done = await rtdBody();
    const staff = await staffAgent();
    const page = await staff.get(`/affiancamento/${e.body.id}/scadenze`);
    expect(page.text).to.contain('Giorni di anticipo del promemoria');
    // Staff set the days: a wrong number is refused, 20 is kept.
    const bad = await staff.post(`/affiancamento/${e.body.id}/scadenze/promemoria`).type('form').send({ _csrf: csrfFrom(page.text), days: '0' });
    expect(bad.status).to.equal(302);
    expect((await staff.get(bad.header.location)).text).to.contain('Indica un numero di giorni da 1 a 180.');
    await staff.post(`/affiancamento/${e.body.id}/scadenze/promemoria`).type('form').send({ _csrf: csrfFrom(page.text), days: '20' });
    expect((await staff.get(`/affiancamento/${e.body.id}/scadenze`)).text).to.contain('20 giorni prima di ogni scadenza');

    // The other body has recorded next year's accessibility objectives already: no reminder for it.
    const next = thisYear + 1;
    const tok = csrfFrom((await done.rtd.get(`/affiancamento/${done.body.id}/scadenze?anno=${next}`)).text);
    const rec = await done.rtd.post(`/affiancamento/${done.body.id}/scadenze/${next}/CAP3.PA.15`).field('_csrf', tok).field('doneOn', todayInRome()).field('link', 'https://www.comune.example.it/obiettivi');
    expect(rec.status).to.equal(302);

    // 25 days before 31 March: outside the 20 days, nothing.
    const only = { entityIds: [e.body.id, done.body.id] };
    expect(await sendObligationReminders(platform, { ...only, today: `${next}-03-06` })).to.equal(0);
    // 16 days before, through the queue as the daily job runs it: the RTD of e gets the mail.
    await platform.jobs.send(OBLIGATION_REMINDER_JOB, { ...only, today: `${next}-03-15` });
    const mail = await inbox.waitFor(e.rtdUser.email, new RegExp(`Obiettivi di accessibilità pubblicati sul sito: scadenza tra 16 giorni — ${e.body.name}`));
    expect(mail.text).to.contain('CAP3.PA.15');
    expect(mail.text).to.contain('Scade il 31/03/');
    expect(mail.text).to.contain(`/affiancamento/${e.body.id}/scadenze?anno=${next}#obbligo-CAP3.PA.15`);
    // Once: the same day again, or a later day, sends nothing more; the page says it was sent.
    expect(await sendObligationReminders(platform, { ...only, today: `${next}-03-15` })).to.equal(0);
    expect(await sendObligationReminders(platform, { ...only, today: `${next}-03-20` })).to.equal(0);
    expect(await mailJobsTo(e.rtdUser.email)).to.have.length(1);
    expect(await mailJobsTo(done.rtdUser.email)).to.have.length(0);
    expect((await e.rtd.get(`/affiancamento/${e.body.id}/scadenze?anno=${next}`)).text).to.contain('Promemoria inviato all&#39;RTD');
    // Put the days back for the other tests.
    await staff.post(`/affiancamento/${e.body.id}/scadenze/promemoria`).type('form').send({ _csrf: csrfFrom(page.text), days: '30' });
  });
});
