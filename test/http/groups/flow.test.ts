// A table's life over HTTP: a sitting convened (the convocation with its ICS reaches the SMTP server),
// answers from the mail's link, attendance, minutes with decisions and an action that becomes a desk
// request, confirmation by a member, approval at the next sitting, frozen minutes and their PDF.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { anonymousAgent, loginAs } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { binary, icsOf, makeGroup, makeMeeting, meetingState, pdfText, post, rsvpLink, soon } from './helpers.js';

describe('groups: a sitting from convocation to approved minutes', function () {
  this.timeout(240_000);
  it('convenes with an ICS invitation, takes answers, records minutes, approves them at the next sitting and freezes them', async () => {
    const { inbox } = await testContext();
    const g = await makeGroup('reserved');
    const { staff, groupId } = g;
    const secretary = await loginAs(g.secretaryUser.email);
    const rtdE = await loginAs(g.rtdE.email);
    const rtdF = await loginAs(g.rtdF.email);

    // Reversed times are refused next to the field, with what was typed kept.
    const when = soon(60, 30);
    const bad = await post(staff, `/tavoli/${groupId}/sedute`, { title: 'Seduta rovesciata', date: when.date, startTime: '11:00', endTime: '10:00', place: 'Sala' }, `/tavoli/${groupId}/sedute/nuova`);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('L’ora di fine deve venire dopo l’ora di inizio.');
    expect(bad.text).to.contain('value="Seduta rovesciata"');

    const meetingId = await makeMeeting(secretary, groupId, 'Prima seduta di prova', when);
    // A member proposes an item while the sitting is a draft; the secretary accepts it.
    expect((await post(rtdE, `/tavoli/sedute/${meetingId}/punti`, { title: 'Proposta di Eboli: regolamento informatico' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    const page = await staff.get(`/tavoli/sedute/${meetingId}`);
    expect(page.text).to.contain('Proposta di Eboli: regolamento informatico');
    const proposed = /\/punti\/(\d+)\/accetta/.exec(page.text)![1];
    await post(secretary, `/tavoli/sedute/${meetingId}/punti/${proposed}/accetta`, {}, `/tavoli/sedute/${meetingId}`);
    // A guest (the supplier) invited before the convocation.
    const guestEmail = `fornitore.${Date.now().toString(36)}@test.cithub.example`;
    expect((await post(secretary, `/tavoli/sedute/${meetingId}/ospiti`, { name: 'Nicola Fornitore', email: guestEmail, organisation: 'Salento Digitale srl' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);

    // Closing a sitting that has not started is refused, nothing changes.
    await post(secretary, `/tavoli/sedute/${meetingId}/chiudi`, {}, `/tavoli/sedute/${meetingId}`);
    expect((await secretary.get(`/tavoli/sedute/${meetingId}`)).text).to.contain('Non puoi chiudere una seduta che non è iniziata');
    expect((await meetingState(meetingId)).state).to.equal('draft');

    expect((await post(secretary, `/tavoli/sedute/${meetingId}/convoca`, {}, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    expect((await meetingState(meetingId)).state).to.equal('convened');

    // The convocation reaches E's RTD with its agenda and an iTIP invitation that parses.
    const mailE = await inbox.waitFor(g.rtdE.email, /Convocazione: .*Prima seduta di prova/);
    expect(mailE.text).to.contain('Adesione alla PDND');
    expect(mailE.text).to.contain('Proposta di Eboli: regolamento informatico');
    const { comp, event, contentType } = icsOf(mailE);
    expect(contentType).to.contain('text/calendar');
    expect(comp.getFirstPropertyValue('method')).to.equal('REQUEST');
    expect(event.summary).to.contain('Prima seduta di prova');
    expect(event.location).to.contain('Sala consiliare');
    const startsAt = (await g.platform.sequelize.query<{ starts_at: Date; ends_at: Date }>('SELECT starts_at, ends_at FROM groups_meetings WHERE id = :id', { replacements: { id: meetingId }, type: QueryTypes.SELECT }))[0];
    expect(event.startDate.toJSDate().getTime()).to.equal(startsAt.starts_at.getTime());
    expect(event.endDate.toJSDate().getTime()).to.equal(startsAt.ends_at.getTime());
    expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).to.deep.equal([`mailto:${g.rtdE.email.toLowerCase()}`]);

    // E answers from the mail's link; the link works once, a forged one is unknown, another person's is refused.
    const linkE = rsvpLink(mailE);
    const visitor = await anonymousAgent();
    expect((await visitor.get(linkE)).status).to.equal(200);
    const yes = await post(visitor, linkE, { answer: 'yes' }, linkE);
    expect(yes.status).to.equal(302);
    expect((await visitor.get(linkE)).status).to.equal(410);
    expect((await visitor.get('/tavoli/invito/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).to.equal(404);
    const mailF = await inbox.waitFor(g.rtdF.email, /Convocazione: .*Prima seduta di prova/);
    const linkF = rsvpLink(mailF);
    expect((await rtdE.get(linkF)).status).to.equal(403);
    // F answers from the page instead.
    expect((await post(rtdF, `/tavoli/sedute/${meetingId}/risposta`, { answer: 'no' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    const answers = await g.platform.sequelize.query<{ email: string; answer: string | null }>('SELECT email, answer FROM groups_participants WHERE meeting_id = :id', { replacements: { id: meetingId }, type: QueryTypes.SELECT });
    const answerOf = (email: string) => answers.find((a) => a.email === email)?.answer;
    expect([answerOf(g.rtdE.email), answerOf(g.rtdF.email)]).to.deep.equal(['yes', 'no']);

    // The guest sees this sitting through their link, and only it.
    const guestMail = await inbox.waitFor(guestEmail, /Convocazione/);
    const guest = await anonymousAgent();
    expect((await guest.get(rsvpLink(guestMail))).status).to.equal(200);
    const guestPage = await guest.get(`/tavoli/sedute/${meetingId}`);
    expect(guestPage.status).to.equal(200);
    expect(guestPage.text).to.contain('Prima seduta di prova');
    expect(guestPage.text).to.not.contain(g.rtdE.email);
    expect((await guest.get(`/tavoli/${groupId}`)).status).to.be.oneOf([302, 401]);

    // The sitting runs: attendance, summary, a decision, an action (its owner must be a member).
    expect((await post(secretary, `/tavoli/sedute/${meetingId}/avvia`, {}, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    expect((await meetingState(meetingId)).state).to.equal('in_progress');
    const participants = await g.platform.sequelize.query<{ id: number; email: string }>('SELECT id, email FROM groups_participants WHERE meeting_id = :id', { replacements: { id: meetingId }, type: QueryTypes.SELECT });
    const pid = (email: string) => participants.find((p) => p.email === email)!.id;
    const att = await post(secretary, `/tavoli/sedute/${meetingId}/presenze`, { [`att_${pid(g.rtdE.email)}`]: 'present', [`att_${pid(g.rtdF.email)}`]: 'excused', [`att_${pid(g.secretaryUser.email)}`]: 'present', [`att_${pid(guestEmail)}`]: 'present' }, `/tavoli/sedute/${meetingId}`);
    expect(att.status).to.equal(302);
    const item = (await g.platform.sequelize.query<{ id: number }>(`SELECT id FROM groups_agenda_items WHERE meeting_id = :id AND title = 'Adesione alla PDND'`, { replacements: { id: meetingId }, type: QueryTypes.SELECT }))[0].id;
    await post(secretary, `/tavoli/sedute/${meetingId}/punti/${item}/sintesi`, { summary: 'Discussione sulla PDND: tre comuni pronti.' }, `/tavoli/sedute/${meetingId}`);
    await post(secretary, `/tavoli/sedute/${meetingId}/punti/${item}/decisioni`, { text: 'Il tavolo adotta il modello di accordo di fruizione comune.' }, `/tavoli/sedute/${meetingId}`);
    const stranger = (await g.platform.sequelize.query<{ id: number }>(`SELECT id FROM users WHERE email = 'rtd@potenza.cithub.example'`, { type: QueryTypes.SELECT }))[0].id;
    const notMember = await post(secretary, `/tavoli/sedute/${meetingId}/punti/${item}/azioni`, { title: 'Pubblicare il primo e-service', ownerId: String(stranger), dueOn: '2030-01-31' }, `/tavoli/sedute/${meetingId}`);
    expect(notMember.status).to.equal(422);
    expect(notMember.text).to.contain('Chi si occupa dell’azione deve essere un componente del gruppo.');
    expect(notMember.text).to.contain('value="Pubblicare il primo e-service"');
    expect((await post(secretary, `/tavoli/sedute/${meetingId}/punti/${item}/azioni`, { title: 'Pubblicare il primo e-service', ownerId: String(g.rtdE.id), dueOn: '2030-01-31' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    const action = (await g.platform.sequelize.query<{ id: number }>('SELECT id FROM groups_actions WHERE meeting_id = :id', { replacements: { id: meetingId }, type: QueryTypes.SELECT }))[0].id;

    // The action becomes a desk request of E, with a link back to the sitting.
    expect((await post(secretary, `/tavoli/azioni/${action}/trasforma`, { kind: 'desk' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    const [linked] = await g.platform.sequelize.query<{ link_kind: string; link_id: number; link_href: string }>('SELECT link_kind, link_id, link_href FROM groups_actions WHERE id = :id', { replacements: { id: action }, type: QueryTypes.SELECT });
    expect(linked.link_kind).to.equal('desk');
    const [request] = await g.platform.sequelize.query<{ entity_id: number; description: string }>('SELECT entity_id, description FROM desk_requests WHERE id = :id', { replacements: { id: linked.link_id }, type: QueryTypes.SELECT });
    expect(request.entity_id).to.equal(g.bodyE.id);
    expect(request.description).to.contain(`/tavoli/sedute/${meetingId}#azione-${action}`);
    expect((await rtdE.get(linked.link_href)).status).to.equal(200);

    expect((await post(secretary, `/tavoli/sedute/${meetingId}/chiudi`, {}, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    expect(await meetingState(meetingId)).to.deep.equal({ state: 'closed', minutes_state: 'draft' });
    await post(secretary, `/tavoli/sedute/${meetingId}/verbale/invia`, {}, `/tavoli/sedute/${meetingId}`);
    expect((await meetingState(meetingId)).minutes_state).to.equal('circulated');
    await inbox.waitFor(g.rtdF.email, /Verbale da rivedere/);
    // A member confirms; a second confirmation is refused.
    expect((await post(rtdE, `/tavoli/sedute/${meetingId}/verbale/osservazioni`, { kind: 'confirm' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    expect((await post(rtdE, `/tavoli/sedute/${meetingId}/verbale/osservazioni`, { kind: 'confirm' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(422);
    const empty = await post(rtdF, `/tavoli/sedute/${meetingId}/verbale/osservazioni`, { kind: 'comment', text: '' }, `/tavoli/sedute/${meetingId}`);
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Compila il campo «Osservazione sul verbale».');

    // The next sitting puts the approval first; approving at it freezes the minutes.
    const nextId = await makeMeeting(secretary, groupId, 'Seconda seduta di prova', soon(90, 30));
    const nextPage = await secretary.get(`/tavoli/sedute/${nextId}`);
    expect(nextPage.text).to.contain('Approvazione del verbale precedente («Prima seduta di prova»)');
    const approval = (await g.platform.sequelize.query<{ id: number }>(`SELECT id FROM groups_agenda_items WHERE meeting_id = :id AND kind = 'approval'`, { replacements: { id: nextId }, type: QueryTypes.SELECT }))[0].id;
    // Not while the next sitting is only a draft.
    await post(secretary, `/tavoli/sedute/${nextId}/punti/${approval}/approva`, {}, `/tavoli/sedute/${nextId}`);
    expect((await meetingState(meetingId)).minutes_state).to.equal('circulated');
    await post(secretary, `/tavoli/sedute/${nextId}/convoca`, {}, `/tavoli/sedute/${nextId}`);
    await post(secretary, `/tavoli/sedute/${nextId}/avvia`, {}, `/tavoli/sedute/${nextId}`);
    expect((await post(secretary, `/tavoli/sedute/${nextId}/punti/${approval}/approva`, {}, `/tavoli/sedute/${nextId}`)).status).to.equal(302);
    expect((await meetingState(meetingId)).minutes_state).to.equal('approved');

    // Approved minutes do not change.
    const frozen = await post(secretary, `/tavoli/sedute/${meetingId}/punti/${item}/sintesi`, { summary: 'Riscritta dopo' }, `/tavoli/sedute/${meetingId}`);
    expect(frozen.status).to.equal(422);
    expect(frozen.text).to.contain('Il verbale è approvato e non si modifica più');
    expect((await post(secretary, `/tavoli/sedute/${meetingId}/punti/${item}/decisioni`, { text: 'Aggiunta tardiva' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(422);
    const [{ summary }] = await g.platform.sequelize.query<{ summary: string }>('SELECT summary FROM groups_agenda_items WHERE id = :id', { replacements: { id: item }, type: QueryTypes.SELECT });
    expect(summary).to.equal('Discussione sulla PDND: tre comuni pronti.');

    // The PDF lists those present (and the excused), the decision and the approval.
    const pdf = await rtdF.get(`/tavoli/sedute/${meetingId}/verbale.pdf`).buffer(true).parse(binary);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers['content-type']).to.equal('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    expect(text).to.contain(g.rtdE.name);
    expect(text).to.contain(g.bodyE.name);
    expect(text).to.contain('Nicola Fornitore');
    expect(text).to.match(/Presenti \(3\)/);
    expect(text).to.match(/Assenti giustificati \(1\)/);
    expect(text).to.contain('Il tavolo adotta il modello di accordo di fruizione comune.');
    expect(text).to.contain('Seconda seduta di prova');

    // A correction makes version 2; version 1 stays downloadable as approved.
    expect((await post(secretary, `/tavoli/sedute/${meetingId}/verbale/correggi`, { note: 'Refuso nel nome di un comune' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
    expect(await meetingState(meetingId)).to.deep.equal({ state: 'closed', minutes_state: 'draft' });
    expect((await rtdE.get(`/tavoli/sedute/${meetingId}/verbale.pdf?versione=1`).buffer(true).parse(binary)).status).to.equal(200);

    // The ledger counts both comuni: E present, F excused.
    const ledger = await staff.get(`/tavoli/partecipazione?anno=${when.date.slice(0, 4)}`);
    expect(ledger.text).to.contain(g.bodyE.name);
    expect(ledger.text).to.contain(g.bodyF.name);
    const bodyF = await rtdF.get(`/tavoli/partecipazione/enti/${g.bodyF.id}?anno=${when.date.slice(0, 4)}`);
    expect(bodyF.text).to.contain('Prima seduta di prova');
    expect(bodyF.text).to.contain('Assente');
    // Reminder to the bodies that missed it: F only, once.
    await post(secretary, `/tavoli/sedute/${meetingId}/promemoria-assenti`, {}, `/tavoli/sedute/${meetingId}`);
    await inbox.waitFor(g.rtdF.email, /Materiali della seduta persa/);
    expect((await mailJobsTo(g.rtdE.email)).filter((s) => /Materiali della seduta persa/.test(s))).to.deep.equal([]);
    expect((await mailJobsTo(g.rtdF.email)).filter((s) => /Materiali della seduta persa/.test(s))).to.have.length(1);
  });
});
