// Calendars and reminders of working groups: the group's feed and a sitting's own .ics read by
// ical.js, a cancelled sitting withdrawn from everyone's calendar (iTIP CANCEL, same UID, higher
// SEQUENCE) through the real SMTP server, and the reminders of actions: mails to the owner through
// the job queue, the open actions carried onto the next sitting's agenda until done.
import { expect } from 'chai';
import ICAL from 'ical.js';
import { QueryTypes } from 'sequelize';
import { sendActionReminders } from '../../../src/modules/groups/service.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { icsOf, makeGroup, makeMeeting, meetingState, post, rsvpLink, soon } from './helpers.js';

function eventsOf(text: string) {
  const comp = new ICAL.Component(ICAL.parse(text));
  return { comp, events: comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

describe('groups: calendars and reminders', function () {
  this.timeout(240_000);

  it('the group feed and the sitting’s .ics follow the group’s visibility; a cancelled sitting goes out as METHOD:CANCEL with the same UID and a higher SEQUENCE', async () => {
    const { inbox } = await testContext();
    const g = await makeGroup('public');
    const secretary = await loginAs(g.secretaryUser.email);
    const rtdE = await loginAs(g.rtdE.email);
    const convenedId = await makeMeeting(secretary, g.groupId, 'Seduta nel calendario', soon(120));
    const draftId = await makeMeeting(secretary, g.groupId, 'Bozza fuori dal calendario', soon(180));
    const guestEmail = `fornitore.cal.${Date.now().toString(36)}@test.cithub.example`;
    await post(secretary, `/tavoli/sedute/${convenedId}/ospiti`, { name: 'Fornitore Calendario', email: guestEmail }, `/tavoli/sedute/${convenedId}`);
    expect((await post(secretary, `/tavoli/sedute/${convenedId}/convoca`, {}, `/tavoli/sedute/${convenedId}`)).status).to.equal(302);
    const invitation = icsOf(await inbox.waitFor(g.rtdE.email, /Convocazione: .*Seduta nel calendario/));
    const uid = invitation.event.uid;
    expect(uid).to.equal(`groups-meeting-${convenedId}@${new URL(g.platform.config.baseUrl).hostname}`);

    // The feed: the convened sitting, never the draft; for members and for readers of a public group.
    const reader = await loginAs((await createUser('member', (await createBody()).id)).email);
    for (const agent of [rtdE, reader]) {
      const feed = await agent.get(`/tavoli/${g.groupId}/calendario.ics`);
      expect(feed.status).to.equal(200);
      expect(feed.headers['content-type']).to.contain('text/calendar');
      const { events } = eventsOf(feed.text);
      expect(events.map((e) => e.uid)).to.deep.equal([uid]);
      expect(events[0].summary).to.contain('Seduta nel calendario');
      expect(feed.text).to.not.contain('Bozza fuori dal calendario');
    }
    // The sitting's own file: one event, the same UID, with its agenda.
    const one = await rtdE.get(`/tavoli/sedute/${convenedId}/seduta.ics`);
    expect(one.status).to.equal(200);
    const single = eventsOf(one.text).events;
    expect(single.map((e) => e.uid)).to.deep.equal([uid]);
    expect(single[0].description).to.contain('Adesione alla PDND');
    // A draft has no .ics for a reader; a visitor has no feed.
    expect((await reader.get(`/tavoli/sedute/${draftId}/seduta.ics`)).status).to.equal(404);
    expect((await (await anonymousAgent()).get(`/tavoli/${g.groupId}/calendario.ics`)).status).to.be.oneOf([302, 401]);

    // The member's home page shows the sitting they are convened to.
    const home = await rtdE.get('/');
    expect(home.text).to.contain('La tua prossima seduta');
    expect(home.text).to.contain(`href="/tavoli/sedute/${convenedId}"`);

    // A member who does not run the group may not cancel it: 403, nothing changes.
    expect((await post(rtdE, `/tavoli/sedute/${convenedId}/annulla`, {}, `/tavoli/sedute/${convenedId}`)).status).to.equal(403);
    expect((await meetingState(convenedId)).state).to.equal('convened');

    // The secretary cancels: everyone invited (members and the guest) gets the withdrawal.
    const cancel = await post(secretary, `/tavoli/sedute/${convenedId}/annulla`, {}, `/tavoli/sedute/${convenedId}`);
    expect(cancel.status).to.equal(302);
    expect((await secretary.get(cancel.headers.location)).text).to.contain('Seduta annullata: l’annullamento è partito per');
    expect((await meetingState(convenedId)).state).to.equal('cancelled');
    for (const to of [g.rtdE.email, g.rtdF.email, guestEmail]) {
      const mail = await inbox.waitFor(to, /Seduta annullata: .*Seduta nel calendario/);
      const withdrawn = icsOf(mail);
      expect(withdrawn.contentType).to.contain('text/calendar');
      expect(withdrawn.comp.getFirstPropertyValue('method')).to.equal('CANCEL');
      expect(withdrawn.event.uid).to.equal(uid);
      expect(withdrawn.event.sequence).to.be.greaterThan(invitation.event.sequence);
      expect(withdrawn.event.component.getFirstPropertyValue('status')).to.equal('CANCELLED');
    }
    // The answer link of the convocation no longer works; the feed shows the sitting as cancelled.
    const guestMail = await inbox.waitFor(guestEmail, /Convocazione/);
    expect((await (await anonymousAgent()).get(rsvpLink(guestMail))).status).to.equal(410);
    const after = eventsOf((await rtdE.get(`/tavoli/${g.groupId}/calendario.ics`)).text).events;
    expect(after.map((e) => e.uid)).to.deep.equal([uid]);
    expect(after[0].component.getFirstPropertyValue('status')).to.equal('CANCELLED');

    // …and it leaves the home page of those invited.
    expect((await rtdE.get('/')).text).to.not.contain(`href="/tavoli/sedute/${convenedId}"`);
    // A cancelled sitting offers no upload of documents.
    const cancelledPage = await secretary.get(`/tavoli/sedute/${convenedId}`);
    expect(cancelledPage.text).to.not.contain(`action="/tavoli/sedute/${convenedId}/documenti"`);
    // Cancelling twice is refused; a sitting that has started cannot be cancelled.
    await post(secretary, `/tavoli/sedute/${convenedId}/annulla`, {}, `/tavoli/sedute/${convenedId}`);
    expect((await secretary.get(`/tavoli/sedute/${convenedId}`)).text).to.contain('La seduta è già annullata.');
    expect((await mailJobsTo(g.rtdE.email)).filter((s) => /Seduta annullata/.test(s))).to.have.length(1);
    const runningId = await makeMeeting(secretary, g.groupId, 'Seduta già avviata', soon(30));
    await post(secretary, `/tavoli/sedute/${runningId}/convoca`, {}, `/tavoli/sedute/${runningId}`);
    await post(secretary, `/tavoli/sedute/${runningId}/avvia`, {}, `/tavoli/sedute/${runningId}`);
    await post(secretary, `/tavoli/sedute/${runningId}/annulla`, {}, `/tavoli/sedute/${runningId}`);
    expect((await secretary.get(`/tavoli/sedute/${runningId}`)).text).to.contain('Non puoi annullare una seduta già iniziata o chiusa.');
    expect((await meetingState(runningId)).state).to.equal('in_progress');
    // A draft is cancelled without mail (nobody was convened).
    expect((await post(secretary, `/tavoli/sedute/${draftId}/annulla`, {}, `/tavoli/sedute/${draftId}`)).status).to.equal(302);
    expect((await meetingState(draftId)).state).to.equal('cancelled');
    expect((await mailJobsTo(g.rtdF.email)).filter((s) => /Bozza fuori dal calendario/.test(s))).to.deep.equal([]);
  });

  it('reminds an action’s owner by mail before its due date, once a week, and carries it to the next sitting until done', async () => {
    const { platform, inbox } = await testContext();
    const g = await makeGroup('reserved');
    const secretary = await loginAs(g.secretaryUser.email);
    const meetingId = await makeMeeting(secretary, g.groupId, 'Seduta con azioni', soon(30));
    await post(secretary, `/tavoli/sedute/${meetingId}/convoca`, {}, `/tavoli/sedute/${meetingId}`);
    await post(secretary, `/tavoli/sedute/${meetingId}/avvia`, {}, `/tavoli/sedute/${meetingId}`);
    const [{ id: itemId }] = await platform.sequelize.query<{ id: number }>('SELECT id FROM groups_agenda_items WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    const [{ today }] = await platform.sequelize.query<{ today: string }>(`SELECT to_char((now() AT TIME ZONE 'Europe/Rome')::date + 2, 'YYYY-MM-DD') AS today`, { type: QueryTypes.SELECT });
    for (const [title, ownerId, dueOn] of [
      ['Inviare la delibera di adesione', g.rtdE.id, today],
      ['Aggiornare il piano triennale', g.rtdF.id, '2031-06-30'],
    ] as const) {
      expect((await post(secretary, `/tavoli/sedute/${meetingId}/punti/${itemId}/azioni`, { title, ownerId: String(ownerId), dueOn }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    }
    const actions = await platform.sequelize.query<{ id: number; title: string }>('SELECT id, title FROM groups_actions WHERE meeting_id = :m ORDER BY id', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    const ids = actions.map((a) => a.id);

    // Due in two days: its owner is reminded, through the queue and the SMTP server; the far one is not.
    expect(await sendActionReminders(platform, { ids })).to.deep.equal([ids[0]]);
    const mail = await inbox.waitFor(g.rtdE.email, /Promemoria azione: Inviare la delibera di adesione/);
    expect(mail.text).to.contain('Seduta con azioni');
    expect(mail.text).to.contain(`/tavoli/sedute/${meetingId}#azioni`);
    // Not twice in the same week; never for the other owner.
    expect(await sendActionReminders(platform, { ids })).to.deep.equal([]);
    expect((await mailJobsTo(g.rtdE.email)).filter((s) => /Promemoria azione/.test(s))).to.have.length(1);
    expect((await mailJobsTo(g.rtdF.email)).filter((s) => /Promemoria azione/.test(s))).to.deep.equal([]);

    await post(secretary, `/tavoli/sedute/${meetingId}/chiudi`, {}, `/tavoli/sedute/${meetingId}`);
    // The next sitting carries both open actions: on its page and in its convocation.
    const nextId = await makeMeeting(secretary, g.groupId, 'Seduta successiva', soon(240));
    const nextPage = await secretary.get(`/tavoli/sedute/${nextId}`);
    expect(nextPage.text).to.contain('Azioni aperte dalle sedute precedenti');
    expect(nextPage.text).to.contain('Inviare la delibera di adesione');
    // The owner marks theirs done: it is no longer carried nor reminded.
    const rtdE = await loginAs(g.rtdE.email);
    expect((await post(rtdE, `/tavoli/azioni/${ids[0]}/stato`, { status: 'done' })).status).to.equal(302);
    await platform.sequelize.query('UPDATE groups_actions SET reminded_on = NULL WHERE id = :id', { replacements: { id: ids[0] } });
    expect(await sendActionReminders(platform, { ids })).to.deep.equal([]);
    await post(secretary, `/tavoli/sedute/${nextId}/convoca`, {}, `/tavoli/sedute/${nextId}`);
    const convocation = await inbox.waitFor(g.rtdF.email, /Convocazione: .*Seduta successiva/);
    expect(convocation.text).to.contain('Azioni aperte dalle sedute precedenti');
    expect(convocation.text).to.contain('Aggiornare il piano triennale');
    expect(convocation.text).to.not.contain('Inviare la delibera di adesione');
    // An earlier sitting does not list the actions of a later one.
    expect((await secretary.get(`/tavoli/sedute/${meetingId}`)).text).to.not.contain('Azioni aperte dalle sedute precedenti');
  });
});
