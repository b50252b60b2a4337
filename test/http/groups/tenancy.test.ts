// Every route of the area that takes an id, tried by people who may not use it: a reserved group's
// things are 404 for a body that is not in it (never the data, nothing changed), a member who does not
// run the group gets 403 on what only managers do, a guest sees only the sitting they were invited to.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs } from '../../helpers/http.js';
import { makeGroup, makeMeeting, meetingState, post, rsvpLink, soon } from './helpers.js';

describe('groups: tenancy on every route with an id', function () {
  this.timeout(240_000);

  it('a reserved group, its sittings, minutes, documents and actions do not exist for another body', async () => {
    const g = await makeGroup('reserved');
    const meetingId = await makeMeeting(g.staff, g.groupId, 'Seduta riservata QWERTY');
    const [{ id: itemId }] = await g.platform.sequelize.query<{ id: number }>('SELECT id FROM groups_agenda_items WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    await post(g.staff, `/tavoli/sedute/${meetingId}/convoca`, {}, `/tavoli/sedute/${meetingId}`);
    await post(g.staff, `/tavoli/sedute/${meetingId}/avvia`, {}, `/tavoli/sedute/${meetingId}`);
    await post(g.staff, `/tavoli/sedute/${meetingId}/punti/${itemId}/azioni`, { title: 'Azione QWERTY', ownerId: String(g.rtdE.id) }, `/tavoli/sedute/${meetingId}`);
    const [{ id: actionId }] = await g.platform.sequelize.query<{ id: number }>('SELECT id FROM groups_actions WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    const [{ id: memberId }] = await g.platform.sequelize.query<{ id: number }>('SELECT id FROM groups_members WHERE group_id = :g AND user_id = :u', { replacements: { g: g.groupId, u: g.rtdE.id }, type: QueryTypes.SELECT });

    const bodyG = await createBody();
    const outsider = await loginAs((await createUser('rtd', bodyG.id)).email);
    const gets = [
      `/tavoli/${g.groupId}`,
      `/tavoli/${g.groupId}/modifica`,
      `/tavoli/${g.groupId}/calendario.ics`,
      `/tavoli/${g.groupId}/sedute/nuova`,
      `/tavoli/sedute/${meetingId}`,
      `/tavoli/sedute/${meetingId}/modifica`,
      `/tavoli/sedute/${meetingId}/seduta.ics`,
      `/tavoli/sedute/${meetingId}/verbale.pdf`,
      `/tavoli/sedute/${meetingId}/documenti/1`,
      `/tavoli/partecipazione/enti/${g.bodyE.id}`,
    ];
    for (const path of gets) {
      const res = await outsider.get(path);
      expect(res.status, `GET ${path}`).to.equal(404);
      expect(res.text ?? '', path).to.not.contain('QWERTY');
    }
    const list = await outsider.get('/tavoli');
    expect(list.status).to.equal(200);
    expect(list.text).to.not.contain(g.bodyE.name);
    const posts: Array<[string, Record<string, string>]> = [
      [`/tavoli/${g.groupId}`, { name: 'Rubato', kind: 'technical', visibility: 'public' }],
      [`/tavoli/${g.groupId}/componenti`, { email: 'x@test.cithub.example', role: 'member' }],
      [`/tavoli/${g.groupId}/componenti/${memberId}/rimuovi`, {}],
      [`/tavoli/${g.groupId}/sedute`, { title: 'X', ...soon(), place: 'X' }],
      [`/tavoli/sedute/${meetingId}`, { title: 'Rubata', ...soon(), place: 'X' }],
      [`/tavoli/sedute/${meetingId}/chiudi`, {}],
      [`/tavoli/sedute/${meetingId}/annulla`, {}],
      [`/tavoli/sedute/${meetingId}/punti`, { title: 'Intruso' }],
      [`/tavoli/sedute/${meetingId}/ospiti`, { name: 'X', email: 'x@test.cithub.example' }],
      [`/tavoli/sedute/${meetingId}/risposta`, { answer: 'yes' }],
      [`/tavoli/sedute/${meetingId}/presenze`, {}],
      [`/tavoli/sedute/${meetingId}/note`, { notes: 'X' }],
      [`/tavoli/sedute/${meetingId}/punti/${itemId}/sintesi`, { summary: 'Rubata' }],
      [`/tavoli/sedute/${meetingId}/punti/${itemId}/decisioni`, { text: 'Rubata' }],
      [`/tavoli/sedute/${meetingId}/punti/${itemId}/azioni`, { title: 'X', ownerId: String(g.rtdE.id) }],
      [`/tavoli/sedute/${meetingId}/punti/${itemId}/elimina`, {}],
      [`/tavoli/sedute/${meetingId}/verbale/osservazioni`, { kind: 'confirm' }],
      [`/tavoli/sedute/${meetingId}/verbale/correggi`, { note: 'X' }],
      [`/tavoli/azioni/${actionId}/stato`, { status: 'cancelled' }],
      [`/tavoli/azioni/${actionId}/trasforma`, { kind: 'desk' }],
    ];
    for (const [path, fields] of posts) expect((await post(outsider, path, fields)).status, `POST ${path}`).to.equal(404);
    expect(await meetingState(meetingId)).to.deep.equal({ state: 'in_progress', minutes_state: 'draft' });
    const [action] = await g.platform.sequelize.query<{ status: string; link_kind: string | null }>('SELECT status, link_kind FROM groups_actions WHERE id = :id', { replacements: { id: actionId }, type: QueryTypes.SELECT });
    expect(action).to.deep.equal({ status: 'open', link_kind: null });
    expect((await g.platform.sequelize.query('SELECT 1 FROM groups_agenda_items WHERE id = :id', { replacements: { id: itemId }, type: QueryTypes.SELECT })).length).to.equal(1);

    // A member who does not run the group reads but may not manage: 403, nothing changed.
    const rtdF = await loginAs(g.rtdF.email);
    expect((await rtdF.get(`/tavoli/sedute/${meetingId}`)).status).to.equal(200);
    for (const path of [`/tavoli/${g.groupId}/modifica`, `/tavoli/${g.groupId}/sedute/nuova`, `/tavoli/sedute/${meetingId}/modifica`]) expect((await rtdF.get(path)).status, path).to.equal(403);
    for (const [path, fields] of [
      [`/tavoli/sedute/${meetingId}/punti/${itemId}/sintesi`, { summary: 'Non mia' }],
      [`/tavoli/sedute/${meetingId}/presenze`, {}],
      [`/tavoli/azioni/${actionId}/stato`, { status: 'cancelled' }],
      [`/tavoli/azioni/${actionId}/trasforma`, { kind: 'desk' }],
    ] as Array<[string, Record<string, string>]>) expect((await post(rtdF, path, fields)).status, path).to.equal(403);
    // The action's owner updates its status.
    const rtdE = await loginAs(g.rtdE.email);
    expect((await post(rtdE, `/tavoli/azioni/${actionId}/stato`, { status: 'in_progress' })).status).to.equal(302);

    // Visitors: nothing.
    const visitor = await anonymousAgent();
    for (const path of [`/tavoli/${g.groupId}`, `/tavoli/sedute/${meetingId}`, `/tavoli/sedute/${meetingId}/verbale.pdf`]) {
      const res = await visitor.get(path);
      expect(res.status, path).to.be.oneOf([302, 401, 404]);
      expect(res.text ?? '').to.not.contain('QWERTY');
    }
  });

  it('a public group shows convened sittings to every body, not drafts nor draft minutes; a guest sees only their own sitting', async () => {
    const { inbox } = await testContext();
    const g = await makeGroup('public');
    const draftId = await makeMeeting(g.staff, g.groupId, 'Bozza ZXCVB');
    const openId = await makeMeeting(g.staff, g.groupId, 'Seduta aperta', soon(100));
    const guestEmail = `ospite.${Date.now().toString(36)}@test.cithub.example`;
    await post(g.staff, `/tavoli/sedute/${openId}/ospiti`, { name: 'Ospite Esterno', email: guestEmail }, `/tavoli/sedute/${openId}`);
    await post(g.staff, `/tavoli/sedute/${openId}/convoca`, {}, `/tavoli/sedute/${openId}`);
    const reader = await loginAs((await createUser('member', (await createBody()).id)).email);
    const group = await reader.get(`/tavoli/${g.groupId}`);
    expect(group.status).to.equal(200);
    expect(group.text).to.contain('Seduta aperta');
    expect(group.text).to.not.contain('ZXCVB');
    expect((await reader.get(`/tavoli/sedute/${draftId}`)).status).to.equal(404);
    // A body that does not adhere to the centre (a prospect) reads no public group.
    const prospect = await loginAs((await createUser('rtd', (await createBody({ membershipStatus: 'prospect' })).id)).email);
    expect((await prospect.get(`/tavoli/${g.groupId}`)).status).to.equal(404);
    expect((await prospect.get(`/tavoli/sedute/${openId}`)).status).to.equal(404);
    expect((await prospect.get('/tavoli')).text).to.not.contain(`href="/tavoli/${g.groupId}"`);
    const open = await reader.get(`/tavoli/sedute/${openId}`);
    expect(open.status).to.equal(200);
    // A reader of a public group is not a member: no answer, no proposal, no remark.
    expect((await post(reader, `/tavoli/sedute/${openId}/risposta`, { answer: 'yes' })).status).to.equal(403);
    expect((await post(reader, `/tavoli/sedute/${openId}/punti`, { title: 'Intruso' })).status).to.equal(403);

    const mail = await inbox.waitFor(guestEmail, /Convocazione/);
    const guest = await anonymousAgent();
    await guest.get(rsvpLink(mail));
    expect((await guest.get(`/tavoli/sedute/${openId}`)).status).to.equal(200);
    expect((await guest.get(`/tavoli/sedute/${draftId}`)).status).to.equal(404);
    expect((await guest.get(`/tavoli/sedute/${draftId}/seduta.ics`)).status).to.equal(404);
    expect((await guest.get(`/tavoli/${g.groupId}/calendario.ics`)).status).to.be.oneOf([302, 401]);
  });
});
