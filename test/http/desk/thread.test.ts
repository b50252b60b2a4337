import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { User } from '../../../src/modules/accounts/models.js';
import { autoCloseDue, SYSTEM_NAME } from '../../../src/modules/desk/service.js';
import { testContext } from '../../helpers/app.js';
import { allDelivered, mailJobsTo } from '../../helpers/mail.js';
import { bodyWithUsers, count, freshStaff, openRequest, pdf, post, postMessage, requestRow } from './helpers.js';

const states = async (id: number) => {
  const { platform } = await testContext();
  const rows = await platform.sequelize.query<{ kind: string; from_value: string | null; to_value: string; actor_name: string }>(
    `SELECT kind, from_value, to_value, actor_name FROM desk_events WHERE request_id = :id ORDER BY at, id`,
    { replacements: { id }, type: QueryTypes.SELECT },
  );
  return rows;
};

describe('desk: thread, states and notifications', () => {
  it('"Chiedi informazioni al richiedente" opens the reply set to wait: the SLA never pauses without the question', async () => {
    const { memberAgent } = await bodyWithUsers();
    const { agent: staff } = await freshStaff();
    const id = await openRequest(memberAgent, { subject: 'Conservazione dei verbali di gara' });
    expect((await postMessage(staff, id, { internal: '', body: 'Presa in carico.', then: 'in_progress' })).status).to.equal(302);
    const page = await staff.get(`/richieste/${id}`);
    expect(page.text).to.contain(`href="/richieste/${id}?chiedi=1#reply-title"`);
    expect(page.text).not.to.contain('value="ask_requester"');
    const asking = await staff.get(`/richieste/${id}?chiedi=1`);
    expect(asking.text).to.contain('Scrivi qui la domanda per il richiedente');
    expect(asking.text).to.match(/<option value="waiting" selected/);
    // The bare state change is refused, with the way to do it, and nothing moves.
    const bare = await post(staff, `/richieste/${id}/stato`, { action: 'ask_requester' });
    expect(bare.status).to.equal(302);
    expect((await requestRow(id)).state).to.equal('in_progress');
    expect((await staff.get(`/richieste/${id}`)).text).to.contain('scrivi la domanda nel modulo di risposta');
    // A member of the body is not offered the form set to wait.
    expect((await memberAgent.get(`/richieste/${id}?chiedi=1`)).text).not.to.contain('Scrivi qui la domanda per il richiedente');
  });

  it('staff assign, reply and wait; the body replies; staff resolve; it closes by itself — with history and emails', async () => {
    const { inbox } = await testContext();
    const { member, memberAgent } = await bodyWithUsers();
    const { user: operator, agent: staff } = await freshStaff();
    const { agent: supervisor } = await freshStaff();
    const id = await openRequest(memberAgent, { subject: 'Pubblicazione degli atti in albo online' });

    // Assignment by a colleague: the operator is told, the requester sees the new state.
    expect((await post(supervisor, `/richieste/${id}/assegna`, { assigneeId: String(operator.id) })).status).to.equal(302);
    expect((await requestRow(id)).state).to.equal('assigned');
    const assigned = await inbox.waitFor(operator.email, new RegExp(`Richiesta n\\. ${id} .*assegnata a te`));
    expect(assigned.text).to.contain(`/richieste/${id}`);
    await inbox.waitFor(member.email, new RegExp(`Richiesta n\\. ${id} .*stato «Assegnata»`));

    // A public reply that asks the requester for information.
    const reply = await postMessage(staff, id, { internal: '', body: 'Ci inviate la delibera di approvazione del regolamento?', then: 'waiting' }, [{ buffer: pdf(), name: 'schema.pdf' }]);
    expect(reply.status).to.equal(302);
    const afterReply = await requestRow(id);
    expect(afterReply.state).to.equal('waiting');
    expect(afterReply.firstResponseAt).to.be.instanceOf(Date);
    const replyMail = await inbox.waitFor(member.email, new RegExp(`Richiesta n\\. ${id} .*nuova risposta, stato «In attesa del richiedente»`));
    expect(replyMail.text).to.contain('Ci inviate la delibera di approvazione del regolamento?');
    expect(replyMail.text).to.contain('schema.pdf');
    expect(replyMail.text).to.contain(`/richieste/${id}`);

    // The body's reply brings it back to work and tells the assignee.
    expect((await postMessage(memberAgent, id, { body: 'Eccola in allegato.' }, [{ buffer: pdf(), name: 'delibera.pdf' }])).status).to.equal(302);
    expect((await requestRow(id)).state).to.equal('in_progress');
    const bodyReply = await inbox.waitFor(operator.email, new RegExp(`Richiesta n\\. ${id} .*nuova risposta da`));
    expect(bodyReply.text).to.contain('Eccola in allegato.');

    // Resolve, then the auto-close job closes it after the configured business days.
    expect((await post(staff, `/richieste/${id}/stato`, { action: 'resolve' })).status).to.equal(302);
    expect((await requestRow(id)).state).to.equal('resolved');
    await inbox.waitFor(member.email, new RegExp(`Richiesta n\\. ${id} .*stato «Risolta»`));
    // Another body's resolved request, due as well: the run is scoped to this test's request, so it stays resolved.
    const control = await bodyWithUsers();
    const other = await openRequest(control.memberAgent, { subject: 'Richiesta di controllo per la chiusura automatica' });
    expect((await postMessage(staff, other, { internal: '', body: 'Risolta subito.', then: 'resolved' })).status).to.equal(302);
    expect((await requestRow(other)).state).to.equal('resolved');
    const { platform } = await testContext();
    expect(await autoCloseDue(platform, { now: new Date(Date.now() + 3 * 86_400_000), ids: [id] })).to.deep.equal([]);
    expect(await autoCloseDue(platform, { now: new Date(Date.now() + 30 * 86_400_000), ids: [id] })).to.deep.equal([id]);
    expect((await requestRow(other)).state).to.equal('resolved');
    const closed = await requestRow(id);
    expect(closed.state).to.equal('closed');
    expect(closed.resolutionMet).to.equal(true);
    await inbox.waitFor(member.email, new RegExp(`Richiesta n\\. ${id} .*come valuti la risposta`));

    const history = await states(id);
    expect(history.filter((e) => e.kind === 'state').map((e) => `${e.from_value}>${e.to_value}`)).to.deep.equal([
      'new>assigned',
      'assigned>in_progress',
      'in_progress>waiting',
      'waiting>in_progress',
      'in_progress>resolved',
      'resolved>closed',
    ]);
    // The system's name is stored as a Message, so the history names it in the reader's language.
    expect(history.at(-1)!.actor_name).to.equal(SYSTEM_NAME);
    const page = await memberAgent.get(`/richieste/${id}`);
    expect(page.text).to.contain('Cronologia');
    expect(page.text).to.contain('<strong>Chiusa</strong> (Sistema)');
    expect(page.text).to.contain(operator.name);
  });

  it('a body reply to a resolved request reopens it; a reply to a closed request is refused with a clear message and nothing saved', async () => {
    const { memberAgent } = await bodyWithUsers();
    const { agent: staff } = await freshStaff();
    const id = await openRequest(memberAgent);
    await postMessage(staff, id, { internal: '', body: 'Ecco il parere.', then: 'resolved' });
    expect((await requestRow(id)).state).to.equal('resolved');
    await postMessage(memberAgent, id, { body: 'Manca un punto.' });
    expect((await requestRow(id)).state).to.equal('in_progress');
    await post(staff, `/richieste/${id}/stato`, { action: 'resolve' });
    await post(staff, `/richieste/${id}/stato`, { action: 'close' });
    expect((await requestRow(id)).state).to.equal('closed');

    const before = await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :id', { id });
    const res = await postMessage(memberAgent, id, { body: 'Un’ultima domanda dopo la chiusura' }, [{ buffer: pdf(), name: 'tardivo.pdf' }]);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('La richiesta è chiusa: per continuare apri una nuova richiesta.');
    expect(await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :id', { id })).to.equal(before);
    expect(await count('SELECT count(*) AS n FROM desk_attachments WHERE request_id = :id', { id })).to.equal(0);
    expect((await requestRow(id)).state).to.equal('closed');
  });

  it('refuses an empty reply with an Italian message', async () => {
    const { memberAgent } = await bodyWithUsers();
    const id = await openRequest(memberAgent);
    const res = await postMessage(memberAgent, id, { body: '  ' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Scrivi il testo del messaggio.');
  });

  it('refuses a state change the table does not allow, with a message', async () => {
    const { memberAgent } = await bodyWithUsers();
    const { agent: staff } = await freshStaff();
    const id = await openRequest(memberAgent);
    const res = await post(staff, `/richieste/${id}/stato`, { action: 'close' });
    expect(res.status).to.equal(302);
    const page = await staff.get(`/richieste/${id}`);
    expect(page.text).to.contain('La richiesta è «Nuova»: l’operazione «Chiudi» non è possibile.');
    expect((await requestRow(id)).state).to.equal('new');
  });

  describe('internal notes never reach the body', () => {
    const note = `NOTA-INTERNA-${Date.now().toString(36)}: il sindaco non deve saperlo`;
    let id: number;
    let memberEmail: string;
    let bodyAgent: Awaited<ReturnType<typeof bodyWithUsers>>['memberAgent'];
    let staffAgent: Awaited<ReturnType<typeof freshStaff>>['agent'];
    let staffEmail: string;

    before(async () => {
      const { inbox } = await testContext();
      const b = await bodyWithUsers();
      bodyAgent = b.memberAgent;
      memberEmail = b.member.email;
      const s = await freshStaff();
      staffAgent = s.agent;
      id = await openRequest(bodyAgent, { subject: 'Richiesta con note interne' });
      await post(staffAgent, `/richieste/${id}/assegna`, { assigneeId: String(s.user.id) });
      // A note with an attachment and a state change, then a public reply: only the reply is for the body.
      expect((await postMessage(staffAgent, id, { internal: 'on', body: note }, [{ buffer: pdf(note), name: 'appunti-riservati.pdf' }])).status).to.equal(302);
      expect((await postMessage(staffAgent, id, { internal: 'on', body: `${note} (bis)`, then: 'in_progress' })).status).to.equal(302);
      expect((await postMessage(staffAgent, id, { internal: '', body: 'Risposta pubblica all’ente.' })).status).to.equal(302);
      // Another operator writes a note: the assignee is told, with the note (staff only).
      const other = await freshStaff();
      await postMessage(other.agent, id, { internal: 'on', body: `${note} (da un collega)` });
      staffEmail = s.user.email;
      await inbox.waitFor(memberEmail, new RegExp(`Richiesta n\\. ${id} .*nuova risposta`));
      await inbox.waitFor(staffEmail, new RegExp(`Richiesta n\\. ${id} .*nota interna`));
      await allDelivered(inbox, memberEmail);
      await allDelivered(inbox, staffEmail);
    });

    it('is shown to staff, marked as internal', async () => {
      const page = await staffAgent.get(`/richieste/${id}`);
      expect(page.text).to.contain(note);
      expect(page.text).to.contain('Nota interna: non visibile all’ente');
      expect(page.text).to.contain('appunti-riservati.pdf');
    });

    it('is absent from every page the body can see (request, list, search, home)', async () => {
      for (const path of [`/richieste/${id}`, '/richieste', '/richieste?state=all', '/richieste?q=sindaco', '/', '/conoscenza']) {
        const res = await bodyAgent.get(path);
        expect(res.status, path).to.equal(200);
        expect(res.text, path).to.not.contain('NOTA-INTERNA');
        expect(res.text, path).to.not.contain('non deve saperlo');
        expect(res.text, path).to.not.contain('appunti-riservati.pdf');
      }
    });

    it('its attachment cannot be downloaded by the body', async () => {
      const staffPage = await staffAgent.get(`/richieste/${id}`);
      const attachmentId = /\/allegati\/(\d+)"[^>]*>appunti-riservati\.pdf/.exec(staffPage.text)![1];
      expect((await staffAgent.get(`/richieste/${id}/allegati/${attachmentId}`)).status).to.equal(200);
      expect((await bodyAgent.get(`/richieste/${id}/allegati/${attachmentId}`)).status).to.equal(404);
    });

    it('is absent from the CSV exports, the body’s and the staff’s', async () => {
      const bodyCsv = await bodyAgent.get('/richieste/export.csv?state=all');
      expect(bodyCsv.status).to.equal(200);
      expect(bodyCsv.text).to.contain('Richiesta con note interne');
      expect(bodyCsv.text).to.not.contain('NOTA-INTERNA');
      const staffCsv = await staffAgent.get(`/richieste/export.csv?state=all&q=${id}`);
      expect(staffCsv.text).to.contain('Richiesta con note interne');
      expect(staffCsv.text).to.not.contain('NOTA-INTERNA');
    });

    it('is absent from every email to the body, and present only in the email to the assignee', async () => {
      const { inbox } = await testContext();
      const toBody = inbox.all(memberEmail);
      expect(toBody.length).to.be.greaterThan(0);
      for (const m of toBody) {
        expect(m.text).to.not.contain('NOTA-INTERNA');
        expect(m.html).to.not.contain('NOTA-INTERNA');
        expect(m.subject).to.not.contain('nota');
      }
      const toAssignee = inbox.all(staffEmail).filter((m) => m.subject.includes('nota interna'));
      expect(toAssignee).to.have.length(1);
      expect(toAssignee[0].text).to.contain('(da un collega)');
    });

    it('cannot be written by a body user', async () => {
      const before = await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :id', { id });
      const res = await postMessage(bodyAgent, id, { internal: 'on', body: 'Provo a scrivere una nota interna' });
      expect(res.status).to.equal(403);
      expect(await count('SELECT count(*) AS n FROM desk_messages WHERE request_id = :id', { id })).to.equal(before);
    });
  });

  it('honours the profile opt-out: no optional email to a requester who turned them off', async () => {
    const { inbox } = await testContext();
    const { member, memberAgent } = await bodyWithUsers();
    const control = await bodyWithUsers();
    const { agent: staff } = await freshStaff();
    await User.update({ notifyOptional: false }, { where: { id: member.id } });
    const quiet = await openRequest(memberAgent, { subject: 'Richiesta di chi non vuole email' });
    const loud = await openRequest(control.rtdAgent);
    await postMessage(staff, quiet, { internal: '', body: 'Risposta che non arriva per email.', then: 'resolved' });
    await postMessage(staff, loud, { internal: '', body: 'Risposta di controllo.' });
    await inbox.waitFor(control.rtd.email, new RegExp(`Richiesta n\\. ${loud} .*nuova risposta`));
    // Mail is enqueued with the change: nothing was for the requester who opted out.
    expect(await mailJobsTo(member.email)).to.deep.equal([]);
    expect(inbox.all(member.email)).to.have.length(0);
  });
});
