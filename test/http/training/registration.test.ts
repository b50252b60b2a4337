// Registration: seats never exceeded under concurrent requests, the waiting list with positions,
// time-limited offers (accept, expire → next), cancellations, colleagues of one's own body only,
// seats per body until a date; every change mails the person.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { acceptOffer, cancelRegistration, registerToCycle, registerToSession, runWaitingList } from '../../../src/modules/training/registrations.js';
import { cancelSession } from '../../../src/modules/training/service.js';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../../../src/platform/errors.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { actorOf, linkIn, makeCycle, makeSession, moveSession, registrationsOf, staffActor } from './helpers.js';

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

describe('training: registration, seats and the waiting list', () => {
  it('50 people registering at once for 10 seats: exactly 10 confirmed, 40 waiting in distinct positions 1–40', async function () {
    this.timeout(300_000);
    const { platform } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '10' });
    const body = await createBody();
    const people = await Promise.all(Array.from({ length: 50 }, () => createUser('member', body.id)));
    const started = Date.now();
    const results = await Promise.all(people.map((u) => registerToSession(platform, actorOf(u), session.id)));
    const ms = Date.now() - started;
    const confirmed = results.filter((r) => r.state === 'confirmed');
    const waiting = results.filter((r) => r.state === 'waiting');
    expect(confirmed).to.have.length(10);
    expect(waiting).to.have.length(40);
    expect(waiting.map((r) => r.position).sort((a, b) => a! - b!)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    const rows = await registrationsOf(session.id);
    expect(rows.filter((r) => r.state === 'confirmed')).to.have.length(10);
    expect(rows).to.have.length(50);
    // The figure for the closing note (printed, not asserted).
    console.log(`      concurrency: 50 registrations at once for 10 seats in ${ms} ms → 10 confirmed, 40 waiting`);
  });

  it('12 concurrent HTTP requests for 4 seats never overbook either', async function () {
    this.timeout(300_000);
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '4' });
    const body = await createBody();
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser('member', body.id)));
    // Logins one by one (password hashing is slow on purpose); then the 12 registrations all at once.
    const agents = [];
    for (const u of users) agents.push(await loginAs(u.email));
    const tokens: string[] = [];
    for (const a of agents) tokens.push(await a.csrf(`/formazione/sessioni/${session.id}`));
    const answers = await Promise.all(agents.map((a, i) => a.post(`/formazione/sessioni/${session.id}/iscrizione`).type('form').send({ _csrf: tokens[i] })));
    expect(answers.every((r) => r.status === 302)).to.equal(true);
    const rows = await registrationsOf(session.id);
    expect(rows.filter((r) => r.state === 'confirmed')).to.have.length(4);
    expect(rows.filter((r) => r.state === 'waiting')).to.have.length(8);
  });

  it('a freed seat is offered to the first in the list by email; accepting confirms it; an expired offer passes to the next', async () => {
    const { platform, inbox } = await testContext();
    const cycle = await makeCycle({ offerHours: '24' });
    const session = await makeSession(cycle.id, { capacity: '1' });
    const body = await createBody();
    const [a, b, c] = await Promise.all([createUser('member', body.id), createUser('member', body.id), createUser('member', body.id)]);
    const ra = await registerToSession(platform, actorOf(a), session.id);
    const rb = await registerToSession(platform, actorOf(b), session.id);
    const rc = await registerToSession(platform, actorOf(c), session.id);
    expect([ra.state, rb.state, rc.state]).to.deep.equal(['confirmed', 'waiting', 'waiting']);
    expect([rb.position, rc.position]).to.deep.equal([1, 2]);
    await inbox.waitFor(b.email, /lista d’attesa/);

    await cancelRegistration(platform, actorOf(a), ra.id);
    const offerMail = await inbox.waitFor(b.email, /Si è liberato un posto/);
    const link = linkIn(offerMail.text, '/formazione/offerte/');
    const token = link.split('/').pop()!;
    // c may not take b's offer: for c it does not exist.
    expect(await refusal(acceptOffer(platform, actorOf(c), token))).to.be.instanceOf(NotFoundError);
    // The page of the offer, for b, then the accept.
    const agentB = await loginAs(b.email);
    const page = await agentB.get(new URL(link).pathname);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Accetto il posto');
    const accept = await postForm(agentB, new URL(link).pathname, new URL(link).pathname, { decision: 'accept' });
    expect(accept.status).to.equal(302);
    let rows = await registrationsOf(session.id);
    expect(rows.map((r) => r.state)).to.deep.equal(['cancelled', 'confirmed', 'waiting']);
    // Reusing the link: gone.
    expect((await postForm(agentB, '/formazione', new URL(link).pathname, { decision: 'accept' })).status).to.equal(410);

    // b cancels; c gets an offer; it expires; nobody left, so the seat stays free.
    await cancelRegistration(platform, actorOf(b), rb.id);
    const offerC = await inbox.waitFor(c.email, /Si è liberato un posto/);
    const tokenC = linkIn(offerC.text, '/formazione/offerte/').split('/').pop()!;
    await platform.sequelize.query(`UPDATE training_registrations SET offer_expires_at = now() - interval '1 minute' WHERE id = :id`, { replacements: { id: rc.id } });
    expect(await refusal(acceptOffer(platform, actorOf(c), tokenC))).to.be.instanceOf(GoneError);
    const run = await runWaitingList(platform, { sessionIds: [session.id] });
    expect(run.expired).to.equal(1);
    rows = await registrationsOf(session.id);
    expect(rows.map((r) => r.state)).to.deep.equal(['cancelled', 'cancelled', 'cancelled']);
    await inbox.waitFor(c.email, /Offerta scaduta/);
    expect(await mailJobsTo(a.email)).to.deep.equal([`Iscrizione confermata: ${session.title}`, `Iscrizione annullata: ${session.title}`]);
  });

  it('an expired offer moves to the next in the list, who gets their own offer', async () => {
    const { platform, inbox } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '1' });
    const body = await createBody();
    const [a, b, c] = await Promise.all([createUser('member', body.id), createUser('member', body.id), createUser('member', body.id)]);
    const ra = await registerToSession(platform, actorOf(a), session.id);
    const rb = await registerToSession(platform, actorOf(b), session.id);
    await registerToSession(platform, actorOf(c), session.id);
    await cancelRegistration(platform, await staffActor(), ra.id);
    await inbox.waitFor(b.email, /Si è liberato un posto/);
    await platform.sequelize.query(`UPDATE training_registrations SET offer_expires_at = now() - interval '1 minute' WHERE id = :id`, { replacements: { id: rb.id } });
    await runWaitingList(platform, { sessionIds: [session.id] });
    const mail = await inbox.waitFor(c.email, /Si è liberato un posto/);
    const token = linkIn(mail.text, '/formazione/offerte/').split('/').pop()!;
    await acceptOffer(platform, actorOf(c), token);
    expect((await registrationsOf(session.id)).map((r) => r.state)).to.deep.equal(['cancelled', 'cancelled', 'confirmed']);
  });

  it('refuses registering twice, to a past or cancelled session, and a colleague of another body', async () => {
    const { platform } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id);
    const bodyE = await createBody();
    const bodyF = await createBody();
    const member = await createUser('member', bodyE.id);
    const rtdE = await createUser('rtd', bodyE.id);
    const colleagueE = await createUser('member', bodyE.id);
    const outsider = await createUser('member', bodyF.id);
    await registerToSession(platform, actorOf(member), session.id);
    const twice = await refusal(registerToSession(platform, actorOf(member), session.id));
    expect(twice).to.be.instanceOf(ConflictError);
    expect((twice as Error).message).to.equal('training:error.alreadyRegistered');

    // The RTD registers a colleague of E, not one of F; a plain member registers nobody else.
    const ok = await registerToSession(platform, actorOf(rtdE), session.id, { userId: String(colleagueE.id) });
    expect(ok.state).to.equal('confirmed');
    expect(await refusal(registerToSession(platform, actorOf(rtdE), session.id, { userId: String(outsider.id) }))).to.be.instanceOf(NotFoundError);
    expect(await refusal(registerToCycle(platform, actorOf(rtdE), cycle.id, { userId: String(outsider.id) }))).to.be.instanceOf(NotFoundError);
    expect(await refusal(registerToSession(platform, actorOf(member), session.id, { userId: String(rtdE.id) }))).to.be.instanceOf(ForbiddenError);
    expect((await registrationsOf(session.id)).some((r) => r.user_id === outsider.id)).to.equal(false);

    const past = await makeSession(cycle.id);
    await moveSession(past.id, new Date(Date.now() - 3600_000));
    expect(((await refusal(registerToSession(platform, actorOf(member), past.id))) as Error).message).to.equal('training:error.sessionPast');
    const cancelled = await makeSession(cycle.id);
    await cancelSession(platform, await staffActor(), cancelled.id);
    expect(((await refusal(registerToSession(platform, actorOf(member), cancelled.id))) as Error).message).to.equal('training:error.sessionCancelled');

    // Through the pages: the Italian message comes back as a flash on the session page.
    const agent = await loginAs(member.email);
    const res = await postForm(agent, `/formazione/sessioni/${session.id}`, `/formazione/sessioni/${session.id}/iscrizione`, {});
    expect(res.status).to.equal(302);
    const page = await agent.get(`/formazione/sessioni/${session.id}`);
    expect(page.text).to.contain('Sei già iscritto a questa sessione.');
    const rtdAgent = await loginAs(rtdE.email);
    const forged = await postForm(rtdAgent, `/formazione/sessioni/${session.id}`, `/formazione/sessioni/${session.id}/iscrizione`, { userId: String(outsider.id) });
    expect(forged.status).to.equal(404);
    expect((await registrationsOf(session.id)).some((r) => r.user_id === outsider.id)).to.equal(false);
  });

  it('registering to a full session is not a seat: the page says the position in the waiting list; an expired offer’s page says so', async () => {
    const { platform, inbox } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '1' });
    const body = await createBody();
    const [a, b] = [await createUser('member', body.id), await createUser('member', body.id)];
    await registerToSession(platform, actorOf(a), session.id);
    const agentB = await loginAs(b.email);
    const page = `/formazione/sessioni/${session.id}`;
    expect((await agentB.get(page)).text).to.contain('Mettiti in lista d’attesa');
    expect((await postForm(agentB, page, `${page}/iscrizione`, {})).status).to.equal(302);
    const after = await agentB.get(page);
    expect(after.text).to.contain('Posti esauriti: sei in lista d’attesa al posto n. 1.');
    expect(after.text).to.contain('sei al posto n. 1');
    const rows = await registrationsOf(session.id);
    expect(rows.map((r) => r.state)).to.deep.equal(['confirmed', 'waiting']);
    // The seat frees, the offer expires before b answers: the link's page says it plainly (410), the seat is not taken.
    await cancelRegistration(platform, actorOf(a), rows[0].id);
    const offer = await inbox.waitFor(b.email, /Si è liberato un posto/);
    const offerPath = new URL(linkIn(offer.text, '/formazione/offerte/')).pathname;
    await platform.sequelize.query(`UPDATE training_registrations SET offer_expires_at = now() - interval '1 minute' WHERE id = :id`, { replacements: { id: rows[1].id } });
    const expired = await agentB.get(offerPath);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.contain('L’offerta è scaduta');
    expect((await postForm(agentB, page, offerPath, { decision: 'accept' })).status).to.equal(410);
    expect((await registrationsOf(session.id)).map((r) => r.state)).to.deep.equal(['cancelled', 'offered']);
  });

  it('seats per body hold until their date: a third person of the same comune waits while another comune still gets a seat', async () => {
    const { platform } = await testContext();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const cycle = await makeCycle({ seatsPerBody: '2', reservedUntil: tomorrow });
    const session = await makeSession(cycle.id, { capacity: '4' });
    const bodyE = await createBody();
    const bodyF = await createBody();
    const e = await Promise.all([1, 2, 3].map(() => createUser('member', bodyE.id)));
    const f = await createUser('member', bodyF.id);
    const states = [];
    for (const u of e) states.push((await registerToSession(platform, actorOf(u), session.id)).state);
    states.push((await registerToSession(platform, actorOf(f), session.id)).state);
    expect(states).to.deep.equal(['confirmed', 'confirmed', 'waiting', 'confirmed']);
    // The date passes: the job offers the released seat to the waiting person of E.
    await platform.sequelize.query(`UPDATE training_cycles SET reserved_until = current_date - 1 WHERE id = :id`, { replacements: { id: cycle.id } });
    const run = await runWaitingList(platform, { sessionIds: [session.id] });
    expect(run.offered).to.equal(1);
    const [row] = await platform.sequelize.query<{ state: string }>(`SELECT state FROM training_registrations WHERE session_id = :s AND user_id = :u`, { replacements: { s: session.id, u: e[2].id }, type: QueryTypes.SELECT });
    expect(row.state).to.equal('offered');
  });

  it('registering to a whole cycle takes a seat in each upcoming session, and reports what is already taken', async () => {
    const { platform } = await testContext();
    const cycle = await makeCycle();
    const s1 = await makeSession(cycle.id, { capacity: '1' });
    const s2 = await makeSession(cycle.id, { capacity: '4' });
    const body = await createBody();
    const [first, second] = [await createUser('member', body.id), await createUser('member', body.id)];
    await registerToSession(platform, actorOf(first), s1.id);
    const results = await registerToCycle(platform, actorOf(second), cycle.id);
    expect(results.map((r) => [r.sessionId, r.state])).to.deep.equal([[s1.id, 'waiting'], [s2.id, 'confirmed']]);
    expect(((await refusal(registerToCycle(platform, actorOf(second), cycle.id))) as Error).message).to.equal('training:error.nothingToRegister');
  });

  it('a session cancelled by staff cancels and tells every registration', async () => {
    const { platform, inbox } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '1' });
    const body = await createBody();
    const [a, b] = [await createUser('member', body.id), await createUser('member', body.id)];
    await registerToSession(platform, actorOf(a), session.id);
    await registerToSession(platform, actorOf(b), session.id);
    expect(await cancelSession(platform, await staffActor(), session.id)).to.equal(2);
    await inbox.waitFor(b.email, /Sessione annullata/);
    expect((await registrationsOf(session.id)).map((r) => r.state)).to.deep.equal(['cancelled', 'cancelled']);
  });
});
