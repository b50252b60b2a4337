// The desk's writes under load: each runs on the one pooled connection of its transaction (a
// statement of its own outside it waits for a second connection, and with every connection held by
// such a transaction the process deadlocks until the pool's timeout); a refused reply leaves nothing
// behind; a reply's mail is enqueued once, with the change; the SLA figures written with a new
// request are those its history gives.
import { AsyncLocalStorage } from 'node:async_hooks';
import { expect } from 'chai';
import { deskConfig } from '../../../src/modules/desk/config.js';
import { loadHistory, slaOf } from '../../../src/modules/desk/service.js';
import { testContext } from '../../helpers/app.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { bodyWithUsers, count, executable, freshStaff, openRequest, pdf, post, postMessage, requestRow } from './helpers.js';

/** Runs `fn` and returns the statements that ran outside a transaction while a transaction's callback was running. */
async function statementsBesideTransactions(fn: () => Promise<void>): Promise<string[]> {
  const { platform } = await testContext();
  const sequelize = platform.sequelize;
  const inside = new AsyncLocalStorage<boolean>();
  const original = sequelize.transaction;
  const outside: string[] = [];
  (sequelize as unknown as { transaction: (...args: unknown[]) => unknown }).transaction = (...args: unknown[]) =>
    typeof args[args.length - 1] === 'function' ? inside.run(true, () => (original as (...a: unknown[]) => unknown).apply(sequelize, args)) : (original as (...a: unknown[]) => unknown).apply(sequelize, args);
  sequelize.addHook('beforeQuery', 'desk-writes-test', (options, query) => {
    if (inside.getStore() && !(options as { transaction?: unknown }).transaction) outside.push(String((query as unknown as { sql?: string }).sql || (options as { type?: string }).type || 'statement').slice(0, 200));
  });
  try {
    await fn();
  } finally {
    sequelize.removeHook('beforeQuery', 'desk-writes-test');
    sequelize.transaction = original;
  }
  return outside;
}

describe('desk: writes', () => {
  it('opening, replying, assigning, classifying and closing use only the connection of their transaction', async () => {
    const { memberAgent } = await bodyWithUsers();
    const { user: operator, agent: staff } = await freshStaff();
    let id = 0;
    const outside = await statementsBesideTransactions(async () => {
      id = await openRequest(memberAgent, { subject: 'Una richiesta sotto carico' }, [{ buffer: pdf(), name: 'allegato.pdf' }]);
      expect((await postMessage(staff, id, { internal: '', body: 'Presa in carico.', then: '' })).status).to.equal(302);
      expect((await postMessage(memberAgent, id, { body: 'Grazie, attendiamo.' })).status).to.equal(302);
      expect((await post(staff, `/richieste/${id}/assegna`, { assigneeId: String(operator.id) })).status).to.equal(302);
      expect((await post(staff, `/richieste/${id}/classifica`, { category: 'technical', priority: 'high' })).status).to.equal(302);
      expect((await post(staff, `/richieste/${id}/stato`, { action: 'resolve' })).status).to.equal(302);
      expect((await post(staff, `/richieste/${id}/stato`, { action: 'close' })).status).to.equal(302);
    });
    // The writes did happen (a refused one would also have used no second connection).
    expect((await requestRow(id)).state).to.equal('closed');
    expect(await count('SELECT count(*) AS n FROM desk_surveys WHERE request_id = :id', { id })).to.equal(1);
    expect(outside).to.deep.equal([]);
  });

  it('a staff reply enqueues its mail to the requester exactly once, with the reply', async () => {
    const { member, memberAgent } = await bodyWithUsers();
    const { agent: staff } = await freshStaff();
    const id = await openRequest(memberAgent, { subject: 'Una risposta e una sola mail' });
    const before = (await mailJobsTo(member.email)).length;
    expect((await postMessage(staff, id, { internal: '', body: 'Ecco come procedere.', then: '' })).status).to.equal(302);
    const mails = (await mailJobsTo(member.email)).slice(before);
    expect(mails).to.have.length(1);
    expect(mails[0]).to.match(new RegExp(`Richiesta n\\. ${id} .*nuova risposta`));
  });

  it('a reply refused half-way (its second file is an executable) leaves no message, no file, no history, no audit and no mail', async () => {
    const { member, memberAgent } = await bodyWithUsers();
    const { agent: staff } = await freshStaff();
    const id = await openRequest(memberAgent, { subject: 'Una risposta rifiutata' });
    const mailsBefore = (await mailJobsTo(member.email)).length;
    const events = await count('SELECT count(*) AS n FROM desk_events WHERE request_id = :id', { id });
    const name = `parere-${id}.pdf`;
    // The message and the first file are written before the second is refused: all of it goes.
    const res = await postMessage(staff, id, { internal: '', body: 'Testo che resta nel modulo.', then: '' }, [
      { buffer: pdf(), name },
      { buffer: executable(), name: `eseguibile-${id}.pdf` },
    ]);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Testo che resta nel modulo.');
    expect(await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :id', { id })).to.equal(0);
    expect(await count('SELECT count(*) AS n FROM desk_attachments WHERE request_id = :id', { id })).to.equal(0);
    expect(await count('SELECT count(*) AS n FROM stored_files WHERE original_name = :name', { name })).to.equal(0);
    expect(await count('SELECT count(*) AS n FROM desk_events WHERE request_id = :id', { id })).to.equal(events);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE subject_type = 'desk_request' AND subject_id = :id AND action = 'desk.reply-posted'", { id: String(id) })).to.equal(0);
    expect((await mailJobsTo(member.email)).length).to.equal(mailsBefore);
    const row = await requestRow(id);
    expect(row.state).to.equal('new');
    expect(row.messageCount).to.equal(0);
    expect(row.firstResponseAt).to.equal(null);
  });

  it('a new request is written with the SLA figures its history gives', async () => {
    const { platform } = await testContext();
    const { memberAgent } = await bodyWithUsers();
    const id = await openRequest(memberAgent, { subject: 'Scadenze calcolate alla creazione', category: 'procurement' });
    const row = await requestRow(id);
    const sla = slaOf(row, (await loadHistory([id])).get(id)!, await deskConfig(platform.sequelize), row.createdAt);
    expect(row.firstResponseDueAt?.toISOString()).to.equal(sla.firstResponse.dueAt?.toISOString());
    expect(row.resolutionDueAt?.toISOString()).to.equal(sla.resolution.dueAt?.toISOString());
    expect(row.firstResponseDueAt).to.not.equal(null);
    expect([row.firstResponseMinutes, row.firstResponseMet, row.resolutionMinutes, row.resolutionMet]).to.deep.equal([null, null, null, null]);
  });
});
