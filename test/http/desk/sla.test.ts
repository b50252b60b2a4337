import { expect } from 'chai';
import { DeskRequest } from '../../../src/modules/desk/models.js';
import { deskConfig } from '../../../src/modules/desk/config.js';
import { applySla, createRequest, loadHistory, postMessage, slaCheck } from '../../../src/modules/desk/service.js';
import { CALENDAR_SETTING, setSetting } from '../../../src/platform/settings.js';
import { testContext } from '../../helpers/app.js';
import { loginAs } from '../../helpers/http.js';
import { actorOf, bodyWithUsers, freshStaff, post, requestFields, requestRow, type CsrfAgent } from './helpers.js';

const at = (iso: string) => new Date(iso);

describe('desk: SLA due times, reminders and the business calendar', () => {
  let admin: CsrfAgent;
  before(async () => {
    admin = (await loginAs('admin@cithub.example')) as CsrfAgent;
  });
  after(async () => {
    const { platform } = await testContext();
    await setSetting(platform.sequelize, CALENDAR_SETTING, { localHolidays: [] });
    await setSetting(platform.sequelize, 'desk', {});
  });

  it("shows the comune the centre's missed SLA as the centre's delay, not in alarm red as if the deadline were the comune's", async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    // Opened on a Monday morning two weeks ago: the first-response target has long passed, no one answered.
    const r = await createRequest(platform, actorOf(b.member), requestFields({ category: 'legal', subject: 'Richiesta rimasta senza risposta' }), [], at('2026-11-16T08:00:00Z'));
    const staffQueue = await (await freshStaff()).agent.get(`/richieste?q=${encodeURIComponent('Richiesta rimasta senza risposta')}`);
    expect(staffQueue.text, 'staff still see the breach as theirs').to.contain('desk-due-breached');
    const list = await b.memberAgent.get('/richieste');
    const row = list.text.slice(list.text.indexOf(`/richieste/${r.id}"`));
    const cell = row.slice(0, row.indexOf('</tr>'));
    expect(list.text).to.contain('Tempi di risposta del centro');
    expect(cell).to.contain('il centro è in ritardo');
    expect(cell).not.to.contain('desk-due-breached');
  });

  it('later replies on a running request keep the stored SLA figures a full recomputation from the history gives', async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    const staff = await freshStaff();
    const r = await createRequest(platform, actorOf(b.member), requestFields({ category: 'technical', subject: 'Figure SLA dopo più risposte' }), [], at('2026-11-23T08:00:00Z'));
    await postMessage(platform, actorOf(staff.user), r.id, { body: 'Prima risposta del centro.' }, [], at('2026-11-23T10:00:00Z'));
    const afterFirst = await requestRow(r.id);
    expect(afterFirst.state).to.equal('in_progress');
    // Two days later: another staff reply and one of the body, neither moving the state.
    await postMessage(platform, actorOf(staff.user), r.id, { body: 'Seconda risposta del centro.' }, [], at('2026-11-25T09:00:00Z'));
    await postMessage(platform, actorOf(b.member), r.id, { body: 'Grazie, attendiamo.' }, [], at('2026-11-25T11:00:00Z'));
    const later = await requestRow(r.id);
    expect(later.state).to.equal('in_progress');
    expect(later.messageCount).to.equal(3);
    const fields = (x: typeof later) => [x.firstResponseDueAt?.getTime(), x.resolutionDueAt?.getTime(), Number(x.firstResponseMinutes), x.firstResponseMet, x.resolutionMet];
    expect(fields(later)).to.deep.equal(fields(afterFirst));
    // And they are what the history gives, computed afresh as of now.
    const history = (await loadHistory([r.id])).get(r.id)!;
    applySla(later, history, await deskConfig(platform.sequelize), at('2026-11-25T11:00:00Z'));
    expect(fields(later)).to.deep.equal(fields(afterFirst));
  });

  it('shows due times that skip the weekend and Easter Monday, and move with a local holiday set by the admin', async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    // Friday 3 April 2026, 15:00 in Rome (UTC+2): legal, 8 business hours to answer, 40 to resolve.
    const r = await createRequest(platform, actorOf(b.member), requestFields({ category: 'legal', subject: 'Richiesta del venerdì prima di Pasqua' }), [], at('2026-04-03T13:00:00Z'));
    const staff = (await freshStaff()).agent;
    let page = await staff.get(`/richieste/${r.id}`);
    // Fri 15–17 (2 h), Sat–Sun, Easter Monday 6 April: then Tuesday 7 April 9–15 (6 h).
    expect(page.text).to.contain('Prima risposta: scaduta il 07/04/2026, 15:00');
    // 2 h Fri + 8 h each on Tue, Wed, Thu, Fri (34 h) + 6 h on Monday 13 April.
    expect(page.text).to.contain('Risoluzione: scaduta il 13/04/2026, 15:00');
    expect((await requestRow(r.id)).firstResponseDueAt).to.deep.equal(at('2026-04-07T13:00:00Z'));

    const add = await post(admin, '/admin/calendario/festivita', { date: '2026-04-08', name: 'Chiusura straordinaria degli uffici' });
    expect(add.status).to.equal(302);
    const calendarPage = await admin.get('/admin/calendario');
    expect(calendarPage.text).to.contain('Chiusura straordinaria degli uffici');
    page = await staff.get(`/richieste/${r.id}`);
    expect(page.text).to.contain('Prima risposta: scaduta il 07/04/2026, 15:00');
    expect(page.text).to.contain('Risoluzione: scaduta il 14/04/2026, 15:00');

    const remove = await post(admin, '/admin/calendario/festivita/elimina', { date: '2026-04-08' });
    expect(remove.status).to.equal(302);
    expect((await admin.get('/admin/calendario')).text).to.not.contain('Chiusura straordinaria degli uffici');
  });

  it('pauses the resolution clock while waiting for the requester', async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    const r = await createRequest(platform, actorOf(b.member), requestFields({ category: 'technical' }), [], new Date(Date.now() - 2 * 86_400_000));
    const { agent: staff } = await freshStaff();
    const token = await staff.csrf('/richieste');
    await staff.post(`/richieste/${r.id}/messaggi`).field('_csrf', token).field('internal', '').field('body', 'Ci mandate il log?').field('then', 'waiting');
    const page = await staff.get(`/richieste/${r.id}`);
    expect(page.text).to.contain('Risoluzione: in pausa mentre si attende il richiedente');
    const list = await staff.get(`/richieste?entity=${b.body.id}`);
    expect(list.text).to.contain('In pausa (attesa del richiedente)');
  });

  it('emails the assignee and the supervisors once when a target is about to be missed', async () => {
    const { platform, inbox } = await testContext();
    const b = await bodyWithUsers();
    const assignee = await freshStaff();
    const supervisor = await freshStaff();
    // Monday 7 December 2026, 9:00 in Rome: technical, 4 business hours to answer (due at 13:00).
    const r = await createRequest(platform, actorOf(b.member), requestFields({ category: 'technical', subject: 'Richiesta che sta per scadere' }), [], at('2026-12-07T08:00:00Z'));
    await post(assignee.agent, `/richieste/${r.id}/assegna`, { assigneeId: String(assignee.user.id) });
    expect((await requestRow(r.id)).firstResponseDueAt).to.deep.equal(at('2026-12-07T12:00:00Z'));

    const settings = await admin.get('/admin/sportello');
    expect(settings.status).to.equal(200);
    const values: Record<string, string | string[]> = { autoCloseBusinessDays: '10', warningPercent: '80', supervisorIds: [String(supervisor.user.id)] };
    for (const [c, [f, res]] of Object.entries({ legal: ['8', '40'], strategic: ['16', '80'], procurement: ['8', '40'], technical: ['4', '24'], reuse: ['8', '40'], other: ['16', '40'] })) {
      values[`firstResponse_${c}`] = f;
      values[`resolution_${c}`] = res;
    }
    expect((await post(admin, '/admin/sportello', values)).status).to.equal(302);

    // At 11:00 (half of the time left): nothing. At 12:30 (87% used): a warning to both, once.
    expect((await slaCheck(platform, at('2026-12-07T10:00:00Z'))).map((s) => s.requestId)).to.not.include(r.id);
    const sent = await slaCheck(platform, at('2026-12-07T11:30:00Z'));
    const mine = sent.find((s) => s.requestId === r.id)!;
    expect(mine.recipients).to.have.members([assignee.user.email, supervisor.user.email]);
    const mail = await inbox.waitFor(assignee.user.email, new RegExp(`Richiesta n\\. ${r.id} .*scadenza SLA vicina`));
    expect(mail.text).to.contain('Prima risposta entro 07/12/2026, 13:00');
    expect(mail.text).to.contain('restano 30 min lavorative');
    expect(mail.text).to.contain(`/richieste/${r.id}`);
    await inbox.waitFor(supervisor.user.email, new RegExp(`Richiesta n\\. ${r.id} .*scadenza SLA vicina`));
    expect((await slaCheck(platform, at('2026-12-07T11:45:00Z'))).map((s) => s.requestId)).to.not.include(r.id);
  });

  it('recomputes the stored due times of open requests when the targets change', async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    const r = await createRequest(platform, actorOf(b.member), requestFields({ category: 'other' }), [], at('2026-12-07T08:00:00Z'));
    // 16 business hours from Monday 7 December 9:00: Monday, then (8 December is a holiday) Wednesday until 17:00.
    const before = (await requestRow(r.id)).firstResponseDueAt!;
    expect(before).to.deep.equal(at('2026-12-09T16:00:00Z'));
    const values: Record<string, string> = { autoCloseBusinessDays: '10', warningPercent: '80' };
    for (const [c, [f, res]] of Object.entries({ legal: ['8', '40'], strategic: ['16', '80'], procurement: ['8', '40'], technical: ['4', '24'], reuse: ['8', '40'], other: ['2', '40'] })) {
      values[`firstResponse_${c}`] = f;
      values[`resolution_${c}`] = res;
    }
    expect((await post(admin, '/admin/sportello', values)).status).to.equal(302);
    const deadline = Date.now() + 20_000;
    let after = before;
    while (Date.now() < deadline) {
      after = (await DeskRequest.findByPk(r.id))!.firstResponseDueAt!;
      if (after.getTime() !== before.getTime()) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // Two business hours from Monday 7 December 2026, 9:00 in Rome.
    expect(after).to.deep.equal(at('2026-12-07T10:00:00Z'));
  });

  it('refuses bad calendar and settings input with Italian messages', async () => {
    const badDate = await post(admin, '/admin/calendario/festivita', { date: '02-30', name: 'Giorno che non esiste' });
    expect(badDate.status).to.equal(422);
    expect(badDate.text).to.contain('La data non esiste.');
    const noName = await post(admin, '/admin/calendario/festivita', { date: '10-04', name: '' });
    expect(noName.status).to.equal(422);
    expect(noName.text).to.contain('Indica il nome della festività');
    const hours = await post(admin, '/admin/calendario', { openingTime: '18:00', closingTime: '09:00', workingDays: ['1', '2'] });
    expect(hours.status).to.equal(422);
    expect(hours.text).to.contain('L&#39;orario di chiusura deve seguire quello di apertura.');
    const values: Record<string, string> = { autoCloseBusinessDays: '0', warningPercent: '80' };
    for (const c of ['legal', 'strategic', 'procurement', 'technical', 'reuse', 'other']) {
      values[`firstResponse_${c}`] = '8';
      values[`resolution_${c}`] = c === 'legal' ? '4' : '40';
    }
    const settings = await post(admin, '/admin/sportello', values);
    expect(settings.status).to.equal(422);
    expect(settings.text).to.contain('Indica un numero di giorni lavorativi tra 1 e 120.');
    const ordered = await post(admin, '/admin/sportello', { ...values, autoCloseBusinessDays: '10' });
    expect(ordered.status).to.equal(422);
    expect(ordered.text).to.contain('Legale: il tempo di risoluzione non può essere inferiore a quello di prima risposta.');
  });

  it('keeps the calendar and the desk settings for admins only', async () => {
    const staff = (await freshStaff()).agent;
    expect((await staff.get('/admin/calendario')).status).to.equal(403);
    expect((await post(staff, '/admin/calendario/festivita', { date: '12-24', name: 'Vigilia' })).status).to.equal(403);
    expect((await staff.get('/admin/sportello')).status).to.equal(403);
  });
});
