// The pages of /formazione: the public calendar (list, month, filters), the demo cycles, cycle and
// session pages (the link only for confirmed people), the staff's forms with their errors in Italian.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { DEMO_CITIZENS_TITLE, DEMO_WEBINAR_TITLE, DEMO_WORKSHOP_TITLE } from '../../../src/modules/training/seed.js';
import { TrainingCycle, TrainingSession } from '../../../src/modules/training/models.js';
import { registerToSession } from '../../../src/modules/training/registrations.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../../helpers/http.js';
import { actorOf, cycleFields, makeCycle, makeSession, romeSlot } from './helpers.js';

describe('training: pages', () => {
  before(async function () {
    this.timeout(300_000);
    await testContext();
  });

  it('the demo holds the weekly webinar cycle (10 one-hour sessions), the 9:00–14:00 workshop and the citizens’ course in Russi', async () => {
    await testContext();
    const webinars = (await TrainingCycle.findOne({ where: { title: DEMO_WEBINAR_TITLE } }))!;
    const sessions = await TrainingSession.findAll({ where: { cycleId: webinars.id }, order: [['startsAt', 'ASC']] });
    expect(sessions).to.have.length(10);
    expect(sessions.every((s) => s.durationMinutes === 60 && s.mode === 'online')).to.equal(true);
    expect(sessions[1].startsAt.getTime() - sessions[0].startsAt.getTime()).to.equal(7 * 86_400_000);
    const workshop = (await TrainingCycle.findOne({ where: { title: DEMO_WORKSHOP_TITLE } }))!;
    const [w] = await TrainingSession.findAll({ where: { cycleId: workshop.id } });
    const at = DateTime.fromJSDate(w.startsAt).setZone('Europe/Rome');
    expect([at.toFormat('HH:mm'), at.plus({ minutes: w.durationMinutes }).toFormat('HH:mm'), workshop.audience]).to.deep.equal(['09:00', '14:00', 'administrators']);
    const citizens = (await TrainingCycle.findOne({ where: { title: DEMO_CITIZENS_TITLE } }))!;
    expect(citizens.audience).to.equal('citizens');

    const visitor = await anonymousAgent();
    const list = await visitor.get('/formazione');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain('Calendario della formazione');
    expect(list.text).to.contain(DEMO_WORKSHOP_TITLE);
    const filtered = await visitor.get('/formazione?audience=citizens');
    expect(filtered.text).to.contain(DEMO_CITIZENS_TITLE);
    expect(filtered.text).to.not.contain(DEMO_WORKSHOP_TITLE);
    const past = await visitor.get('/formazione?when=past&audience=staff');
    expect(past.text).to.contain(DEMO_WEBINAR_TITLE);
    const month = await visitor.get(`/formazione?view=month&month=${at.toFormat('yyyy-MM')}`);
    expect(month.status).to.equal(200);
    expect(month.text).to.contain('training-month');
    expect(month.text).to.contain('Laboratorio in presenza');
    // Rubbish in the filters reads as no filter, never a 500.
    expect((await visitor.get('/formazione?view=month&month=9999-99&audience=x&mode[]=1&competence=%00&page=-3')).status).to.equal(200);
    const cyclePage = await visitor.get(`/formazione/cicli/${webinars.id}`);
    expect(cyclePage.text).to.contain('Sessioni (10)');
  });

  it('the streaming link shows only to confirmed people and staff; drafts are staff-only', async () => {
    const { platform } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { link: 'https://meet.example/segreto-XYZ', capacity: '1' });
    const body = await createBody();
    const [a, b] = [await createUser('member', body.id), await createUser('member', body.id)];
    await registerToSession(platform, actorOf(a), session.id);
    await registerToSession(platform, actorOf(b), session.id);
    const visitor = await anonymousAgent();
    expect((await visitor.get(`/formazione/sessioni/${session.id}`)).text).to.not.contain('segreto-XYZ');
    expect((await visitor.get(`/formazione/sessioni/${session.id}/calendario.ics`)).text).to.not.contain('segreto-XYZ');
    expect((await (await loginAs(b.email)).get(`/formazione/sessioni/${session.id}`)).text).to.not.contain('segreto-XYZ');
    const pageA = await (await loginAs(a.email)).get(`/formazione/sessioni/${session.id}`);
    expect(pageA.text).to.contain('segreto-XYZ');
    const pageB = await (await loginAs(b.email)).get(`/formazione/sessioni/${session.id}`);
    expect(pageB.text).to.contain('sei al posto n. 1');
    const staff = await loginAs('staff@cithub.example');
    expect((await staff.get(`/formazione/sessioni/${session.id}`)).text).to.contain('segreto-XYZ');

    const draft = await makeCycle({ state: 'draft', title: 'Bozza riservata QWERTY' });
    const draftSession = await makeSession(draft.id);
    for (const path of [`/formazione/cicli/${draft.id}`, `/formazione/sessioni/${draftSession.id}`]) expect((await visitor.get(path)).status, path).to.equal(404);
    expect((await visitor.get('/formazione')).text).to.not.contain('QWERTY');
    expect((await staff.get(`/formazione/cicli/${draft.id}`)).status).to.equal(200);
  });

  it('staff create a cycle and a session through the forms; bad input comes back in Italian next to the field, kept', async () => {
    await testContext();
    const staff = await loginAs('staff@cithub.example');
    const bad = await postForm(staff, '/formazione/cicli/nuovo', '/formazione/cicli', { ...cycleFields({ title: 'Ciclo sbagliato ABC', hours: '0', attendancePercent: '150' }) });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('deve essere un numero di ore maggiore di zero');
    expect(bad.text).to.contain('Presenza minima (%)');
    expect(bad.text).to.contain('value="Ciclo sbagliato ABC"');
    const bad2 = await postForm(staff, '/formazione/cicli/nuovo', '/formazione/cicli', { ...cycleFields({ title: 'Ciclo sbagliato DEF', competences: ['9.9'], seatsPerBody: '2' }) });
    expect(bad2.status).to.equal(422);
    expect(bad2.text).to.contain('Scegli le competenze dall’elenco del Syllabus.');
    expect(bad2.text).to.contain('Indica fino a quando valgono i posti per ente.');
    expect(bad2.text).to.contain('value="Ciclo sbagliato DEF"');
    const fields = cycleFields();
    const ok = await postForm(staff, '/formazione/cicli/nuovo', '/formazione/cicli', fields);
    expect(ok.status).to.equal(302);
    const cycleUrl = ok.headers.location as string;
    const cycleId = Number(cycleUrl.split('/').pop());
    const badSession = await postForm(staff, `/formazione/cicli/${cycleId}/sessioni/nuova`, `/formazione/cicli/${cycleId}/sessioni`, { title: 'Sessione KEEP', ...romeSlot(3, '25:99'), durationMinutes: '2', mode: 'presence', place: '', capacity: '0' });
    expect(badSession.status).to.equal(422);
    expect(badSession.text).to.contain('Scrivi l’ora nel formato HH:MM');
    expect(badSession.text).to.contain('value="Sessione KEEP"');
    const noPlace = await postForm(staff, `/formazione/cicli/${cycleId}/sessioni/nuova`, `/formazione/cicli/${cycleId}/sessioni`, { title: 'Sessione KEEP', ...romeSlot(3, '09:00'), durationMinutes: '60', mode: 'presence', place: '', capacity: '10' });
    expect(noPlace.status).to.equal(422);
    expect(noPlace.text).to.contain('Per una sessione in presenza o mista serve il luogo.');
    const created = await postForm(staff, `/formazione/cicli/${cycleId}/sessioni/nuova`, `/formazione/cicli/${cycleId}/sessioni`, { title: 'Sessione buona', ...romeSlot(3, '09:00'), durationMinutes: '300', mode: 'hybrid', place: 'Lecce', link: 'https://meet.example/x', capacity: '30' });
    expect(created.status).to.equal(302);
    const sessionPage = await staff.get(created.headers.location as string);
    expect(sessionPage.text).to.contain('Sessione buona');
    expect(sessionPage.text).to.contain('09:00 – 14:00');
    // A body user may not open the staff's forms.
    const member = await loginAs((await createUser('member', (await createBody()).id)).email);
    expect((await member.get('/formazione/cicli/nuovo')).status).to.equal(403);
    expect((await member.get(`/formazione/cicli/${cycleId}/modifica`)).status).to.equal(403);
  });
});
