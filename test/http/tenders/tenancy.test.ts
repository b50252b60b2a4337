// Every route that takes an id, tried by users who may not use it: never the data, always 403 or 404.
import { expect } from 'chai';
import request from 'supertest';
import { DocumentVersion, Dossier, Lot, Milestone, NeedsAnswer, Participant, TenderDocument } from '../../../src/modules/tenders/models.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom, loginAs } from '../../helpers/http.js';
import { addDays, dossierWithTwoBodies, lot, milestone, openCall, todayInRome, uploadDoc } from './helpers.js';

describe('tenders: tenancy on every route with an id', () => {
  it('a user of a body not involved gets 403/404 everywhere; a participating body gets 403 on staff routes', async () => {
    const { dossier, bodyA, agentA } = await dossierWithTwoBodies();
    const l = await lot(dossier.id, 1);
    const m = await milestone(dossier.id, 'publication', addDays(todayInRome(), 40));
    const doc = await uploadDoc(dossier.id, 'verbale', 'Verbale segreto XYZ', 'staff');
    const v = (await DocumentVersion.findOne({ where: { documentId: doc.id } }))!;
    await openCall(dossier.id, [bodyA.id]);
    const pA = (await Participant.findOne({ where: { dossierId: dossier.id, entityId: bodyA.id } }))!;
    const id = dossier.id;

    const stranger = await createUser('rtd', (await createBody()).id);
    const agentF = await loginAs(stranger.email);
    const token = csrfFrom((await agentF.get('/gare')).text);
    const tokenA = csrfFrom((await agentA.get('/gare')).text);

    const gets = [
      `/gare/${id}`, `/gare/${id}/modifica`, `/gare/${id}/ocds.json`, `/gare/${id}/scadenze.ics`,
      `/gare/${id}/lotti/nuovo`, `/gare/${id}/lotti/${l.id}/modifica`, `/gare/${id}/lotti/${l.id}/annulla`,
      `/gare/${id}/scadenze/nuova`, `/gare/${id}/scadenze/${m.id}/modifica`, `/gare/${id}/fase?to=preparation`,
      `/gare/${id}/aggiudicazione`, `/gare/${id}/partecipanti/nuovo`, `/gare/${id}/partecipanti/${pA.id}/modifica`,
      `/gare/${id}/partecipanti/${pA.id}/adesione`, `/gare/${id}/documenti/nuovo`, `/gare/${id}/documenti/${doc.id}`,
      `/gare/${id}/documenti/${doc.id}/scarica`, `/gare/${id}/documenti/${doc.id}/versioni/${v.id}`,
      `/gare/${id}/fabbisogni`, `/gare/${id}/fabbisogni/avvio`, `/gare/${id}/fabbisogni.csv`,
    ];
    const posts: Array<[string, Record<string, string>]> = [
      [`/gare/${id}`, { title: 'Rubata', object: 'x', category: 'services', procedure: 'mepa', estimatedValue: '1', rupUserId: String(stranger.id), funding: 'none' }],
      [`/gare/${id}/lotti`, { number: '9', title: 'Intruso', value: '1' }],
      [`/gare/${id}/lotti/${l.id}`, { number: '1', title: 'Cambiato', value: '1' }],
      [`/gare/${id}/lotti/${l.id}/annulla`, { reason: 'Intrusione' }],
      [`/gare/${id}/scadenze`, { kind: 'other', dueOn: todayInRome(), ownerUserId: String(stranger.id) }],
      [`/gare/${id}/scadenze/${m.id}`, { kind: 'other', dueOn: todayInRome(), ownerUserId: String(stranger.id) }],
      [`/gare/${id}/scadenze/${m.id}/completata`, { done: '1' }],
      [`/gare/${id}/scadenze/${m.id}/elimina`, {}],
      [`/gare/${id}/fase`, { to: 'cancelled', reason: 'Intrusione' }],
      [`/gare/${id}/aggiudicazione`, { awardSupplierName: 'Intruso S.r.l.' }],
      [`/gare/${id}/partecipanti`, { entityId: String(stranger.entityId), status: 'joined' }],
      [`/gare/${id}/partecipanti/${pA.id}`, { status: 'withdrawn' }],
      [`/gare/${id}/partecipazione`, { status: 'withdrawn' }],
      [`/gare/${id}/fabbisogni/risposta`, { entityId: String(bodyA.id), notes: 'intrusione' }],
      [`/gare/${id}/fabbisogni/avvio`, { deadlineOn: addDays(todayInRome(), 30), invite: 'all', itemLabel: 'x' }],
    ];
    const multipart = [`/gare/${id}/documenti`, `/gare/${id}/documenti/${doc.id}/versioni`, `/gare/${id}/partecipanti/${pA.id}/adesione`];

    for (const path of gets) {
      const res = await agentF.get(path);
      expect(res.status, `GET ${path}`).to.be.oneOf([403, 404]);
      expect(res.text, `GET ${path}`).to.not.contain(dossier.title);
      expect(res.text, `GET ${path}`).to.not.contain('Verbale segreto XYZ');
    }
    for (const [path, fields] of posts) {
      const res = await agentF.post(path).type('form').send({ _csrf: token, ...fields });
      expect(res.status, `POST ${path}`).to.be.oneOf([403, 404]);
    }
    for (const path of multipart) {
      const res = await agentF.post(`${path}`).field('_csrf', token).field('type', 'altro').field('title', 'x').field('visibility', 'public').attach('file', Buffer.from('%PDF-1.4\n'), 'x.pdf');
      expect(res.status, `POST ${path}`).to.be.oneOf([403, 404]);
    }

    // The participating body may see the dossier but not use the staff routes.
    const staffOnly = gets.filter((p) => /modifica|nuov|annulla|fase|aggiudicazione|avvio|\.csv|documenti\/\d+(\/|$)/.test(p));
    for (const path of staffOnly) {
      const res = await agentA.get(path);
      expect(res.status, `A GET ${path}`).to.be.oneOf([403, 404]);
      expect(res.text, `A GET ${path}`).to.not.contain('Verbale segreto XYZ');
    }
    for (const [path, fields] of posts.filter(([p]) => !/partecipazione|risposta/.test(p))) {
      const res = await agentA.post(path).type('form').send({ _csrf: tokenA, ...fields });
      expect(res.status, `A POST ${path}`).to.be.oneOf([403, 404]);
    }

    // Nothing changed.
    await dossier.reload();
    expect(dossier.phase).to.equal('needs_collection');
    expect(dossier.awardSupplierName).to.equal(null);
    expect(await Lot.count({ where: { dossierId: id } })).to.equal(1);
    expect((await Lot.findByPk(l.id))!.title).to.equal('Lotto 1');
    expect(await Milestone.count({ where: { dossierId: id } })).to.equal(2);
    expect(await TenderDocument.count({ where: { dossierId: id } })).to.equal(1);
    expect(await Participant.count({ where: { dossierId: id } })).to.equal(2);
    expect((await Participant.findByPk(pA.id))!.status).to.equal('joined');
    expect(await NeedsAnswer.count({ where: { entityId: bodyA.id } })).to.equal(0);
    expect((await Dossier.findByPk(id))!.title).to.equal(dossier.title);
  });

  it('visitors see a non-public dossier as not found, even its calendar and open data', async () => {
    const { app } = await testContext();
    const { dossier } = await dossierWithTwoBodies();
    for (const path of [`/gare/${dossier.id}`, `/gare/${dossier.id}/scadenze.ics`, `/gare/${dossier.id}/ocds.json`]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(404);
      expect(res.text, path).to.not.contain(dossier.title);
    }
    expect((await request(app).get(`/gare/${dossier.id}/fabbisogni`)).status).to.equal(302); // to the login page
  });
});
