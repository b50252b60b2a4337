// A project's links: to the tender dossier that buys its supply and to the coaching plan action it
// fulfils, chosen only among its own body's; the dossier page shows its CUP's project to who may see it.
import { expect } from 'chai';
import { createPlanActionFrom } from '../../../src/modules/coaching/index.js';
import { FundingProject } from '../../../src/modules/funding/models.js';
import { testContext } from '../../helpers/app.js';
import { csrfFrom, loginAs } from '../../helpers/http.js';
import { dossierWithTwoBodies, makeDossier } from '../tenders/helpers.js';
import { makeCall, makeProject, staffActor } from './helpers.js';

describe('funding: links to the tenders and the coaching plan', () => {
  it('links a project to its body’s dossier and plan action, refuses others’, and the dossier shows its CUP’s project', async () => {
    const { platform } = await testContext();
    const cup = `B51F2${Date.now().toString(36).toUpperCase()}`.padEnd(15, '7').slice(0, 15);
    const { dossier, bodyA, bodyB, agentA, agentB } = await dossierWithTwoBodies({ funding: 'other', cup });
    const foreign = await makeDossier();
    const call = await makeCall();
    const project = await makeProject(bodyA.id, call.id, { title: 'Progetto collegato ZXCV', cup });
    const staff = await staffActor();
    const actionA = await createPlanActionFrom(platform, staff, { entityId: bodyA.id, title: 'Migrare i servizi al cloud', source: { kind: 'test', id: `a-${project.id}`, label: 'prova', href: '/' } });
    const actionB = await createPlanActionFrom(platform, staff, { entityId: bodyB.id, title: 'Azione di un altro ente', source: { kind: 'test', id: `b-${project.id}`, label: 'prova', href: '/' } });

    const page = await agentA.get(`/finanziamenti/progetti/${project.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Collegamenti').and.contain('Nessuna gara collegata.');
    expect(page.text).to.contain(`<option value="${dossier.id}"`).and.not.contain(`<option value="${foreign.id}"`);
    expect(page.text).to.contain(`<option value="${actionA.id}"`).and.not.contain(`<option value="${actionB.id}"`);

    const token = csrfFrom(page.text);
    const post = (agent: typeof agentA, fields: Record<string, string>) => agent.post(`/finanziamenti/progetti/${project.id}/collegamenti`).type('form').send({ _csrf: token, ...fields });
    const wrongDossier = await post(agentA, { tenderDossierId: String(foreign.id), coachingActionId: '' });
    expect(wrongDossier.status).to.equal(422);
    expect(wrongDossier.text).to.contain('Scegli una gara dell&#39;ente dall&#39;elenco.');
    const wrongAction = await post(agentA, { tenderDossierId: '', coachingActionId: String(actionB.id) });
    expect(wrongAction.status).to.equal(422);
    expect(wrongAction.text).to.contain('Scegli un&#39;azione del piano dell&#39;ente dall&#39;elenco.');
    expect((await post(agentA, { tenderDossierId: 'abc', coachingActionId: '-1' })).status).to.equal(422);
    // Another body's RTD cannot touch it: 404.
    const tokenB = csrfFrom((await agentB.get('/finanziamenti/avvisi')).text);
    expect((await agentB.post(`/finanziamenti/progetti/${project.id}/collegamenti`).type('form').send({ _csrf: tokenB, tenderDossierId: String(dossier.id) })).status).to.equal(404);
    let saved = (await FundingProject.findByPk(project.id))!;
    expect([saved.tenderDossierId, saved.coachingActionId]).to.deep.equal([null, null]);

    expect((await post(agentA, { tenderDossierId: String(dossier.id), coachingActionId: String(actionA.id) })).status).to.equal(302);
    saved = (await FundingProject.findByPk(project.id))!;
    expect([saved.tenderDossierId, saved.coachingActionId]).to.deep.equal([dossier.id, actionA.id]);
    const after = await agentA.get(`/finanziamenti/progetti/${project.id}`);
    expect(after.text).to.contain(`href="/gare/${dossier.id}"`).and.contain(`href="${actionA.href}"`);

    // The dossier shows its CUP's project to A's users and staff, not to B's.
    const dossierA = await agentA.get(`/gare/${dossier.id}`);
    expect(dossierA.text).to.contain('Progetto finanziato').and.contain(`/finanziamenti/progetti/${project.id}`).and.contain('ZXCV');
    const staffAgent = await loginAs('staff@cithub.example');
    expect((await staffAgent.get(`/gare/${dossier.id}`)).text).to.contain('ZXCV');
    const dossierB = await agentB.get(`/gare/${dossier.id}`);
    expect(dossierB.status).to.equal(200);
    expect(dossierB.text).to.not.contain('ZXCV');
  });
});
