// Attendance (by hand and from a webinar report CSV), certificates only for those who met the rule
// (PDF text read back, QR code, public verification, revocation) and the hours ledger per body.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { issueCertificates } from '../../../src/modules/training/certificates.js';
import { registerToSession } from '../../../src/modules/training/registrations.js';
import { ConflictError } from '../../../src/platform/errors.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, csrfFrom, loginAs, postForm } from '../../helpers/http.js';
import { actorOf, makeCycle, makeSession, moveSession, pdfText, qrCodesOfPdf, staffActor } from './helpers.js';

const binary = (res: import('superagent').Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

/** A held one-hour webinar with three registered people of body E and one of body F. */
async function heldWebinar() {
  const { platform } = await testContext();
  const cycle = await makeCycle({ hours: '1', attendancePercent: '80' });
  const session = await makeSession(cycle.id, { capacity: '10' });
  const bodyE = await createBody({ name: `Comune di Prova E ${Date.now().toString(36)}` });
  const bodyF = await createBody();
  const [full, split, short] = [await createUser('member', bodyE.id), await createUser('member', bodyE.id), await createUser('member', bodyE.id)];
  const other = await createUser('member', bodyF.id);
  for (const u of [full, split, short, other]) await registerToSession(platform, actorOf(u), session.id);
  const start = DateTime.now().setZone('Europe/Rome').minus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
  await moveSession(session.id, start.toJSDate());
  return { cycle, session, bodyE, bodyF, full, split, short, other, start };
}

async function upload(agent: Awaited<ReturnType<typeof loginAs>>, sessionId: number, csv: Buffer | string) {
  const token = csrfFrom((await agent.get(`/formazione/sessioni/${sessionId}/presenze`)).text);
  return agent.post(`/formazione/sessioni/${sessionId}/presenze/importa`).field('_csrf', token).attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv, 'utf8'), 'partecipanti.csv');
}

let staffLogin: Promise<Awaited<ReturnType<typeof loginAs>>> | null = null;
/** One staff session for the file (logins of one account are rate-limited). */
const staffAgent = () => (staffLogin ??= loginAs('staff@cithub.example'));

describe('training: attendance, certificates and the hours ledger', () => {
  before(async function () {
    this.timeout(300_000);
    await testContext();
  });

  it('imports a webinar report: rows of a person summed, overlaps once, the 80 % rule explained; then certificates only for who qualified, their PDF and code checked, the hours in the ledger', async function () {
    this.timeout(180_000);
    const { platform } = await testContext();
    const w = await heldWebinar();
    const d = w.start.toFormat('yyyy-MM-dd');
    const csv = [
      'Nome,Email,Ora di ingresso,Ora di uscita,Durata',
      `${w.full.name},${w.full.email},${d} 09:58:00,${d} 11:02:00,64`,
      // Two stretches, 10:00–10:30 and 10:25–10:55 overlap: 55 minutes, not 60.
      `${w.split.name},${w.split.email.toUpperCase()},${d} 10:00:00,${d} 10:30:00,30`,
      `${w.split.name},${w.split.email},${d} 10:25:00,${d} 10:55:00,30`,
      `${w.short.name},${w.short.email},${d} 10:00:00,${d} 10:40:00,40`,
      `Ospite,ospite@example.org,${d} 10:00:00,${d} 11:00:00,60`,
    ].join('\n');
    const staff = await staffAgent();
    const res = await upload(staff, w.session.id, csv);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Importate le presenze di 3 persone.');
    expect(res.text).to.contain('60 minuti su 60 (100 %)');
    expect(res.text).to.contain('55 minuti su 60 (92 %)');
    expect(res.text).to.contain('(tratti sovrapposti contati una volta)');
    expect(res.text).to.contain('40 minuti su 60 (67 %): servono almeno 48 minuti (80 %)');
    expect(res.text).to.contain('ospite@example.org');

    // A certificate for someone who did not attend: refused with a clear message.
    const no = await refusal(issueCertificates(platform, await staffActor(), w.cycle.id, { userId: w.short.id }));
    expect(no).to.be.instanceOf(ConflictError);
    expect((no as Error).message).to.equal('training:error.didNotAttend');
    const issue = await postForm(staff, `/formazione/cicli/${w.cycle.id}`, `/formazione/cicli/${w.cycle.id}/attestati`, {});
    expect(issue.status).to.equal(302);
    const page = await staff.get(`/formazione/cicli/${w.cycle.id}`);
    expect(page.text).to.contain('Attestati emessi: 2.');
    const codes = [...page.text.matchAll(/\/formazione\/verifica\/([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/g)].map((m) => m[1]);
    expect(new Set(codes).size).to.equal(2);

    // The holder downloads theirs from /formazione/miei; the PDF's text says who, what, when, how many hours, the code.
    const holder = await loginAs(w.full.email);
    const mine = await holder.get('/formazione/miei');
    const pdfPath = mine.text.match(/\/formazione\/attestati\/(\d+)\/pdf/)![0];
    const pdf = await holder.get(pdfPath).buffer(true).parse(binary);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers['content-type']).to.equal('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    expect(text).to.contain('Attestato di partecipazione');
    expect(text).to.contain(w.full.name);
    expect(text).to.contain(w.bodyE.name);
    expect(text).to.contain(w.cycle.title);
    expect(text).to.contain('per un totale di 1 ore di formazione');
    const code = text.match(/Codice di verifica: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/)![1];
    expect(codes).to.include(code);
    // The QR code drawn in the PDF links to the public verification page of this code.
    const { baseUrl } = await testContext();
    expect(await qrCodesOfPdf(pdf.body as Buffer)).to.deep.equal([`${baseUrl}/formazione/verifica/${code}`]);
    // Someone else may not download it.
    expect((await (await loginAs(w.other.email)).get(pdfPath)).status).to.equal(404);

    // The public check, without a login.
    const visitor = await anonymousAgent();
    const ok = await visitor.get(`/formazione/verifica/${code}`);
    expect(ok.status).to.equal(200);
    expect(ok.text).to.contain('Attestato valido');
    expect(ok.text).to.contain(w.full.name);
    expect((await visitor.get(`/formazione/verifica?codice=${code.toLowerCase().replace(/-/g, ' ')}`)).headers.location).to.equal(`/formazione/verifica/${code}`);
    const unknown = await visitor.get('/formazione/verifica/ZZZZ-ZZZZ-ZZZZ');
    expect(unknown.status).to.equal(404);
    expect(unknown.text).to.contain('Attestato non valido');
    expect((await visitor.get('/formazione/verifica/%00<script>')).status).to.equal(404);

    // The ledger of body E: 1 hour for two people, 0 for the third, everyone below 40.
    const rtdE = await loginAs((await createUser('rtd', w.bodyE.id)).email);
    const ledger = await rtdE.get(`/formazione/ore/enti/${w.bodyE.id}?anno=${w.start.year}`);
    expect(ledger.status).to.equal(200);
    expect(ledger.text).to.contain(w.full.name);
    const csvRes = await rtdE.get(`/formazione/ore/enti/${w.bodyE.id}/csv?anno=${w.start.year}`);
    expect(csvRes.headers['content-type']).to.contain('text/csv');
    expect(csvRes.text).to.contain(`${w.full.name};${w.full.email};1,00;0,00;1,00;40;sì`);
    expect(csvRes.text).to.contain(`${w.short.name};${w.short.email};0,00;0,00;0,00;40;sì`);

    // Staff revoke with a reason: the public page says «non valido», the ledger drops the hour.
    const certId = page.text.match(new RegExp(`/formazione/attestati/(\\d+)/revoca`))![1];
    const noReason = await postForm(staff, `/formazione/cicli/${w.cycle.id}`, `/formazione/attestati/${certId}/revoca`, { reason: '', back: `/formazione/cicli/${w.cycle.id}` });
    expect(noReason.status).to.equal(302);
    const revoke = await postForm(staff, `/formazione/cicli/${w.cycle.id}`, `/formazione/attestati/${certId}/revoca`, { reason: 'Presenza registrata per errore', back: `/formazione/cicli/${w.cycle.id}` });
    expect(revoke.status).to.equal(302);
    const revokedCode = (await staff.get(`/formazione/cicli/${w.cycle.id}`)).text.match(new RegExp(`verifica/([A-Z0-9-]{14})"[^]*?Presenza registrata per errore`))![1];
    const after = await visitor.get(`/formazione/verifica/${revokedCode}`);
    expect(after.status).to.equal(404);
    expect(after.text).to.contain('Attestato non valido');
    expect(after.text).to.contain('revocato');
  });

  it('staff views: the session’s registrations as CSV (state, position, attendance, minutes) and the cycle’s totals per body', async function () {
    this.timeout(120_000);
    const { platform } = await testContext();
    const w = await heldWebinar();
    const d = w.start.toFormat('yyyy-MM-dd');
    const staff = await staffAgent();
    await upload(staff, w.session.id, ['Email,Join time,Leave time', `${w.full.email},${d} 10:00,${d} 11:00`, `${w.other.email},${d} 10:00,${d} 10:30`].join('\n'));
    await issueCertificates(platform, await staffActor(), w.cycle.id);
    const csv = await staff.get(`/formazione/sessioni/${w.session.id}/iscrizioni.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-type']).to.contain('text/csv');
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).to.equal('Nome;Email;Ente;Stato;Posizione in lista;Presenza;Minuti');
    expect(lines).to.include(`${w.full.name};${w.full.email};${w.bodyE.name};Iscrizione confermata;;Presente;60`);
    expect(lines).to.include(`${w.other.name};${w.other.email};${w.bodyF.name};Iscrizione confermata;;Assente;30`);
    expect(lines).to.include(`${w.short.name};${w.short.email};${w.bodyE.name};Iscrizione confermata;;;`);
    const page = await staff.get(`/formazione/cicli/${w.cycle.id}`);
    const totals = page.text.slice(page.text.indexOf('id="totals-h"'));
    expect(totals).to.match(/<strong>4<\/strong> iscritti/);
    expect(totals).to.match(/<strong>1<\/strong> presenze/);
    expect(totals).to.match(/<strong>1<\/strong> attestati/);
    expect(totals).to.contain(`<th scope="row">${w.bodyE.name}</th><td class="text-end">3</td><td class="text-end">1</td>`);
    expect(totals).to.contain(`<th scope="row">${w.bodyF.name}</th><td class="text-end">1</td><td class="text-end">0</td>`);
  });

  it('refuses bad report files with a clear Italian message and saves nothing', async function () {
    this.timeout(120_000);
    const w = await heldWebinar();
    const d = w.start.toFormat('yyyy-MM-dd');
    const staff = await staffAgent();
    const cases: Array<[string, Buffer | string, string]> = [
      ['missing columns', 'Nome,Email\nA,a@example.org\n', 'Nel file mancano le colonne: join time, leave time.'],
      ['reversed times', `Email,Join time,Leave time\n${w.full.email},${d} 11:00,${d} 10:00\n`, 'Riga 2: l’uscita è prima dell’ingresso.'],
      ['unreadable time', `Email,Join time,Leave time\n${w.full.email},${d} 10:00,domani\n`, 'Riga 2: l’orario di ingresso o di uscita non è leggibile'],
      ['not UTF-8', Buffer.from(`Email;Ingresso;Uscita\n${w.full.email};${d} 10:00;${d} 11:00\nJos\xe9;x;y\n`, 'latin1'), 'Il file non è in UTF-8'],
      ['empty', '', 'Il file è vuoto.'],
    ];
    for (const [what, csv, message] of cases) {
      const res = await upload(staff, w.session.id, csv);
      expect(res.status, what).to.equal(422);
      expect(res.text, what).to.contain(message);
    }
    // Nothing was saved by any of them: the register is still empty.
    const page = await staff.get(`/formazione/sessioni/${w.session.id}/presenze`);
    expect((page.text.match(/Presenza non ancora registrata\./g) ?? []).length).to.equal(4);
  });

  it('the register by hand: statuses and notes saved, a forged status refused next to the person', async function () {
    this.timeout(120_000);
    const w = await heldWebinar();
    const staff = await staffAgent();
    const page = await staff.get(`/formazione/sessioni/${w.session.id}/presenze`);
    const ids = [...page.text.matchAll(/name="status_(\d+)" value="present"/g)].map((m) => m[1]);
    expect(ids).to.have.length(4);
    const bad = await postForm(staff, `/formazione/sessioni/${w.session.id}/presenze`, `/formazione/sessioni/${w.session.id}/presenze`, { [`status_${ids[0]}`]: 'maybe', [`note_${ids[0]}`]: 'NOTA-KEPT' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Scegli presente, assente, in ritardo o assenza giustificata.');
    expect(bad.text).to.contain('NOTA-KEPT');
    const ok = await postForm(staff, `/formazione/sessioni/${w.session.id}/presenze`, `/formazione/sessioni/${w.session.id}/presenze`, { [`status_${ids[0]}`]: 'present', [`status_${ids[1]}`]: 'late', [`note_${ids[1]}`]: 'Entrato alle 10:20', [`status_${ids[2]}`]: 'excused', [`status_${ids[3]}`]: 'absent' });
    expect(ok.status).to.equal(302);
    const saved = await staff.get(`/formazione/sessioni/${w.session.id}/presenze`);
    expect(saved.text).to.contain('Entrato alle 10:20');
    expect(saved.text).to.contain('Segnato in ritardo: conta per l’attestato.');
    expect(saved.text).to.contain('Assenza giustificata: non conta per l’attestato.');
    // A member of the session may not open the register.
    expect((await (await loginAs(w.full.email)).get(`/formazione/sessioni/${w.session.id}/presenze`)).status).to.equal(404);
  });
});
