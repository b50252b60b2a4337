// Requests taken by phone, e-mail, at the counter or in a meeting: staff record them for a body and one
// of its users (or a named person without an account); the body sees them like its own; the report
// counts them per channel.
import { expect } from 'chai';
import { createUser } from '../../helpers/factories.js';
import { bodyWithUsers, count, freshStaff, pdf, requestRow, type CsrfAgent } from './helpers.js';

async function record(agent: CsrfAgent, fields: Record<string, string>, files: Array<{ buffer: Buffer; name: string }> = []) {
  const token = await agent.csrf('/richieste/registra');
  let req = agent.post(`/richieste/registra`).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const f of files) req = req.attach('attachments', f.buffer, f.name);
  return req;
}

const fields = (overrides: Record<string, string> = {}) => ({
  channel: 'telefono',
  category: 'technical',
  priority: 'normal',
  subject: `Telefonata: PEC non riceve ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
  description: 'La segreteria ha chiamato: la casella PEC del protocollo non riceve da ieri.',
  ...overrides,
});

const idOf = (location: string) => Number(/\/richieste\/(\d+)$/.exec(location)?.[1]);

describe('desk: requests recorded by staff for a body (phone, e-mail, counter, meeting)', () => {
  it('staff record a phone request for a user of a body; the body sees it like its own, with the channel', async () => {
    const { body, member, rtdAgent } = await bodyWithUsers();
    const { user: staff, agent } = await freshStaff();
    const step1 = await agent.get('/richieste/registra');
    expect(step1.status).to.equal(200);
    expect(step1.text).to.contain(body.name);
    const step2 = await agent.get(`/richieste/registra?ente=${body.id}`);
    expect(step2.status).to.equal(200);
    expect(step2.text).to.contain(member.email);
    const f = fields({ entityId: String(body.id), requesterId: String(member.id) });
    const res = await record(agent, f, [{ buffer: pdf(), name: 'schermata.pdf' }]);
    expect(res.status, res.text.slice(0, 1500)).to.equal(302);
    const row = await requestRow(idOf(res.headers.location));
    expect(row.entityId).to.equal(body.id);
    expect(row.requesterId).to.equal(member.id);
    expect(row.channel).to.equal('telefono');
    expect(row.recordedBy).to.equal(staff.id);
    // Another user of the body (not the requester) sees it in the list and opens it.
    const list = await rtdAgent.get('/richieste');
    expect(list.text).to.contain(f.subject);
    const page = await rtdAgent.get(`/richieste/${row.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('canale: Telefono');
    expect(page.text).to.contain('schermata.pdf');
  });

  it('a request for a named person of the body without an account keeps the name, e-mail and phone', async () => {
    const { body, memberAgent } = await bodyWithUsers();
    const { agent } = await freshStaff();
    const res = await record(agent, fields({ entityId: String(body.id), channel: 'sportello', contactName: 'Giovanna Ferrari', contactEmail: 'G.Ferrari@Comune.Example.it', contactPhone: '+39 030 123456' }));
    expect(res.status, res.text.slice(0, 1500)).to.equal(302);
    const row = await requestRow(idOf(res.headers.location));
    expect(row.requesterId).to.equal(null);
    expect([row.contactName, row.contactEmail, row.contactPhone, row.channel]).to.deep.equal(['Giovanna Ferrari', 'g.ferrari@comune.example.it', '+39 030 123456', 'sportello']);
    const page = await memberAgent.get(`/richieste/${row.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Per conto di Giovanna Ferrari');
    expect(page.text).to.contain('canale: Sportello');
    // The contact details are for staff.
    expect(page.text).to.not.contain('+39 030 123456');
    expect((await agent.get(`/richieste/${row.id}`)).text).to.contain('+39 030 123456');
  });

  it('bad input: no body, no requester, a user of another body, a bad channel or e-mail — Italian messages next to the fields, input kept, nothing saved', async () => {
    const { body } = await bodyWithUsers();
    const other = await bodyWithUsers();
    const { agent } = await freshStaff();
    const subject = `Da non salvare ${Date.now().toString(36)}`;
    const saved = () => count('SELECT count(*) AS n FROM desk_requests WHERE subject = :subject', { subject });
    const cases: Array<[Record<string, string>, string]> = [
      [fields({ subject, requesterId: String(other.member.id) }), 'Scegli l’ente per cui registri la richiesta.'],
      [fields({ subject, entityId: String(body.id) }), 'Scegli un utente dell’ente o scrivi il nome della persona senza account.'],
      [fields({ subject, entityId: String(body.id), requesterId: String(other.member.id) }), 'Questa persona non è un utente attivo dell’ente scelto.'],
      [fields({ subject, entityId: String(body.id), contactName: 'Mario Rossi', channel: 'piccione' }), 'Scegli il canale da cui è arrivata la richiesta.'],
      [fields({ subject, entityId: String(body.id), contactName: 'Mario Rossi', contactEmail: 'mario@' }), 'Scrivi un indirizzo email valido'],
      [fields({ subject, entityId: '2147483000', contactName: 'Mario Rossi' }), 'Scegli l’ente per cui registri la richiesta.'],
    ];
    for (const [f, message] of cases) {
      const res = await record(agent, f);
      expect(res.status, `${JSON.stringify(f)}: ${res.text.slice(0, 500)}`).to.equal(422);
      expect(res.text).to.contain(message);
      // Without a known body the form goes back to step 1 (choosing the body); otherwise it keeps what was typed.
      if (f.entityId && f.entityId !== '2147483000') expect(res.text).to.contain(subject);
    }
    expect(await saved()).to.equal(0);
  });

  it('body users cannot record requests for a body (their own or another), nothing saved', async () => {
    const { body, member, rtdAgent } = await bodyWithUsers();
    const subject = `Registrazione rifiutata ${Date.now().toString(36)}`;
    expect((await rtdAgent.get('/richieste/registra')).status).to.equal(403);
    const res = await record(rtdAgent, fields({ subject, entityId: String(body.id), requesterId: String(member.id) })).catch((e: { status?: number }) => e);
    expect((res as { status: number }).status).to.equal(403);
    expect(await count('SELECT count(*) AS n FROM desk_requests WHERE subject = :subject', { subject })).to.equal(0);
  });

  it('tenancy: a request recorded for body E is a 404 for a member of body F', async () => {
    const e = await bodyWithUsers();
    const f = await bodyWithUsers();
    const { agent } = await freshStaff();
    const res = await record(agent, fields({ entityId: String(e.body.id), channel: 'riunione', requesterId: String(e.rtd.id) }));
    const id = idOf(res.headers.location);
    expect((await f.memberAgent.get(`/richieste/${id}`)).status).to.equal(404);
    expect((await f.memberAgent.get('/richieste')).text).to.not.contain(`/richieste/${id}"`);
  });

  it('the report counts requests per channel', async () => {
    const { body, member } = await bodyWithUsers();
    const { agent } = await freshStaff();
    const before = await agent.get('/richieste/report.csv?table=canale');
    const countOf = (csv: string, label: string) => Number(csv.split(/\r\n/).find((l) => l.startsWith(`${label};`))?.split(';')[1] ?? 0);
    const other = await createUser('member', body.id);
    for (const [channel, requesterId] of [['telefono', member.id], ['telefono', other.id], ['email', member.id]] as const) {
      const res = await record(agent, fields({ entityId: String(body.id), channel, requesterId: String(requesterId) }));
      expect(res.status).to.equal(302);
    }
    const after = await agent.get('/richieste/report.csv?table=canale');
    expect(countOf(after.text, 'Telefono') - countOf(before.text, 'Telefono')).to.equal(2);
    expect(countOf(after.text, 'E-mail') - countOf(before.text, 'E-mail')).to.equal(1);
    const page = await agent.get('/richieste/report');
    expect(page.text).to.contain('Richieste per canale');
  });
});
