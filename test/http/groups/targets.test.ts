// Actions that become work in another area through its index.ts, each with the link back shown on
// both sides: a training need of the owner's comune (seen by the training staff and by that comune
// only), and the owner's comune joining a tender dossier's needs collection.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
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
});
