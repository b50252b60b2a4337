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
