// Around the sessions: the reminders the day before and one hour before (each once, only to
// confirmed people), the satisfaction survey after a session and its summary for staff, the ICS of
// a session and the personal feed of one's registrations, both parsed by ical.js.
import { expect } from 'chai';
import ICAL from 'ical.js';
import { runReminders } from '../../../src/modules/training/extras.js';
import { registerToSession } from '../../../src/modules/training/registrations.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { actorOf, makeCycle, makeSession, moveSession } from './helpers.js';

function eventsOf(ics: string) {
  const comp = new ICAL.Component(ICAL.parse(ics));
  return comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

describe('training: reminders, survey and calendars', () => {
  before(async function () {
    this.timeout(300_000);
    await testContext();
  });

  it('reminds confirmed people the day before and one hour before, each once; nobody in the waiting list', async () => {
    const { platform, inbox } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '1', link: 'https://meet.example/promemoria' });
    const body = await createBody();
    const [a, b] = [await createUser('member', body.id), await createUser('member', body.id)];
    await registerToSession(platform, actorOf(a), session.id);
    await registerToSession(platform, actorOf(b), session.id);

    // A week away: nothing due.
    expect(await runReminders(platform, { sessionIds: [session.id] })).to.equal(0);
    // Tomorrow: the day-before reminder, once.
    await moveSession(session.id, new Date(Date.now() + 20 * 3600_000));
    expect(await runReminders(platform, { sessionIds: [session.id] })).to.equal(1);
    expect(await runReminders(platform, { sessionIds: [session.id] })).to.equal(0);
    const day = await inbox.waitFor(a.email, /^Domani: /);
    expect(day.text).to.contain(session.title);
    expect(day.text).to.contain('https://meet.example/promemoria');
    // In 40 minutes: the one-hour reminder, once.
    await moveSession(session.id, new Date(Date.now() + 40 * 60_000));
    expect(await runReminders(platform, { sessionIds: [session.id] })).to.equal(1);
    expect(await runReminders(platform, { sessionIds: [session.id] })).to.equal(0);
    await inbox.waitFor(a.email, /^Tra un’ora: /);
    expect((await mailJobsTo(b.email)).filter((s) => /^(Domani|Tra un’ora):/.test(s))).to.deep.equal([]);
  });

  it('after the session: the survey invitation, a 1–5 answer once (bad ratings refused), the summary for staff only', async () => {
    const { platform, inbox } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '5' });
    const body = await createBody();
    const people = [await createUser('member', body.id), await createUser('member', body.id), await createUser('member', body.id)];
    for (const u of people) await registerToSession(platform, actorOf(u), session.id);
    const page = `/formazione/sessioni/${session.id}`;
    const first = await loginAs(people[0].email);
    // Before it is held there is no survey.
    expect((await first.get(page)).text).to.not.contain('Questionario di gradimento');
    expect((await postForm(first, page, `${page}/gradimento`, { rating: '5' })).status).to.equal(404);

    await moveSession(session.id, new Date(Date.now() - 2 * 3600_000));
    expect(await runReminders(platform, { sessionIds: [session.id] })).to.equal(3);
    const invite = await inbox.waitFor(people[0].email, /^Com’è andata\?/);
    expect(invite.text).to.contain(`/formazione/sessioni/${session.id}`);
    expect((await first.get(page)).text).to.contain('Quanto ti è stata utile la sessione?');

    // A bad rating: the message, nothing saved.
    await postForm(first, page, `${page}/gradimento`, { rating: '9', comment: 'Ottimo' });
    expect((await first.get(page)).text).to.contain('Scegli un voto da 1 a 5.');
    expect((await postForm(first, page, `${page}/gradimento`, { rating: '5', comment: 'Chiaro e concreto.' })).status).to.equal(302);
    expect((await first.get(page)).text).to.contain('Grazie: hai dato 5 su 5.');
    // Twice: refused, the first answer kept.
    await postForm(first, page, `${page}/gradimento`, { rating: '1' });
    expect((await first.get(page)).text).to.contain('Hai già risposto al questionario di questa sessione.');
    const second = await loginAs(people[1].email);
    await postForm(second, page, `${page}/gradimento`, { rating: '3' });

    const staff = await loginAs('staff@cithub.example');
    const summary = await staff.get(page);
    expect(summary.text).to.contain('Media 4 su 5 da 2 risposte.');
    expect(summary.text).to.contain('Chiaro e concreto.');
    // People who registered see their own answer, never the summary; a visitor sees no survey at all.
    expect((await second.get(page)).text).to.not.contain('Media 4 su 5');
    expect((await (await anonymousAgent()).get(page)).text).to.not.contain('Questionario di gradimento');
  });

  it('the session ICS and the personal feed open in ical.js; the feed holds one’s confirmed sessions with the link, and a replaced address stops working', async () => {
    const { platform } = await testContext();
    const cycle = await makeCycle({ title: `Ciclo ICS ${Date.now().toString(36)}` });
    const s1 = await makeSession(cycle.id, { title: 'Prima sessione ICS', link: 'https://meet.example/ics-1', durationMinutes: '90' });
    const s2 = await makeSession(cycle.id, { title: 'Seconda sessione ICS', capacity: '1' });
    const body = await createBody();
    const [u, other] = [await createUser('member', body.id), await createUser('member', body.id)];
    await registerToSession(platform, actorOf(other), s2.id);
    await registerToSession(platform, actorOf(u), s1.id);
    await registerToSession(platform, actorOf(u), s2.id); // waiting: not in the feed

    const visitor = await anonymousAgent();
    const ics = await visitor.get(`/formazione/sessioni/${s1.id}/calendario.ics`);
    expect(ics.headers['content-type']).to.contain('text/calendar');
    const [event] = eventsOf(ics.text);
    expect(event.summary).to.equal(`Prima sessione ICS (${cycle.title})`);
    expect(event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime()).to.equal(90 * 60_000);
    expect(ics.text).to.not.contain('ics-1');

    const agent = await loginAs(u.email);
    expect((await postForm(agent, '/formazione/miei', '/formazione/miei/calendario', {})).status).to.equal(302);
    const mine = await agent.get('/formazione/miei');
    const url = /(http:\/\/[^<\s]+\/formazione\/calendario\/[A-Za-z0-9_-]{43}\.ics)/.exec(mine.text)![1];
    // Shown once only.
    expect((await agent.get('/formazione/miei')).text).to.not.contain(url);
    const feed = await visitor.get(new URL(url).pathname);
    expect(feed.status).to.equal(200);
    const events = eventsOf(feed.text);
    expect(events.map((e) => e.summary)).to.deep.equal([`Prima sessione ICS (${cycle.title})`]);
    expect(events[0].description).to.contain('https://meet.example/ics-1');

    // A new address: the old one is gone (404), the new one works.
    await postForm(agent, '/formazione/miei', '/formazione/miei/calendario', {});
    const url2 = /(http:\/\/[^<\s]+\/formazione\/calendario\/[A-Za-z0-9_-]{43}\.ics)/.exec((await agent.get('/formazione/miei')).text)![1];
    expect(url2).to.not.equal(url);
    expect((await visitor.get(new URL(url).pathname)).status).to.equal(404);
    expect((await visitor.get(new URL(url2).pathname)).status).to.equal(200);
    expect((await visitor.get('/formazione/calendario/non-esiste.ics')).status).to.equal(404);
  });
});
