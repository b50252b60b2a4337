// Every route of the area that takes an id, tried by users who may not use it: 404 (or 403 for a
// body's own member who may read but not change), never the data, nothing changed.
import { expect } from 'chai';
import { FundingProject } from '../../../src/modules/funding/models.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, csrfFrom, loginAs } from '../../helpers/http.js';
import { makeCall, makeProject } from './helpers.js';

describe('funding: tenancy on every route with an id', () => {
  it('a user of body F never reads or changes body E’s project or funding page', async () => {
    const bodyE = await createBody();
    const bodyF = await createBody();
    const call = await makeCall();
    const project = await makeProject(bodyE.id, call.id, { title: 'Progetto riservato QWERTY', cup: 'B51F22008405555' });
    const memberE = await loginAs((await createUser('member', bodyE.id)).email);
    const rtdF = await loginAs((await createUser('rtd', bodyF.id)).email);
    const memberF = await loginAs((await createUser('member', bodyF.id)).email);
    const tokenF = csrfFrom((await rtdF.get('/finanziamenti/avvisi')).text);

    for (const agent of [rtdF, memberF]) {
      for (const path of [`/finanziamenti/progetti/${project.id}`, `/finanziamenti/progetti/${project.id}/modifica`, `/finanziamenti/enti/${bodyE.id}`]) {
        const res = await agent.get(path);
        expect(res.status, `GET ${path}`).to.equal(404);
        expect(res.text, `GET ${path}`).to.not.contain('QWERTY');
      }
      const list = await agent.get('/finanziamenti/progetti');
      expect(list.status).to.equal(200);
      expect(list.text).to.not.contain('QWERTY');
      expect((await agent.get(`/finanziamenti/progetti?entityId=${bodyE.id}`)).text).to.not.contain('QWERTY');
      expect((await agent.get(`/finanziamenti/progetti?entityName=${encodeURIComponent(bodyE.name)}`)).text).to.not.contain('QWERTY');
    }
    const post = await rtdF.post(`/finanziamenti/progetti/${project.id}`).type('form').send({ _csrf: tokenF, callId: String(call.id), amount: '1', state: 'revoked' });
    expect(post.status).to.equal(404);
    // An RTD of F recording an application names E in vain: it is F's.
    const create = await rtdF.post('/finanziamenti/progetti').type('form').send({ _csrf: tokenF, entityId: String(bodyE.id), callId: String(call.id), amount: '1', state: 'submitted' });
    expect(create.status).to.equal(302);
    expect(await FundingProject.count({ where: { entityId: bodyE.id } })).to.equal(1);

    // E's member reads its project but may not change it.
    expect((await memberE.get(`/finanziamenti/progetti/${project.id}`)).text).to.contain('QWERTY');
    expect((await memberE.get(`/finanziamenti/progetti/${project.id}/modifica`)).status).to.equal(403);
    const tokenE = csrfFrom((await memberE.get('/finanziamenti/avvisi')).text);
    expect((await memberE.post(`/finanziamenti/progetti/${project.id}`).type('form').send({ _csrf: tokenE, callId: String(call.id), amount: '1', state: 'revoked' })).status).to.equal(403);
    expect((await memberE.get('/finanziamenti/progetti/nuovo')).status).to.equal(403);

    // Staff-only routes for body users; login for visitors.
    for (const path of ['/finanziamenti/avvisi/nuovo', `/finanziamenti/avvisi/${call.id}/modifica`]) expect((await rtdF.get(path)).status, path).to.equal(403);
    expect((await rtdF.post(`/finanziamenti/avvisi/${call.id}`).type('form').send({ _csrf: tokenF, title: 'Rubato' })).status).to.equal(403);
    const visitor = await anonymousAgent();
    for (const path of [`/finanziamenti/progetti/${project.id}`, `/finanziamenti/enti/${bodyE.id}`, '/finanziamenti/progetti']) {
      const res = await visitor.get(path);
      expect(res.status, path).to.be.oneOf([302, 401]);
      expect(res.text).to.not.contain('QWERTY');
    }
    const after = (await FundingProject.findByPk(project.id))!;
    expect([after.state, after.amountCents]).to.deep.equal(['funded', 1_000_000]);
  });
});
