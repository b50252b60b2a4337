// Citizens' courses: registration without an account (name, email or phone, the privacy consent), the
// seat counted only after the link mailed to the citizen is opened (double opt-in, read from the test
// SMTP server); forged, reused and expired links; the retention job deleting the personal data after
// the cycle's period and keeping anonymous counts; the counts per age band and gender as CSV.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { CITIZEN_PURPOSE, requestCitizenSeat, runRetention } from '../../../src/modules/training/registrations.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, csrfFrom, loginAs, postForm } from '../../helpers/http.js';
import { linkIn, makeCycle, makeSession, moveSession, registrationsOf } from './helpers.js';

const tag = () => `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

async function confirmLinkFor(email: string): Promise<string> {
  const { inbox } = await testContext();
  const mail = await inbox.waitFor(email, /Conferma la tua iscrizione/);
  return new URL(linkIn(mail.text, '/formazione/conferma/')).pathname;
}

describe('training: citizens’ courses', () => {
  before(async function () {
    this.timeout(300_000);
    await testContext();
  });

  it('a citizen registers without an account: the seat counts only once the mailed link is opened; forged, reused and expired links take no seat', async () => {
    const cycle = await makeCycle({ audience: 'citizens', title: `Facilitazione digitale a Russi ${tag()}` });
    const session = await makeSession(cycle.id, { mode: 'presence', place: 'Biblioteca comunale, Russi', link: '', capacity: '1' });
    const visitor = await anonymousAgent();
    const page = `/formazione/sessioni/${session.id}`;
    expect((await visitor.get(page)).text).to.contain('Iscriviti al corso');

    // Without the consent: refused next to the field, what was typed kept, nothing saved.
    const noConsent = await postForm(visitor, page, `${page}/cittadini`, { name: 'Giulia Rossi', email: 'giulia.rossi@example.org' });
    expect(noConsent.status).to.equal(422);
    expect(noConsent.text).to.contain('Per iscriverti devi accettare l’informativa sulla privacy.');
    expect(noConsent.text).to.contain('value="giulia.rossi@example.org"');
    const badPhone = await postForm(visitor, page, `${page}/cittadini`, { name: 'Giulia Rossi', email: 'giulia.rossi@example.org', phone: 'chiamami', consent: 'on' });
    expect(badPhone.status).to.equal(422);
    expect(badPhone.text).to.contain('Il telefono può contenere solo cifre');
    expect(await registrationsOf(session.id)).to.have.length(0);

    const email = `cittadina-${tag()}@example.org`;
    const sent = await postForm(visitor, page, `${page}/cittadini`, { name: 'Giulia Rossi', email, phone: '+39 333 1234567', consent: 'on' });
    expect(sent.status).to.equal(200);
    expect(sent.text).to.contain('Controlla la tua email');
    let rows = await registrationsOf(session.id);
    expect(rows.map((r) => [r.state, r.citizen_name, r.user_id])).to.deep.equal([['pending', 'Giulia Rossi', null]]);
    // Not confirmed yet: the only seat is still free.
    expect((await visitor.get(page)).text).to.contain('0 occupati su 1');

    // A forged link (right shape, never issued) and a rubbish one: 404, no seat.
    const forged = `/formazione/conferma/${randomBytes(32).toString('base64url')}`;
    const forgedRes = await postForm(visitor, page, forged, {});
    expect(forgedRes.status).to.equal(404);
    expect(forgedRes.text).to.contain('Questo link di conferma non è valido.');
    expect((await postForm(visitor, page, '/formazione/conferma/%3Cscript%3E', {})).status).to.equal(404);

    // The real link, from the SMTP server: the page asks, the button confirms, the seat is taken.
    const link = await confirmLinkFor(email);
    const confirmPage = await visitor.get(link);
    expect(confirmPage.status).to.equal(200);
    expect(confirmPage.text).to.contain('Confermo l’iscrizione');
    const confirmed = await postForm(visitor, link, link, {});
    expect(confirmed.status).to.equal(200);
    expect(confirmed.text).to.contain(`Iscrizione a «${session.title}» confermata.`);
    rows = await registrationsOf(session.id);
    expect(rows.map((r) => r.state)).to.deep.equal(['confirmed']);
    const { inbox } = await testContext();
    await inbox.waitFor(email, /Iscrizione confermata/);

    // Reused: gone, still one confirmed seat.
    const reused = await postForm(visitor, link, link, {});
    expect(reused.status).to.equal(410);
    expect(reused.text).to.contain('Questo link di conferma è già stato usato.');

    // Asking again with the same address changes nothing and says the same thing.
    const again = await postForm(visitor, page, `${page}/cittadini`, { name: 'Giulia Rossi', email: email.toUpperCase(), consent: 'on' });
    expect(again.status).to.equal(200);
    expect(await registrationsOf(session.id)).to.have.length(1);

    // A second citizen: the link expires before it is opened, no seat, and the message says to ask again.
    const late = `ritardatario-${tag()}@example.org`;
    await postForm(visitor, page, `${page}/cittadini`, { name: 'Marco Bianchi', email: late, consent: 'on' });
    const lateLink = await confirmLinkFor(late);
    const { platform } = await testContext();
    const lateRow = (await registrationsOf(session.id)).find((r) => r.citizen_email === late)!;
    await platform.sequelize.query(`UPDATE single_use_tokens SET expires_at = now() - interval '1 minute' WHERE purpose = :p AND subject_id = :id`, { replacements: { p: CITIZEN_PURPOSE, id: lateRow.id } });
    const expired = await postForm(visitor, lateLink, lateLink, {});
    expect(expired.status).to.equal(410);
    expect(expired.text).to.contain('Il link di conferma è scaduto');
    expect((await registrationsOf(session.id)).find((r) => r.id === lateRow.id)!.state).to.equal('pending');

    // A third one confirms a full course: waiting list, position 1.
    const third = `terza-${tag()}@example.org`;
    await postForm(visitor, page, `${page}/cittadini`, { name: 'Anna Verdi', email: third, consent: 'on' });
    const thirdLink = await confirmLinkFor(third);
    const waiting = await postForm(visitor, thirdLink, thirdLink, {});
    expect(waiting.text).to.contain('sei in lista d’attesa al posto n. 1');
  });

  it('a signed-in member cannot take a citizens’ seat with the staff registration, and a staff course refuses the citizens’ form', async () => {
    const { platform } = await testContext();
    const citizens = await makeCycle({ audience: 'citizens' });
    const cs = await makeSession(citizens.id, { capacity: '5' });
    const member = await loginAs((await createUser('member', (await createBody()).id)).email);
    await postForm(member, `/formazione/sessioni/${cs.id}`, `/formazione/sessioni/${cs.id}/iscrizione`, {});
    expect((await member.get(`/formazione/sessioni/${cs.id}`)).text).to.contain('Questo è un corso per cittadini');
    const staffCourse = await makeCycle();
    const ss = await makeSession(staffCourse.id);
    let refused: unknown = null;
    await requestCitizenSeat(platform, ss.id, { name: 'X', email: 'x@example.org', consent: 'on' }, null).catch((e) => (refused = e));
    expect((refused as Error | null)?.message).to.equal('training:error.notFound');
    expect(await registrationsOf(ss.id)).to.have.length(0);
    expect(await registrationsOf(cs.id)).to.have.length(0);
  });

  it('the retention job deletes citizens’ data after the cycle’s period (and unconfirmed requests after the link’s time), keeping anonymous counts', async () => {
    const { platform } = await testContext();
    const cycle = await makeCycle({ audience: 'citizens', retentionDays: '30' });
    const session = await makeSession(cycle.id, { capacity: '10' });
    const visitor = await anonymousAgent();
    const page = `/formazione/sessioni/${session.id}`;
    const people = [`uno-${tag()}@example.org`, `due-${tag()}@example.org`];
    for (const email of people) {
      await postForm(visitor, page, `${page}/cittadini`, { name: `Persona ${email}`, email, phone: '0544 123456', consent: 'on' });
      const link = await confirmLinkFor(email);
      await postForm(visitor, link, link, {});
    }
    const pendingEmail = `mai-confermato-${tag()}@example.org`;
    await postForm(visitor, page, `${page}/cittadini`, { name: 'Mai Confermato', email: pendingEmail, consent: 'on' });
    // Staff record who came by age band and gender.
    const staff = await loginAs('staff@cithub.example');
    await postForm(staff, page, `${page}/conteggi`, { 'count_55-74_f': '1', 'count_75+_m': '1' });

    // Held 10 days ago: within the 30 days, nothing goes (the pending request is younger than 48 h too).
    await moveSession(session.id, new Date(Date.now() - 10 * 86_400_000));
    expect(await runRetention(platform, { sessionIds: [session.id] })).to.equal(0);
    expect((await registrationsOf(session.id)).filter((r) => r.citizen_email !== null)).to.have.length(3);

    // The unconfirmed request past the link's 48 hours goes alone.
    await platform.sequelize.query(`UPDATE training_registrations SET created_at = now() - interval '3 days' WHERE session_id = :s AND citizen_email = :e`, { replacements: { s: session.id, e: pendingEmail } });
    expect(await runRetention(platform, { sessionIds: [session.id] })).to.equal(1);
    let rows = await registrationsOf(session.id);
    expect(rows.filter((r) => r.anonymised).map((r) => r.state)).to.deep.equal(['cancelled']);

    // Held 31 days ago: the confirmed citizens' names, addresses and phones go; the rows stay as counts.
    await moveSession(session.id, new Date(Date.now() - 31 * 86_400_000));
    expect(await runRetention(platform, { sessionIds: [session.id] })).to.equal(2);
    rows = await registrationsOf(session.id);
    expect(rows.every((r) => r.anonymised && r.citizen_email === null && r.citizen_name === null)).to.equal(true);
    const [{ phones }] = await platform.sequelize.query<{ phones: number }>(`SELECT count(citizen_phone)::int AS phones FROM training_registrations WHERE session_id = :s`, { replacements: { s: session.id }, type: QueryTypes.SELECT });
    expect(phones).to.equal(0);
    expect(rows.map((r) => r.state)).to.deep.equal(['confirmed', 'confirmed', 'cancelled']);
    // Running it again changes nothing.
    expect(await runRetention(platform, { sessionIds: [session.id] })).to.equal(0);

    // The anonymous counts survive, in the CSV: 2 registered, 1 woman 55–74, 1 man 75+; no address anywhere.
    const csv = await staff.get(`/formazione/cicli/${cycle.id}/conteggi.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-type']).to.contain('text/csv');
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).to.contain('Fascia d’età');
    expect(lines.slice(1).map((l) => l.split(';').slice(2))).to.deep.equal([
      ['55-74', 'Donne', '1', '2'],
      ['75+', 'Uomini', '1', '2'],
    ]);
    for (const e of people) expect(csv.text).to.not.contain(e);
  });

  it('the counts form refuses what is not a whole number, saves nothing, and is the staff’s only', async () => {
    const cycle = await makeCycle({ audience: 'citizens' });
    const session = await makeSession(cycle.id);
    const page = `/formazione/sessioni/${session.id}`;
    const staff = await loginAs('staff@cithub.example');
    const bad = await postForm(staff, page, `${page}/conteggi`, { 'count_18-29_f': 'tre', 'count_30-54_m': '2' });
    expect(bad.status).to.equal(302);
    const after = await staff.get(page);
    expect(after.text).to.contain('Scrivi un numero intero da 0 in su.');
    expect(after.text).to.not.match(/id="count_30-54_m"[^>]*value="2"/);
    const ok = await postForm(staff, page, `${page}/conteggi`, { 'count_18-29_f': '3', 'count_30-54_m': '2' });
    expect(ok.status).to.equal(302);
    expect((await staff.get(page)).text).to.contain('Conteggi salvati: 5 partecipanti.');
    const member = await loginAs((await createUser('member', (await createBody()).id)).email);
    expect((await member.get(`/formazione/cicli/${cycle.id}/conteggi.csv`)).status).to.equal(403);
    const token = csrfFrom((await member.get(page)).text);
    expect((await member.post(`${page}/conteggi`).type('form').send({ _csrf: token, 'count_18-29_f': '9' })).status).to.equal(403);
  });
});
