// A member of body E never sees or changes anything of body F by changing an id in a URL or form.
import { expect } from 'chai';
import { bodyWithUsers, count, openRequest, pdf, post, postMessage, requestRow, type CsrfAgent } from './helpers.js';

describe('desk: tenancy between bodies', () => {
  let intruder: CsrfAgent;
  let victimAgent: CsrfAgent;
  let victimBodyId: number;
  let requestId: number;
  let attachmentId: string;
  const secret = `Dettaglio riservato del comune ${Date.now().toString(36)}`;

  before(async () => {
    const victim = await bodyWithUsers();
    victimAgent = victim.memberAgent;
    victimBodyId = victim.body.id;
    requestId = await openRequest(victimAgent, { subject: secret, description: secret }, [{ buffer: pdf(), name: 'riservato.pdf' }]);
    const page = await victimAgent.get(`/richieste/${requestId}`);
    attachmentId = /\/allegati\/(\d+)"/.exec(page.text)![1];
    intruder = (await bodyWithUsers()).rtdAgent;
  });

  const refused = (status: number) => expect([403, 404]).to.include(status);
  // Another body's records answer like missing ones (404), so an id tells nobody that they exist.
  const hidden = (status: number) => expect(status).to.equal(404);

  it('GET /richieste/:id of another body: a 404 like a missing request, without the data, audited', async () => {
    const audited = `SELECT count(*) AS n FROM audit_log WHERE action = 'permission.denied' AND details->>'reason' = 'desk.request-other-body' AND details->>'path' = :path`;
    const before = await count(audited, { path: `/richieste/${requestId}` });
    const res = await intruder.get(`/richieste/${requestId}`);
    hidden(res.status);
    expect(res.text).to.not.contain(secret);
    expect(res.text).to.equal((await intruder.get('/richieste/2147483000')).text.replace(/2147483000/g, String(requestId)));
    expect(await count(audited, { path: `/richieste/${requestId}` })).to.equal(before + 1);
  });

  it('GET an attachment of another body’s request: refused', async () => {
    const res = await intruder.get(`/richieste/${requestId}/allegati/${attachmentId}`);
    hidden(res.status);
    expect(res.headers['content-disposition']).to.equal(undefined);
  });

  it('an attachment id taken from another request cannot be read through one’s own request', async () => {
    const own = await bodyWithUsers();
    const ownId = await openRequest(own.memberAgent);
    const res = await own.memberAgent.get(`/richieste/${ownId}/allegati/${attachmentId}`);
    expect(res.status).to.equal(404);
  });

  it('POST a reply to another body’s request: refused, nothing saved', async () => {
    const before = await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :requestId', { requestId });
    const res = await postMessage(intruder, requestId, { body: 'Messaggio intruso' });
    hidden(res.status);
    expect(await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :requestId', { requestId })).to.equal(before);
  });

  it('POST a state change, an assignment or a classification: refused for body users, even on their own requests', async () => {
    for (const [path, fields] of [
      [`/richieste/${requestId}/stato`, { action: 'resolve' }],
      [`/richieste/${requestId}/assegna`, { assigneeId: '1' }],
      [`/richieste/${requestId}/classifica`, { category: 'other', priority: 'urgent' }],
    ] as const) {
      refused((await post(intruder, path, fields)).status);
      refused((await post(victimAgent, path, fields)).status);
    }
    const row = await requestRow(requestId);
    expect(row.state).to.equal('new');
    expect(row.priority).to.equal('normal');
    expect(row.assigneeId).to.equal(null);
  });

  it('POST a bulk assignment: staff only', async () => {
    refused((await post(intruder, '/richieste/assegna', { ids: [String(requestId)], assigneeId: '1' })).status);
    expect((await requestRow(requestId)).assigneeId).to.equal(null);
  });

  it('the list, its filters and the CSV never show another body’s requests', async () => {
    const list = await intruder.get(`/richieste?entity=${victimBodyId}&state=all`);
    expect(list.status).to.equal(200);
    expect(list.text).to.not.contain(secret);
    const csv = await intruder.get(`/richieste/export.csv?entity=${victimBodyId}&state=all`);
    expect(csv.status).to.equal(200);
    expect(csv.text).to.not.contain(secret);
    const search = await intruder.get(`/richieste?q=${requestId}`);
    expect(search.text).to.not.contain(secret);
  });

  it('the staff pages (report, report CSV, settings) are refused to body users', async () => {
    refused((await intruder.get('/richieste/report')).status);
    refused((await intruder.get('/richieste/report.csv?table=ente')).status);
    refused((await intruder.get('/admin/calendario')).status);
    refused((await intruder.get('/admin/sportello')).status);
    refused((await intruder.get(`/conoscenza/nuovo?richiesta=${requestId}`)).status);
  });

  it('junk ids give 404, never 500', async () => {
    for (const path of ['/richieste/abc', '/richieste/-1', '/richieste/99999999999', '/richieste/0', `/richieste/${requestId}/allegati/xyz`]) {
      expect((await victimAgent.get(path)).status, path).to.equal(404);
    }
  });
});
