// The "Bad input" cases of the funding forms not covered elsewhere: a CUP of the wrong alphabet, an
// absurd amount, a stage dated before the previous one when a project is updated, the links and the
// CSV of another body's project — each an Italian message next to the field (or 404), nothing saved.
import { expect } from 'chai';
import { FundingProject } from '../../../src/modules/funding/models.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { addDays, makeCall, makeProject, todayInRome } from './helpers.js';

describe('funding: bad input on the application and project forms', () => {
  it('refuses a CUP of the wrong alphabet and an absurd amount, keeping what was typed', async () => {
    const body = await createBody();
    const agent = await loginAs((await createUser('rtd', body.id)).email);
    const call = await makeCall();
    const form = (fields: Record<string, string>) => postForm(agent, '/finanziamenti/progetti/nuovo', '/finanziamenti/progetti', { callId: String(call.id), amount: '10.000', state: 'submitted', title: 'Progetto scritto', ...fields });
    let res = await form({ cup: 'B51F22008400-0Ò' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('può contenere solo lettere e cifre');
    expect(res.text).to.contain('value="Progetto scritto"');
    res = await form({ amount: '99.000.000.000.000' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('l&#39;importo supera il massimo ammesso');
    res = await form({ amount: 'mille euro' });
    expect(res.status).to.equal(422);
    expect(await FundingProject.count({ where: { entityId: body.id } })).to.equal(0);
  });

  it('refuses a stage dated before the previous one when the project moves on, changing nothing', async () => {
    const body = await createBody();
    const agent = await loginAs((await createUser('rtd', body.id)).email);
    const call = await makeCall();
    const project = await makeProject(body.id, call.id, { cup: 'B51F22008406661', fundedOn: addDays(todayInRome(), -100) });
    const res = await postForm(agent, `/finanziamenti/progetti/${project.id}/modifica`, `/finanziamenti/progetti/${project.id}`, {
      callId: String(call.id), amount: '10.000', state: 'funded', cup: 'B51F22008406661', fundedOn: addDays(todayInRome(), -100),
      contractOn: addDays(todayInRome(), -90), completedOn: addDays(todayInRome(), -20), asseveratedOn: addDays(todayInRome(), -10), creOn: addDays(todayInRome(), -15),
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('La «Data del CRE» non può essere precedente alla «Data di asseverazione».');
    const after = (await FundingProject.findByPk(project.id))!;
    expect([after.contractOn, after.creOn]).to.deep.equal([null, null]);
  });
});
