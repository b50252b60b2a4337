// One comune never sees or changes another's training data: for the referent or RTD of body E, the
// resources of body F answer 404, route by route (the ledger and its CSV, external hours and their
// certificate file, registering or cancelling a person of F, F's certificates and offers, the
// session's list of registrations), and nothing is saved.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { issueCertificates } from '../../../src/modules/training/certificates.js';
import { saveAttendance } from '../../../src/modules/training/attendance.js';
import { cancelRegistration, registerToSession } from '../../../src/modules/training/registrations.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom, loginAs, postForm } from '../../helpers/http.js';
import { actorOf, linkIn, makeCycle, makeSession, moveSession, registrationsOf, staffActor } from './helpers.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

async function externalHoursCount(userId: number): Promise<number> {
  const { platform } = await testContext();
  const [{ n }] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM training_external_hours WHERE user_id = :userId`, { replacements: { userId }, type: QueryTypes.SELECT });
  return n;
}

describe('training: one comune never reaches another’s data (404 per route)', () => {
  before(async function () {
    this.timeout(300_000);
    await testContext();
  });

  it('the RTD of body E gets 404 for body F’s ledger, CSV, external hours, certificate file, people, registrations, certificates and offers', async function () {
    this.timeout(120_000);
    const { platform, inbox } = await testContext();
    const bodyE = await createBody();
    const bodyF = await createBody();
    const rtdE = await createUser('rtd', bodyE.id);
    const memberE = await createUser('member', bodyE.id);
    const rtdF = await createUser('rtd', bodyF.id);
    const memberF = await createUser('member', bodyF.id);
    const agentE = await loginAs(rtdE.email);
    const agentF = await loginAs(rtdF.email);
    const year = new Date().getFullYear();

    // F's own lead records external hours with a certificate: that works, and is F's.
    const ledgerF = `/formazione/ore/enti/${bodyF.id}`;
    const tokenF = csrfFrom((await agentF.get(ledgerF)).text);
    const recorded = await agentF
      .post(`${ledgerF}/esterne`).field('_csrf', tokenF)
      .field('userId', String(memberF.id))
      .field('title', 'Corso sulla sicurezza informatica')
      .field('provider', 'Syllabus')
      .field('completedOn', `${year}-02-10`)
      .field('hours', '6')
      .attach('certificate', PDF, 'attestato.pdf');
    expect(recorded.status).to.equal(302);
    const [external] = await platform.sequelize.query<{ id: number }>(`SELECT id FROM training_external_hours WHERE user_id = :u`, { replacements: { u: memberF.id }, type: QueryTypes.SELECT });
    expect((await agentF.get(`/formazione/ore/esterne/${external.id}/file`)).status).to.equal(200);
    // The external hours count in F's ledger, its CSV, and the person's own page.
    expect((await agentF.get(`${ledgerF}/csv?anno=${year}`)).text).to.contain(`${memberF.name};${memberF.email};0,00;6,00;6,00;40;sì`);
    expect((await (await loginAs(memberF.email)).get(`/formazione/miei?anno=${year}`)).text).to.contain('Corso sulla sicurezza informatica');
    // Without the certificate, or with bad hours: refused next to the field, nothing saved.
    const noFile = await agentF
      .post(`${ledgerF}/esterne`).field('_csrf', tokenF)
      .field('userId', String(memberF.id))
      .field('title', 'Senza attestato')
      .field('completedOn', `${year}-03-10`)
      .field('hours', '2');
    expect(noFile.status).to.equal(422);
    expect(noFile.text).to.contain('Allega l’attestato della formazione esterna.');
    expect(noFile.text).to.contain('value="Senza attestato"');
    const badHours = await agentF
      .post(`${ledgerF}/esterne`).field('_csrf', tokenF)
      .field('userId', String(memberF.id))
      .field('title', 'Ore sbagliate')
      .field('completedOn', `${year}-03-10`)
      .field('hours', 'tante')
      .attach('certificate', PDF, 'attestato.pdf');
    expect(badHours.status).to.equal(422);
    expect(badHours.text).to.contain('deve essere un numero di ore maggiore di zero');
    expect(await externalHoursCount(memberF.id)).to.equal(1);

    // E's lead: F's ledger, its CSV, its file, and its form are nowhere.
    expect((await agentE.get(ledgerF)).status).to.equal(404);
    expect((await agentE.get(`${ledgerF}/csv?anno=${year}`)).status).to.equal(404);
    expect((await agentE.get(`/formazione/ore/esterne/${external.id}/file`)).status).to.equal(404);
    const tokenE = csrfFrom((await agentE.get(`/formazione/ore/enti/${bodyE.id}`)).text);
    const intoF = await agentE
      .post(`${ledgerF}/esterne`).field('_csrf', tokenE)
      .field('userId', String(memberF.id))
      .field('title', 'Ore inventate')
      .field('completedOn', `${year}-02-10`)
      .field('hours', '40')
      .attach('certificate', PDF, 'attestato.pdf');
    expect(intoF.status).to.equal(404);
    // Through E's own form with F's person: refused next to the field, nothing saved.
    const viaE = await agentE
      .post(`/formazione/ore/enti/${bodyE.id}/esterne`).field('_csrf', tokenE)
      .field('userId', String(memberF.id))
      .field('title', 'Ore inventate')
      .field('completedOn', `${year}-02-10`)
      .field('hours', '40')
      .attach('certificate', PDF, 'attestato.pdf');
    expect(viaE.status).to.equal(422);
    expect(viaE.text).to.contain('Scegli una persona del tuo ente.');
    expect(await externalHoursCount(memberF.id)).to.equal(1);
    // A plain member of E does not see E's ledger either, nor the staff totals; /formazione/ore sends the RTD to E's.
    const plainE = await loginAs(memberE.email);
    expect((await plainE.get(`/formazione/ore/enti/${bodyE.id}`)).status).to.equal(404);
    expect((await agentE.get('/formazione/ore')).headers.location).to.equal(`/formazione/ore/enti/${bodyE.id}`);
    expect((await plainE.get('/formazione/ore')).headers.location).to.equal('/formazione/miei');

    // Registering a person of F, to a session or a whole cycle: 404, no row.
    const cycle = await makeCycle({ hours: '1' });
    const session = await makeSession(cycle.id, { capacity: '1' });
    const page = `/formazione/sessioni/${session.id}`;
    expect((await postForm(agentE, page, `${page}/iscrizione`, { userId: String(memberF.id) })).status).to.equal(404);
    expect((await postForm(agentE, `/formazione/cicli/${cycle.id}`, `/formazione/cicli/${cycle.id}/iscrizione`, { userId: String(memberF.id) })).status).to.equal(404);
    expect(await registrationsOf(session.id)).to.have.length(0);

    // F's people registered (one confirmed, one waiting); E's lead sees only E's in the list, and cannot cancel F's.
    const rF = await registerToSession(platform, actorOf(memberF), session.id);
    const rF2 = await registerToSession(platform, actorOf(rtdF), session.id);
    expect([rF.state, rF2.state]).to.deep.equal(['confirmed', 'waiting']);
    await registerToSession(platform, actorOf(rtdE), session.id, { userId: String(memberE.id) });
    const listE = await agentE.get(page);
    expect(listE.text).to.contain(memberE.email);
    expect(listE.text).to.not.contain(memberF.email);
    expect(listE.text).to.not.contain(rtdF.email);
    expect((await postForm(agentE, page, `/formazione/iscrizioni/${rF.id}/annulla`, { back: page })).status).to.equal(404);
    expect((await registrationsOf(session.id)).find((r) => r.id === rF.id)!.state).to.equal('confirmed');
    // The register of attendance and the staff's CSV are not theirs either.
    expect((await agentE.get(`${page}/presenze`)).status).to.equal(404);
    expect((await agentE.get(`${page}/iscrizioni.csv`)).status).to.equal(403);

    // F's waiting person gets an offer: the link opened by E's lead (or E's member) is no offer.
    await cancelRegistration(platform, actorOf(memberF), rF.id);
    const offer = await inbox.waitFor(rtdF.email, /Si è liberato un posto/);
    const offerPath = new URL(linkIn(offer.text, '/formazione/offerte/')).pathname;
    expect((await agentE.get(offerPath)).status).to.equal(404);
    expect((await postForm(agentE, page, offerPath, { decision: 'accept' })).status).to.equal(404);
    expect((await registrationsOf(session.id)).find((r) => r.id === rF2.id)!.state).to.equal('offered');

    // F's certificate: its person accepts the offer, attends; E's lead cannot download it, its holder can.
    expect((await postForm(agentF, offerPath, offerPath, { decision: 'accept' })).status).to.equal(302);
    await moveSession(session.id, new Date(Date.now() - 86_400_000));
    await saveAttendance(platform, await staffActor(), session.id, { [`status_${rF2.id}`]: 'present' });
    expect((await issueCertificates(platform, await staffActor(), cycle.id)).issued).to.equal(1);
    const [cert] = await platform.sequelize.query<{ id: number }>(`SELECT id FROM training_certificates WHERE user_id = :u`, { replacements: { u: rtdF.id }, type: QueryTypes.SELECT });
    expect((await agentE.get(`/formazione/attestati/${cert.id}/pdf`)).status).to.equal(404);
    expect((await agentF.get(`/formazione/attestati/${cert.id}/pdf`)).status).to.equal(200);
    // And E's ledger does not count F's hours.
    const csvE = await agentE.get(`/formazione/ore/enti/${bodyE.id}/csv?anno=${year}`);
    expect(csvE.text).to.not.contain(rtdF.email);
    expect(csvE.text).to.not.contain(memberF.email);
  });
});
