// A comune's own procedures: the comune is the contracting body, its RUP signs, the centre supports
// and comments. Creation, editing, comments, the guided procedure, the lists and tenancy.
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import { DocumentVersion, Dossier, Lot, Milestone, TenderComment, TenderDocument } from '../../../src/modules/tenders/models.js';
import { DEFAULT_SCHEMAS_DIR, validateReleasePackage } from '../../../scripts/check-ocds.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom, loginAs } from '../../helpers/http.js';
import { addDays, demoP7m, demoPdf, dossierFields, staffActor, todayInRome, uniqueCig } from './helpers.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

async function post(agent: Agent, page: string, action: string, fields: Record<string, string>) {
  const token = csrfFrom((await agent.get(page)).text);
  return agent.post(action).type('form').send({ _csrf: token, ...fields });
}

async function uploadAs(agent: Agent, dossierId: number, fields: Record<string, string>, buffer: Buffer, name: string) {
  const token = csrfFrom((await agent.get(`/gare/${dossierId}`)).text);
  let req = agent.post(`/gare/${dossierId}/documenti`).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', buffer, name);
}

/** A comune with its RTD, a member, and an own dossier opened by the RTD. */
async function ownDossier(overrides: Record<string, string> = {}) {
  const body = await createBody();
  const rtd = await createUser('rtd', body.id);
  const member = await createUser('member', body.id);
  const agent = await loginAs(rtd.email);
  const res = await post(agent, '/gare/nuova', '/gare', {
    ...dossierFields({ procedure: 'affidamento_diretto', estimatedValue: '39.000', ...overrides }),
    rupUserId: String(rtd.id),
    contractingEntityId: String(body.id),
  });
  expect(res.status, res.text.slice(0, 500)).to.equal(302);
  const dossier = (await Dossier.findOne({ where: { contractingEntityId: body.id }, order: [['id', 'DESC']] }))!;
  return { body, rtd, member, agent, dossier };
}

describe('tenders: a comune’s own dossiers', () => {
  it('the RTD opens one from the body’s page: the comune is the contracting body, the dossier starts in preparation', async () => {
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    const agent = await loginAs(rtd.email);
    const panel = await agent.get(`/enti/${body.id}`);
    expect(panel.text).to.contain(`/gare/nuova?ente=${body.id}`);
    const form = await agent.get(`/gare/nuova?ente=${body.id}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(`name="contractingEntityId" value="${body.id}"`);
    expect(form.text).to.contain(body.name);
    const { dossier } = await ownDossier();
    expect(dossier.phase).to.equal('preparation');
    expect(dossier.contractingEntityId).to.be.a('number');
    const page = await (await loginAs('staff@cithub.example')).get(`/gare/${dossier.id}`);
    expect(page.text).to.contain('Stazione appaltante');
    expect(page.text).to.not.contain('id="partecipanti"');
  });

  it('refuses a dossier for another body, a RUP of another body, a member who is neither RTD nor referent', async () => {
    const body = await createBody();
    const other = await createBody();
    const rtd = await createUser('rtd', body.id);
    const stranger = await createUser('rtd', other.id);
    const member = await createUser('member', body.id);
    const agent = await loginAs(rtd.email);
    const fields: Record<string, string> = { ...dossierFields({ procedure: 'affidamento_diretto', estimatedValue: '39.000' }), rupUserId: String(rtd.id) };

    const forOther = await post(agent, '/gare/nuova', '/gare', { ...fields, contractingEntityId: String(other.id) });
    expect(forOther.status).to.equal(403);
    expect((await agent.get(`/gare/nuova?ente=${other.id}`)).status).to.equal(403);

    const foreignRup = await post(agent, '/gare/nuova', '/gare', { ...fields, contractingEntityId: String(body.id), rupUserId: String(stranger.id) });
    expect(foreignRup.status).to.equal(422);
    expect(foreignRup.text).to.contain('Scegli come RUP una persona dell&#39;ente che svolge la procedura.');
    expect(foreignRup.text).to.contain(fields.title);

    const staffRup = await post(agent, '/gare/nuova', '/gare', { ...fields, contractingEntityId: String(body.id), rupUserId: String((await staffActor()).userId) });
    expect(staffRup.status).to.equal(422);

    const memberAgent = await loginAs(member.email);
    expect((await memberAgent.get('/gare/nuova')).status).to.equal(403);
    expect(await Dossier.count({ where: { contractingEntityId: [body.id, other.id] } })).to.equal(0);
  });

  it('staff open one for a comune with /gare/nuova?ente=, naming a RUP of that comune', async () => {
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    const staff = await loginAs('staff@cithub.example');
    const form = await staff.get(`/gare/nuova?ente=${body.id}`);
    expect(form.text).to.contain(rtd.email);
    expect(form.text).to.not.contain('staff@cithub.example)');
    const res = await post(staff, `/gare/nuova?ente=${body.id}`, '/gare', { ...dossierFields({ procedure: 'affidamento_diretto', estimatedValue: '20.000' }), rupUserId: String(rtd.id), contractingEntityId: String(body.id) });
    expect(res.status).to.equal(302);
    const d = (await Dossier.findOne({ where: { contractingEntityId: body.id } }))!;
    expect(d.rupUserId).to.equal(rtd.id);
  });

  it('the comune’s users edit it: sheet, lots, milestones and documents', async () => {
    const { dossier, member, rtd } = await ownDossier();
    const m = await loginAs(member.email);
    const edit = await post(m, `/gare/${dossier.id}/modifica`, `/gare/${dossier.id}`, { ...dossierFields({ procedure: 'affidamento_diretto', estimatedValue: '38.500' }), title: 'Assistenza sito, rivista', rupUserId: String(rtd.id) });
    expect(edit.status).to.equal(302);
    expect((await Dossier.findByPk(dossier.id))!.title).to.equal('Assistenza sito, rivista');
    expect((await post(m, `/gare/${dossier.id}/lotti/nuovo`, `/gare/${dossier.id}/lotti`, { number: '1', title: 'Lotto unico', value: '38.500', cig: uniqueCig() })).status).to.equal(302);
    expect((await post(m, `/gare/${dossier.id}/scadenze/nuova`, `/gare/${dossier.id}/scadenze`, { kind: 'contract_signature', dueOn: addDays(todayInRome(), 40), ownerUserId: String(rtd.id) })).status).to.equal(302);
    expect((await uploadAs(m, dossier.id, { type: 'capitolato', title: 'Capitolato', visibility: 'staff' }, demoPdf('Capitolato'), 'capitolato.pdf')).status).to.equal(302);
    expect(await Lot.count({ where: { dossierId: dossier.id } })).to.equal(1);
    expect(await Milestone.count({ where: { dossierId: dossier.id } })).to.equal(1);
    expect(await TenderDocument.count({ where: { dossierId: dossier.id } })).to.equal(1);
    // No needs collection and no participants in an own dossier.
    const staff = await loginAs('staff@cithub.example');
    const page = await staff.get(`/gare/${dossier.id}`);
    expect(page.text).to.not.contain('/fabbisogni/avvio');
    expect((await staff.get(`/gare/${dossier.id}/fabbisogni/avvio`)).status).to.equal(409);
  });

  it('staff comment on each document and phase; the comune reads but cannot edit the comments', async () => {
    const { dossier, agent, rtd } = await ownDossier();
    const doc = await uploadAs(agent, dossier.id, { type: 'determina_a_contrarre', title: 'Determina a contrarre', visibility: 'staff' }, demoPdf('Determina'), 'determina.pdf');
    expect(doc.status).to.equal(302);
    const document = (await TenderDocument.findOne({ where: { dossierId: dossier.id } }))!;
    const staff = await loginAs('staff@cithub.example');
    expect((await post(staff, `/gare/${dossier.id}/documenti/${document.id}`, `/gare/${dossier.id}/commenti`, { documentId: String(document.id), body: 'Manca la motivazione della scelta del contraente.' })).status).to.equal(302);
    expect((await post(staff, `/gare/${dossier.id}`, `/gare/${dossier.id}/commenti`, { phase: 'preparation', body: 'Buona impostazione della fase.' })).status).to.equal(302);
    const empty = await post(staff, `/gare/${dossier.id}`, `/gare/${dossier.id}/commenti`, { phase: 'preparation', body: '  ' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Commento');

    const seenDoc = await agent.get(`/gare/${dossier.id}/documenti/${document.id}`);
    expect(seenDoc.text).to.contain('Manca la motivazione della scelta del contraente.');
    const seen = await agent.get(`/gare/${dossier.id}`);
    expect(seen.text).to.contain('Buona impostazione della fase.');
    const comment = (await TenderComment.findOne({ where: { dossierId: dossier.id, phase: 'preparation' } }))!;
    const token = csrfFrom(seen.text);
    const edit = await agent.post(`/gare/${dossier.id}/commenti/${comment.id}`).type('form').send({ _csrf: token, body: 'Cambiato dal comune' });
    expect(edit.status).to.equal(403);
    expect((await agent.get(`/gare/${dossier.id}/commenti/${comment.id}/modifica`)).status).to.equal(403);
    const add = await agent.post(`/gare/${dossier.id}/commenti`).type('form').send({ _csrf: token, phase: 'preparation', body: 'Commento del comune' });
    expect(add.status).to.equal(403);
    expect((await TenderComment.findByPk(comment.id))!.body).to.equal('Buona impostazione della fase.');
    expect(await TenderComment.count({ where: { dossierId: dossier.id } })).to.equal(2);
    // Staff edit their comment.
    expect((await post(staff, `/gare/${dossier.id}/commenti/${comment.id}/modifica`, `/gare/${dossier.id}/commenti/${comment.id}`, { body: 'Impostazione corretta.' })).status).to.equal(302);
    expect((await TenderComment.findByPk(comment.id))!.body).to.equal('Impostazione corretta.');
    void rtd;
  });

  it('proposes the procedure, lists the documents in order with their legal terms, warns over the art. 62 limit with a link to the centre', async () => {
    const { dossier, agent } = await ownDossier();
    const page = await agent.get(`/gare/${dossier.id}`);
    expect(page.text).to.contain('Percorso guidato della procedura');
    expect(page.text).to.contain('Procedura consentita dal D.Lgs. 36/2023: Affidamento diretto.');
    expect(page.text).to.contain('il contraente, le ragioni della scelta');
    expect(page.text).to.contain('entro 30 giorni');
    expect(page.text).to.not.contain('id="art62"');

    // Before saving: the form's check shows the same warning with both links, and keeps what was typed.
    const checker = await createBody();
    const checkerRtd = await createUser('rtd', checker.id);
    const checkAgent = await loginAs(checkerRtd.email);
    const typed: Record<string, string> = { ...dossierFields({ procedure: 'affidamento_diretto', estimatedValue: '180.000' }), rupUserId: String(checkerRtd.id), contractingEntityId: String(checker.id) };
    const check = await post(checkAgent, `/gare/nuova?ente=${checker.id}`, '/gare', { ...typed, check: '1' });
    expect(check.status).to.equal(200);
    expect(check.text).to.contain('id="art62"');
    expect(check.text).to.contain('href="/richieste/nuova?categoria=procurement&amp;oggetto=');
    expect(check.text).to.contain('href="/gare?tipo=aggregate&amp;phase=needs_collection"');
    expect(check.text).to.contain(typed.title);
    expect(await Dossier.count({ where: { contractingEntityId: checker.id } })).to.equal(0);

    const big = await ownDossier({ procedure: 'procedura_negoziata', estimatedValue: '180.000' });
    const bigPage = await big.agent.get(`/gare/${big.dossier.id}`);
    expect(bigPage.text).to.contain('id="art62"');
    expect(bigPage.text).to.contain('L&#39;ente non può procedere da solo');
    expect(bigPage.text).to.contain('href="/richieste/nuova?categoria=procurement&amp;oggetto=');
    expect(bigPage.text).to.contain('href="/gare?tipo=aggregate&amp;phase=needs_collection"');
    expect(bigPage.text).to.contain('almeno 5 operatori economici');
    // The desk form opens on the procurement category.
    const desk = await big.agent.get('/richieste/nuova?categoria=procurement&oggetto=Richiesta%20di%20procedura%20aggregata');
    expect(desk.status).to.equal(200);
    expect(desk.text).to.match(/value="procurement"[^>]*selected|selected[^>]*value="procurement"/);
  });

  it('lists: staff see the comuni’s own dossiers apart; the body’s page shows them with their next deadline', async () => {
    const { dossier, body, agent, rtd } = await ownDossier();
    const due = addDays(todayInRome(), 12);
    expect((await post(agent, `/gare/${dossier.id}/scadenze/nuova`, `/gare/${dossier.id}/scadenze`, { kind: 'other', title: 'Verifica dei requisiti', dueOn: due, ownerUserId: String(rtd.id) })).status).to.equal(302);
    const staff = await loginAs('staff@cithub.example');
    const aggregated = await staff.get(`/gare?q=${encodeURIComponent(dossier.title)}`);
    expect(aggregated.text).to.not.contain(`/gare/${dossier.id}"`);
    const own = await staff.get(`/gare?tipo=comuni&q=${encodeURIComponent(dossier.title)}`);
    expect(own.text).to.contain(`/gare/${dossier.id}"`);
    expect(own.text).to.contain(body.name);
    const panel = await agent.get(`/enti/${body.id}`);
    expect(panel.text).to.contain(dossier.title);
    expect(panel.text).to.contain('Verifica dei requisiti');
    expect(panel.text).to.contain(due.split('-').reverse().join('/'));
  });

  it('runs to the contract: the comune’s RTD moves the phases; the open data name the comune buyer and procuring entity', async () => {
    const { dossier, agent, body } = await ownDossier();
    const id = dossier.id;
    expect((await post(agent, `/gare/${id}/lotti/nuovo`, `/gare/${id}/lotti`, { number: '1', title: 'Servizio unico', value: '39.000', cig: uniqueCig() })).status).to.equal(302);
    expect((await uploadAs(agent, id, { type: 'determina_a_contrarre', title: 'Determina a contrarre e di affidamento', visibility: 'public' }, demoP7m(demoPdf('Determina firmata')), 'determina.pdf.p7m')).status).to.equal(302);
    for (const to of ['published', 'evaluation']) expect((await post(agent, `/gare/${id}/fase?to=${to}`, `/gare/${id}/fase`, { to })).status, to).to.equal(302);
    expect((await post(agent, `/gare/${id}/aggiudicazione`, `/gare/${id}/aggiudicazione`, { awardSupplierName: 'Web Romagna S.r.l.', awardSupplierFiscalCode: '01234567890', awardValue: '38.900', awardDate: todayInRome(), contractSignedOn: todayInRome() })).status).to.equal(302);
    expect((await post(agent, `/gare/${id}/fase?to=awarded`, `/gare/${id}/fase`, { to: 'awarded' })).status).to.equal(302);
    const refused = await post(agent, `/gare/${id}/fase?to=contract`, `/gare/${id}/fase`, { to: 'contract' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('Contratto');
    expect((await uploadAs(agent, id, { type: 'contratto', title: 'Lettera contratto', visibility: 'public' }, demoPdf('Contratto'), 'contratto.pdf')).status).to.equal(302);
    expect((await post(agent, `/gare/${id}/fase?to=contract`, `/gare/${id}/fase`, { to: 'contract' })).status).to.equal(302);
    expect((await Dossier.findByPk(id))!.phase).to.equal('contract');
    const { app } = await testContext();
    const pkg = (await request(app).get(`/gare/${id}/ocds.json`)).body as { releases: Array<{ buyer: { id: string }; tender: { procuringEntity: { id: string } }; parties: Array<{ roles: string[]; name: string }>; awards: Array<{ relatedLots: string[]; status: string }>; contracts: unknown[] }> };
    const r = pkg.releases[0];
    expect(r.buyer.id).to.equal(`IT-IPA-${body.ipaCode}`);
    expect(r.tender.procuringEntity.id).to.equal(`IT-IPA-${body.ipaCode}`);
    expect(r.parties.filter((p) => p.roles.includes('buyer')).map((p) => p.name)).to.deep.equal([body.name]);
    expect(r.awards.map((a) => a.status)).to.deep.equal(['active']);
    expect(r.contracts).to.have.length(1);
    if (existsSync(DEFAULT_SCHEMAS_DIR)) expect(validateReleasePackage(pkg).errors).to.deep.equal([]);
  });

  it('tenancy: another comune gets 404 on every route of a comune’s dossier, and changes nothing', async () => {
    const { dossier, agent, rtd } = await ownDossier();
    const id = dossier.id;
    expect((await post(agent, `/gare/${id}/lotti/nuovo`, `/gare/${id}/lotti`, { number: '1', title: 'Lotto unico', value: '39.000' })).status).to.equal(302);
    expect((await post(agent, `/gare/${id}/scadenze/nuova`, `/gare/${id}/scadenze`, { kind: 'other', title: 'Verifica', dueOn: addDays(todayInRome(), 5), ownerUserId: String(rtd.id) })).status).to.equal(302);
    expect((await uploadAs(agent, id, { type: 'determina_a_contrarre', title: 'Determina riservata XYZ', visibility: 'staff' }, demoPdf('Determina'), 'determina.pdf')).status).to.equal(302);
    const staff = await loginAs('staff@cithub.example');
    const doc = (await TenderDocument.findOne({ where: { dossierId: id } }))!;
    const v = (await DocumentVersion.findOne({ where: { documentId: doc.id } }))!;
    const l = (await Lot.findOne({ where: { dossierId: id } }))!;
    const m = (await Milestone.findOne({ where: { dossierId: id } }))!;
    expect((await post(staff, `/gare/${id}`, `/gare/${id}/commenti`, { documentId: String(doc.id), body: 'Commento riservato XYZ' })).status).to.equal(302);
    const c = (await TenderComment.findOne({ where: { dossierId: id } }))!;

    const strangerBody = await createBody();
    const stranger = await createUser('rtd', strangerBody.id);
    const s = await loginAs(stranger.email);
    const token = csrfFrom((await s.get('/gare')).text);
    const gets = [
      `/gare/${id}`, `/gare/${id}/modifica`, `/gare/${id}/ocds.json`, `/gare/${id}/scadenze.ics`, `/gare/${id}/lotti/nuovo`,
      `/gare/${id}/lotti/${l.id}/modifica`, `/gare/${id}/lotti/${l.id}/annulla`, `/gare/${id}/scadenze/nuova`, `/gare/${id}/scadenze/${m.id}/modifica`,
      `/gare/${id}/fase?to=published`, `/gare/${id}/aggiudicazione`, `/gare/${id}/documenti/nuovo`, `/gare/${id}/documenti/${doc.id}`,
      `/gare/${id}/documenti/${doc.id}/scarica`, `/gare/${id}/documenti/${doc.id}/versioni/${v.id}`, `/gare/${id}/commenti/${c.id}/modifica`,
    ];
    for (const path of gets) {
      const res = await s.get(path);
      expect(res.status, `GET ${path}`).to.equal(404);
      expect(res.text, path).to.not.contain(dossier.title);
      expect(res.text, path).to.not.contain('XYZ');
    }
    const posts: Array<[string, Record<string, string>]> = [
      [`/gare/${id}`, { ...dossierFields(), rupUserId: String(stranger.id) }],
      [`/gare/${id}/lotti`, { number: '2', title: 'Intruso', value: '1' }],
      [`/gare/${id}/lotti/${l.id}`, { number: '1', title: 'Cambiato', value: '1' }],
      [`/gare/${id}/lotti/${l.id}/annulla`, { reason: 'Intrusione' }],
      [`/gare/${id}/scadenze`, { kind: 'other', dueOn: todayInRome(), ownerUserId: String(stranger.id) }],
      [`/gare/${id}/scadenze/${m.id}`, { kind: 'other', dueOn: todayInRome(), ownerUserId: String(stranger.id) }],
      [`/gare/${id}/scadenze/${m.id}/completata`, { done: '1' }],
      [`/gare/${id}/scadenze/${m.id}/elimina`, {}],
      [`/gare/${id}/fase`, { to: 'cancelled', reason: 'Intrusione' }],
      [`/gare/${id}/aggiudicazione`, { awardSupplierName: 'Intruso S.r.l.' }],
      [`/gare/${id}/commenti`, { phase: 'preparation', body: 'Intruso' }],
      [`/gare/${id}/commenti/${c.id}`, { body: 'Intruso' }],
    ];
    for (const [path, fields] of posts) {
      const res = await s.post(path).type('form').send({ _csrf: token, ...fields });
      expect(res.status, `POST ${path}`).to.equal(404);
    }
    for (const path of [`/gare/${id}/documenti`, `/gare/${id}/documenti/${doc.id}/versioni`]) {
      const res = await s.post(`${path}`).field('_csrf', token).field('type', 'altro').field('title', 'x').field('visibility', 'public').attach('file', demoPdf('x'), 'x.pdf');
      expect(res.status, `POST ${path}`).to.equal(404);
    }
    const list = await s.get(`/gare?tipo=comuni&q=${encodeURIComponent(dossier.title)}`);
    expect(list.text).to.not.contain(`/gare/${id}"`);
    const { app } = await testContext();
    expect((await request(app).get(`/gare/${id}`)).status).to.equal(404);

    const after = (await Dossier.findByPk(id))!;
    expect(after.title).to.equal(dossier.title);
    expect(after.phase).to.equal('preparation');
    expect(await Lot.count({ where: { dossierId: id } })).to.equal(1);
    expect((await Lot.findByPk(l.id))!.title).to.equal('Lotto unico');
    expect(await Milestone.count({ where: { dossierId: id } })).to.equal(1);
    expect(await TenderDocument.count({ where: { dossierId: id } })).to.equal(1);
    expect((await TenderComment.findByPk(c.id))!.body).to.equal('Commento riservato XYZ');
  });
});

