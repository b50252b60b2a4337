import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs } from '../../helpers/http.js';
import { dossierWithTwoBodies, makeDossier, openCall } from './helpers.js';

describe('tenders: menu, home cards and body page', () => {
  it('shows the menu item to everyone and a card for each kind of viewer', async () => {
    const { app } = await testContext();
    const home = await request(app).get('/');
    expect(home.text).to.contain('href="/gare"');
    expect(home.text).to.contain('Gare ICT aggregate');
    expect(home.text).to.contain('href="/gare/ocds.json"'); // footer open-data link

    const d = await makeDossier();
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    await openCall(d.id, [body.id]);
    const bodyHome = await (await loginAs(rtd.email)).get('/');
    expect(bodyHome.text).to.contain('Fabbisogni da comunicare');
    expect(bodyHome.text).to.contain('Le gare del tuo ente');

    const staffHome = await (await loginAs('staff@cithub.example')).get('/');
    expect(staffHome.text).to.contain('Scadenze delle gare');
    expect(staffHome.text).to.contain('href="/gare/scadenze"');
  });

  it('lists a body’s tender participations on its page to its users and staff only', async () => {
    const { app } = await testContext();
    const { dossier, bodyA, agentA, agentB } = await dossierWithTwoBodies();
    expect((await agentA.get(`/enti/${bodyA.id}`)).text).to.contain(dossier.title);
    expect((await agentB.get(`/enti/${bodyA.id}`)).text).to.not.contain(dossier.title);
    expect((await request(app).get(`/enti/${bodyA.id}`)).text).to.not.contain(dossier.title);
    expect((await (await loginAs('staff@cithub.example')).get(`/enti/${bodyA.id}`)).text).to.contain(dossier.title);
  });
});
