import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../helpers/app.js';
import { loginAs } from '../helpers/http.js';

describe('the running app', () => {
  it('serves the login page and the demo admin logs in', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/login');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Accedi a CIT Hub');
    const agent = await loginAs('admin@cithub.example');
    const home = await agent.get('/');
    expect(home.text).to.contain('Angela Carrozzo');
  });
});

describe('the privacy notice and the legal notes', () => {
  it('are pages of their own, linked from every footer, naming the controller, the DPO and the rights (GDPR art. 13)', async () => {
    const { app, platform } = await testContext();
    const home = await request(app).get('/');
    expect(home.text).to.contain('href="/privacy"').and.to.contain('href="/note-legali"');
    const privacy = await request(app).get('/privacy');
    expect(privacy.status).to.equal(200);
    const { controller, dpoEmail } = platform.config.centre;
    expect(privacy.text).to.contain(`Il titolare è ${controller}`);
    expect(privacy.text).to.contain(`href="mailto:${dpoEmail}"`);
    for (const heading of ['Finalità e base giuridica', 'Per quanto tempo', 'I tuoi diritti', 'Garante per la protezione dei dati personali']) expect(privacy.text).to.contain(heading);
    const legal = await request(app).get('/note-legali');
    expect(legal.status).to.equal(200);
    expect(legal.text).to.contain('CC BY 4.0');
    // The accessibility statement no longer carries the two notices as a sentence each.
    expect((await request(app).get('/accessibilita')).text).not.to.contain('id="privacy"');
  });
});
