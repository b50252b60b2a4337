import { Writable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { appDeps } from '../../src/boot.js';
import { createLogger, redactUrl } from '../../src/platform/logger.js';
import { testContext } from '../helpers/app.js';
import { csrfFrom, DEMO_PASSWORD } from '../helpers/http.js';

/** The app with its logger writing into `lines`, one JSON line per entry. */
async function loggedApp() {
  const { platform } = await testContext();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger('info', sink);
  const logged = { ...platform, log };
  return { ...(await createApp(logged, appDeps(logged))), lines };
}

describe('logs never carry secrets', () => {
  it('redacts the session cookie, the CSRF token, the password and the token of a link from request logs', async () => {
    const { app, close, lines } = await loggedApp();
    try {
      const agent = request.agent(app);
      const csrf = csrfFrom((await agent.get('/login')).text);
      const login = await agent.post('/login').type('form').set('Authorization', 'Basic c2VncmV0bzpzZWdyZXRv').send({ _csrf: csrf, email: 'admin@cithub.example', password: DEMO_PASSWORD });
      expect(login.status).to.equal(302);
      const sid = String(login.headers['set-cookie']).match(/cithub\.sid=([^;]+)/)![1];
      const profile = await agent.get('/profilo');
      expect(profile.status).to.equal(200);
      const linkToken = 'questo-token-di-invito-resta-segreto-1234567890';
      await agent.get(`/invito/${linkToken}`);
      await agent.get(`/profilo?_csrf=${csrfFrom(profile.text)}`);

      const text = lines.join('');
      expect(text).to.contain('"url":"/profilo"');
      for (const secret of [sid, decodeURIComponent(sid), csrf, csrfFrom(profile.text), DEMO_PASSWORD, linkToken, 'c2VncmV0bzpzZWdyZXRv']) expect(text).not.to.contain(secret);
      expect(text).to.contain('[Redacted]');
    } finally {
      await close();
    }
  });

  it('logs a request as its method, path, status and time only: no headers, no query secrets, no body', async () => {
    const { app, close, lines } = await loggedApp();
    try {
      const res = await request(app).get('/catalogo?q=protocollo').set('User-Agent', 'agente-del-test').set('Accept-Language', 'it-IT');
      expect(res.status).to.equal(200);
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => (e.req as { url?: string } | undefined)?.url === '/catalogo?q=protocollo');
      expect(entries, 'one line for the request').to.have.length(1);
      const entry = entries[0] as { req: Record<string, unknown>; res: Record<string, unknown>; responseTime: unknown };
      expect(Object.keys(entry.req).sort()).to.deep.equal(['id', 'method', 'url']);
      expect(entry.req.method).to.equal('GET');
      expect(entry.res).to.deep.equal({ statusCode: 200 });
      expect(entry.responseTime).to.be.a('number');
      expect(lines.join('')).not.to.contain('agente-del-test');
      expect(lines.join('')).not.to.contain('it-IT');
    } finally {
      await close();
    }
  });

  it('takes the token of an emailed link and secret query values out of a URL', () => {
    expect(redactUrl('/invito/abc_DEF-123?x=1')).to.equal('/invito/[Redacted]?x=1');
    expect(redactUrl('/password/reimposta/abc')).to.equal('/password/reimposta/[Redacted]');
    expect(redactUrl('/sondaggio/abc')).to.equal('/sondaggio/[Redacted]');
    expect(redactUrl('/desk/1/allegati?_csrf=segreto&a=b')).to.equal('/desk/1/allegati?_csrf=[Redacted]&a=b');
    expect(redactUrl('/catalogo?q=invito')).to.equal('/catalogo?q=invito');
  });
});
