// The bad input, each case on its own: approved minutes of a reserved group opened by id from
// another body, a guest reading another sitting of the same group, approved minutes edited by any
// form, an answer link of someone else, reversed times on an existing sitting. Each a clear Italian
// message or a 403/404, never a 500, and nothing saved.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs } from '../../helpers/http.js';
import { binary, makeGroup, makeMeeting, meetingState, post, rsvpLink, soon } from './helpers.js';

async function one<T extends object>(sql: string, replacements: Record<string, unknown>): Promise<T> {
  const { platform } = await testContext();
  return (await platform.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT }))[0];
}

describe('groups: bad input', function () {
  this.timeout(240_000);

  it('approved minutes of a reserved group are 404 by id for another body, and no form changes them', async () => {
    const g = await makeGroup('reserved');
    const s = await loginAs(g.secretaryUser.email);
    const first = await makeMeeting(s, g.groupId, 'Seduta approvata ASDFG', soon(30));
    for (const step of ['convoca', 'avvia']) await post(s, `/tavoli/sedute/${first}/${step}`, {}, `/tavoli/sedute/${first}`);
    const { id: item } = await one<{ id: number }>('SELECT id FROM groups_agenda_items WHERE meeting_id = :m', { m: first });
    const { id: pid } = await one<{ id: number }>('SELECT id FROM groups_participants WHERE meeting_id = :m AND user_id = :u', { m: first, u: g.rtdE.id });
    await post(s, `/tavoli/sedute/${first}/presenze`, { [`att_${pid}`]: 'present' }, `/tavoli/sedute/${first}`);
    await post(s, `/tavoli/sedute/${first}/note`, { notes: 'Note originali' }, `/tavoli/sedute/${first}`);
    for (const step of ['chiudi', 'verbale/invia']) await post(s, `/tavoli/sedute/${first}/${step}`, {}, `/tavoli/sedute/${first}`);
    const next = await makeMeeting(s, g.groupId, 'Seduta che approva', soon(60));
    for (const step of ['convoca', 'avvia']) await post(s, `/tavoli/sedute/${next}/${step}`, {}, `/tavoli/sedute/${next}`);
    const { id: approval } = await one<{ id: number }>(`SELECT id FROM groups_agenda_items WHERE meeting_id = :m AND kind = 'approval'`, { m: next });
    await post(s, `/tavoli/sedute/${next}/punti/${approval}/approva`, {}, `/tavoli/sedute/${next}`);
    expect((await meetingState(first)).minutes_state).to.equal('approved');
    // The minutes exist and their PDF is there for a member…
    expect((await (await loginAs(g.rtdF.email)).get(`/tavoli/sedute/${first}/verbale.pdf`).buffer(true).parse(binary)).status).to.equal(200);
    // …and nowhere for a body outside the reserved group.
    const outsider = await loginAs((await createUser('rtd', (await createBody()).id)).email);
    for (const path of [`/tavoli/sedute/${first}`, `/tavoli/sedute/${first}/verbale.pdf`, `/tavoli/sedute/${first}/verbale.pdf?versione=1`, `/tavoli/sedute/${first}/seduta.ics`]) {
      const res = await outsider.get(path).buffer(true).parse(binary);
      expect(res.status, path).to.equal(404);
      expect(String(res.body), path).to.not.contain('ASDFG');
    }

    // Approved: every form of the minutes is refused with the message, nothing changes.
    const forms: Array<[string, Record<string, string>]> = [
      [`/tavoli/sedute/${first}/presenze`, { [`att_${pid}`]: 'absent' }],
      [`/tavoli/sedute/${first}/note`, { notes: 'Riscritte' }],
      [`/tavoli/sedute/${first}/punti/${item}/sintesi`, { summary: 'Riscritta' }],
      [`/tavoli/sedute/${first}/punti/${item}/decisioni`, { text: 'Aggiunta' }],
      [`/tavoli/sedute/${first}/punti/${item}/azioni`, { title: 'Aggiunta', ownerId: String(g.rtdE.id) }],
    ];
    for (const [path, fields] of forms) {
      const res = await post(s, path, fields, `/tavoli/sedute/${first}`);
      expect(res.status, path).to.equal(422);
      expect(res.text, path).to.contain('Il verbale è approvato e non si modifica più');
    }
    const remark = await post(await loginAs(g.rtdE.email), `/tavoli/sedute/${first}/verbale/osservazioni`, { kind: 'comment', text: 'Tardiva' }, `/tavoli/sedute/${first}`);
    expect(remark.status).to.equal(422);
    expect(await one('SELECT attendance FROM groups_participants WHERE id = :id', { id: pid })).to.deep.equal({ attendance: 'present' });
    expect(await one('SELECT minutes_notes FROM groups_meetings WHERE id = :id', { id: first })).to.deep.equal({ minutes_notes: 'Note originali' });
    expect(await one('SELECT count(*)::int AS n FROM groups_decisions WHERE item_id = :i', { i: item })).to.deep.equal({ n: 0 });
    expect(await one('SELECT count(*)::int AS n FROM groups_actions WHERE meeting_id = :m', { m: first })).to.deep.equal({ n: 0 });
    expect(await one('SELECT count(*)::int AS n FROM groups_minutes_remarks WHERE meeting_id = :m', { m: first })).to.deep.equal({ n: 0 });
  });

  it('a guest reads only the sitting they were invited to, not another convened one of the same group; an answer link of someone else answers nothing', async () => {
    const { inbox } = await testContext();
    for (const visibility of ['reserved', 'public'] as const) {
      const g = await makeGroup(visibility);
      const s = await loginAs(g.secretaryUser.email);
      const mine = await makeMeeting(s, g.groupId, 'Seduta dell’ospite', soon(120));
      const other = await makeMeeting(s, g.groupId, `Altra seduta GHJKL ${visibility}`, soon(150));
      const guestEmail = `ospite.${visibility}.${Date.now().toString(36)}@test.cithub.example`;
      await post(s, `/tavoli/sedute/${mine}/ospiti`, { name: 'Ospite', email: guestEmail }, `/tavoli/sedute/${mine}`);
      await post(s, `/tavoli/sedute/${mine}/convoca`, {}, `/tavoli/sedute/${mine}`);
      await post(s, `/tavoli/sedute/${other}/convoca`, {}, `/tavoli/sedute/${other}`);
      const guest = await anonymousAgent();
      expect((await guest.get(rsvpLink(await inbox.waitFor(guestEmail, /Convocazione/)))).status).to.equal(200);
      expect((await guest.get(`/tavoli/sedute/${mine}`)).status).to.equal(200);
      for (const path of [`/tavoli/sedute/${other}`, `/tavoli/sedute/${other}/seduta.ics`, `/tavoli/sedute/${other}/verbale.pdf`, `/tavoli/sedute/${other}/documenti/1`]) {
        const res = await guest.get(path);
        expect(res.status, `${visibility} ${path}`).to.equal(404);
        expect(res.text ?? '').to.not.contain('GHJKL');
      }
      // Answering the other sitting from its page: nothing to answer.
      expect((await post(guest, `/tavoli/sedute/${other}/risposta`, { answer: 'yes' }, `/tavoli/sedute/${mine}`)).status).to.equal(404);

      if (visibility === 'reserved') {
        // F's link used while signed in as E: refused on the page and on the answer; F's answer stays empty.
        const linkF = rsvpLink(await inbox.waitFor(g.rtdF.email, /Convocazione: .*Seduta dell’ospite/));
        const rtdE = await loginAs(g.rtdE.email);
        expect((await rtdE.get(linkF)).status).to.equal(403);
        expect((await post(rtdE, linkF, { answer: 'no' }, `/tavoli/sedute/${mine}`)).status).to.equal(403);
        expect(await one('SELECT answer FROM groups_participants WHERE meeting_id = :m AND user_id = :u', { m: mine, u: g.rtdF.id })).to.deep.equal({ answer: null });
        // A forged link and a bad answer: a 404, and the Italian message with the page kept.
        const visitor = await anonymousAgent();
        expect((await visitor.get(linkF)).status).to.equal(200);
        const forged = await post(visitor, '/tavoli/invito/forged-forged-forged-forged-forged', { answer: 'yes' }, linkF);
        expect(forged.status).to.equal(404);
        const bad = await post(visitor, linkF, { answer: 'forse' }, linkF);
        expect(bad.status).to.equal(422);
        expect(bad.text).to.contain('Scegli');
      }
    }
  });

  it('an existing sitting given reversed times is refused next to the field, with what was typed, and keeps its times', async () => {
    const g = await makeGroup('reserved');
    const id = await makeMeeting(g.staff, g.groupId, 'Seduta da spostare', soon(120));
    const before = await one<{ starts_at: Date; ends_at: Date }>('SELECT starts_at, ends_at FROM groups_meetings WHERE id = :id', { id });
    const when = soon(120);
    const res = await post(g.staff, `/tavoli/sedute/${id}`, { title: 'Seduta spostata', date: when.date, startTime: '16:00', endTime: '15:00', place: 'Sala' }, `/tavoli/sedute/${id}/modifica`);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('L’ora di fine deve venire dopo l’ora di inizio.');
    expect(res.text).to.contain('value="Seduta spostata"');
    expect(await one('SELECT title, starts_at, ends_at FROM groups_meetings WHERE id = :id', { id })).to.deep.equal({ title: 'Seduta da spostare', ...before });
    // A date that is not a date, and no time at all: the messages, never a 500.
    const worse = await post(g.staff, `/tavoli/sedute/${id}`, { title: 'Seduta', date: '2026-02-30', startTime: '', endTime: '25:00', place: 'Sala' }, `/tavoli/sedute/${id}/modifica`);
    expect(worse.status).to.equal(422);
  });
});
