// Actions that become work in another area through its index.ts, each with the link back shown on
// both sides: a training need of the owner's comune (seen by the training staff and by that comune
// only), and the owner's comune joining a tender dossier's needs collection.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody } from '../../helpers/factories.js';
import { makeDossier, openCall } from '../tenders/helpers.js';
import { loginAs } from '../../helpers/http.js';
import { makeGroup, makeMeeting, post, soon } from './helpers.js';

/** A group with a sitting in progress and one action owned by E's RTD; returns the ids. */
async function actionOfE(title: string) {
  const g = await makeGroup('reserved');
  const meetingId = await makeMeeting(g.staff, g.groupId, `Seduta ${title}`, soon(30));
  await post(g.staff, `/tavoli/sedute/${meetingId}/convoca`, {}, `/tavoli/sedute/${meetingId}`);
  await post(g.staff, `/tavoli/sedute/${meetingId}/avvia`, {}, `/tavoli/sedute/${meetingId}`);
  const [{ id: itemId }] = await g.platform.sequelize.query<{ id: number }>('SELECT id FROM groups_agenda_items WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
  expect((await post(g.staff, `/tavoli/sedute/${meetingId}/punti/${itemId}/azioni`, { title, ownerId: String(g.rtdE.id), dueOn: '2031-03-31' }, `/tavoli/sedute/${meetingId}`)).status).to.equal(302);
  const [{ id: actionId }] = await g.platform.sequelize.query<{ id: number }>('SELECT id FROM groups_actions WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
  return { ...g, meetingId, actionId };
}

async function linkOf(actionId: number) {
  const { platform } = await testContext();
  const [row] = await platform.sequelize.query<{ link_kind: string | null; link_id: number | null; link_href: string | null }>('SELECT link_kind, link_id, link_href FROM groups_actions WHERE id = :id', { replacements: { id: actionId }, type: QueryTypes.SELECT });
  return row;
}

describe('groups: actions that become work in other areas', function () {
  this.timeout(240_000);

  it('an action becomes a training need of the owner’s comune: the training staff and that comune see it with the sitting it came from, no other comune does', async () => {
    const g = await actionOfE('Formare gli uffici sulla PDND');
    const from = `/tavoli/sedute/${g.meetingId}#azione-${g.actionId}`;
    const turned = await post(g.staff, `/tavoli/azioni/${g.actionId}/trasforma`, { kind: 'training' }, `/tavoli/sedute/${g.meetingId}`);
    expect(turned.status).to.equal(302);
    expect((await g.staff.get(turned.headers.location)).text).to.contain('Azione trasformata: Fabbisogno formativo.');
    const link = await linkOf(g.actionId);
    expect(link.link_kind).to.equal('training');
    expect(link.link_href).to.equal(`/formazione/fabbisogni#fabbisogno-${link.link_id}`);
    const [need] = await g.platform.sequelize.query<{ entity_id: number; title: string; source_href: string }>('SELECT entity_id, title, source_href FROM training_needs WHERE id = :id', { replacements: { id: link.link_id }, type: QueryTypes.SELECT });
    expect(need).to.deep.equal({ entity_id: g.bodyE.id, title: 'Formare gli uffici sulla PDND', source_href: from });

    // The sitting shows what it became, with the link.
    const meeting = await g.staff.get(`/tavoli/sedute/${g.meetingId}`);
    expect(meeting.text).to.contain(`href="${link.link_href}"`);
    // The training side: staff see it for E with the link back; E sees it; F does not.
    for (const agent of [g.staff, await loginAs(g.rtdE.email)]) {
      const page = await agent.get('/formazione/fabbisogni');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Formare gli uffici sulla PDND');
      expect(page.text).to.contain(`href="${from}"`);
      expect(page.text).to.contain(`id="fabbisogno-${link.link_id}"`);
    }
    expect((await g.staff.get('/formazione/fabbisogni')).text).to.contain(g.bodyE.name);
    const other = await (await loginAs(g.rtdF.email)).get('/formazione/fabbisogni');
    expect(other.status).to.equal(200);
    expect(other.text).to.not.contain('Formare gli uffici sulla PDND');

    // Once only: a second transformation is refused and records nothing.
    await post(g.staff, `/tavoli/azioni/${g.actionId}/trasforma`, { kind: 'training' }, `/tavoli/sedute/${g.meetingId}`);
    const [{ n }] = await g.platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM training_needs WHERE source_kind = 'groups_action' AND source_id = :id`, { replacements: { id: g.actionId }, type: QueryTypes.SELECT });
    expect(n).to.equal(1);
  });

  it('an action makes the owner’s comune join a tender dossier’s open needs collection: invited by mail, its needs page says where it came from, the dossier’s history too', async () => {
    const { inbox } = await testContext();
    const g = await actionOfE('Dichiarare i fabbisogni per la gara dei servizi cloud');
    const from = `/tavoli/sedute/${g.meetingId}#azione-${g.actionId}`;
    const dossier = await makeDossier();
    // The call is open to another comune only: E is not invited yet.
    await openCall(dossier.id, [(await createBody()).id]);
    const closed = await makeDossier();

    // The form offers the open collections; a dossier without one is refused, nothing recorded.
    const page = await g.staff.get(`/tavoli/sedute/${g.meetingId}`);
    expect(page.text).to.contain(`<option value="${dossier.id}">`);
    expect(page.text).to.not.contain(`<option value="${closed.id}">`);
    await post(g.staff, `/tavoli/azioni/${g.actionId}/trasforma`, { kind: 'tenders', dossierId: String(closed.id) }, `/tavoli/sedute/${g.meetingId}`);
    expect((await g.staff.get(`/tavoli/sedute/${g.meetingId}`)).text).to.contain('La raccolta dei fabbisogni di questa gara non è aperta');
    expect((await linkOf(g.actionId)).link_kind).to.equal(null);
    await post(g.staff, `/tavoli/azioni/${g.actionId}/trasforma`, { kind: 'tenders' }, `/tavoli/sedute/${g.meetingId}`);
    expect((await g.staff.get(`/tavoli/sedute/${g.meetingId}`)).text).to.contain('Scegli la gara con la raccolta dei fabbisogni aperta.');
    expect((await linkOf(g.actionId)).link_kind).to.equal(null);

    expect((await post(g.staff, `/tavoli/azioni/${g.actionId}/trasforma`, { kind: 'tenders', dossierId: String(dossier.id) }, `/tavoli/sedute/${g.meetingId}`)).status).to.equal(302);
    const link = await linkOf(g.actionId);
    expect(link).to.deep.equal({ link_kind: 'tenders', link_id: dossier.id, link_href: `/gare/${dossier.id}/fabbisogni?ente=${g.bodyE.id}` });
    const [invitation] = await g.platform.sequelize.query<{ origin_href: string }>(
      'SELECT i.origin_href FROM tender_needs_invitations i JOIN tender_needs_calls c ON c.id = i.call_id WHERE c.dossier_id = :d AND i.entity_id = :e',
      { replacements: { d: dossier.id, e: g.bodyE.id }, type: QueryTypes.SELECT },
    );
    expect(invitation.origin_href).to.equal(from);
    // E's RTD gets the same invitation as every invited body, and answers on a page that names the sitting.
    const mail = await inbox.waitFor(g.rtdE.email, new RegExp(dossier.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(mail.text).to.contain(`/gare/${dossier.id}/fabbisogni`);
    const rtdE = await loginAs(g.rtdE.email);
    const needs = await rtdE.get(link.link_href!);
    expect(needs.status).to.equal(200);
    expect(needs.text).to.contain('Invito nato da:');
    expect(needs.text).to.contain(`href="${from}"`);
    // Staff see the same on E's answer, and the dossier's history names the group.
    expect((await g.staff.get(link.link_href!)).text).to.contain(`href="${from}"`);
    const [event] = await g.platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM tender_events WHERE dossier_id = :d AND kind = 'needs-joined'`, { replacements: { d: dossier.id }, type: QueryTypes.SELECT });
    expect(event.n).to.equal(1);
    // F, not invited, still finds no collection there.
    expect((await (await loginAs(g.rtdF.email)).get(`/gare/${dossier.id}/fabbisogni`)).status).to.equal(404);
  });
});
