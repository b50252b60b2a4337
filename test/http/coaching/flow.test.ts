// The coaching flow over HTTP: an RTD starts an assessment (with a proposal from the funding data),
// saves and resumes, submits; staff send it back and approve it; goals come from the gaps; a session
// records a decision that updates an action; the plan exports as PDF, CSV and the session as ICS.
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../../../src/platform/paths.js';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { addDays, todayInRome } from '../../../src/modules/tenders/index.js';
import { testContext } from '../../helpers/app.js';
import { csrfFrom } from '../../helpers/http.js';
import { bodyWithPeople, importApplications, idFrom, questionIds, sql, staffAgent } from './helpers.js';

async function pdfText(buffer: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(buffer), useSystemFonts: false, standardFontDataUrl: path.join(ROOT, 'node_modules', 'pdfjs-dist', 'standard_fonts') + path.sep }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    text += (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ') + '\n';
  }
  return text;
}

const binary = (res: import('superagent').Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('coaching: assessment → review → plan → session → exports', function () {
  this.timeout(180_000);
  before(() => testContext());

  it('runs the whole flow for one body, with the proposal from the PA digitale 2026 data', async () => {
    const { body, rtd, member, rtdUser } = await bodyWithPeople();
    const report = await importApplications(body.ipaCode, body.name, [{ call: '1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022', state: 'E', stateOn: '2026-04-09', cup: `B51F22${String(body.id).padStart(9, '0')}` }]);
    expect(report.files[0].created, JSON.stringify(report)).to.equal(1);
    const staff = await staffAgent();

    // The RTD lands on the body's page, then starts the assessment.
    expect((await rtd.get('/affiancamento')).header.location).to.equal(`/affiancamento/${body.id}`);
    const list = await rtd.get(`/affiancamento/${body.id}/valutazioni`);
    expect(list.status).to.equal(200);
    const start = await rtd.post(`/affiancamento/${body.id}/valutazioni`).type('form').send({ _csrf: csrfFrom(list.text) });
    expect(start.status).to.equal(302);
    const id = idFrom(start.header.location, /valutazioni\/(\d+)/);
    const page = await rtd.get(`/affiancamento/${body.id}/valutazioni/${id}?area=PLT`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Proposta dai dati PA digitale 2026');
    expect(page.text).to.contain('finanziato ed erogato il 09/04/2026');
    const qs = await questionIds(id);
    expect(qs.length).to.be.at.least(30);
    const pdnd = qs.filter((q) => q.proposed);
    expect(pdnd.map((q) => q.code).sort()).to.deep.equal(['DAT-03', 'PLT-06']);
    expect(pdnd.every((q) => q.answer === 'yes')).to.equal(true);

    // Save part of it: the proposals stay proposals until confirmed; submitting now is refused.
    const token = csrfFrom(page.text);
    const answer = (code: string) => (['SEC-01', 'SEC-02', 'ACC-01', 'CLD-01'].includes(code) ? 'no' : code === 'GOV-02' ? 'partly' : code === 'SRV-05' ? 'na' : 'yes');
    const first = Object.fromEntries(qs.filter((q) => !q.proposed).slice(0, 10).flatMap((q) => [[`answer_${q.question_id}`, answer(q.code)], [`maturity_${q.question_id}`, '2']]));
    expect((await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}`).type('form').send({ _csrf: token, ...first })).status).to.equal(302);
    const early = await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}/invia`).type('form').send({ _csrf: token });
    expect(early.status).to.equal(422);
    expect(early.text, early.text.match(/error-summary[\s\S]{0,600}/)?.[0]).to.match(/Mancano ancora \d+ risposte/);

    // The rest, without confirming the proposals: still refused; then confirmed.
    const rest = Object.fromEntries(qs.filter((q) => !q.proposed).slice(10).map((q) => [`answer_${q.question_id}`, answer(q.code)]));
    await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}`).type('form').send({ _csrf: token, ...rest, ...Object.fromEntries(pdnd.map((q) => [`answer_${q.question_id}`, 'yes'])) });
    const unconfirmed = await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}/invia`).type('form').send({ _csrf: token });
    expect(unconfirmed.status).to.equal(422);
    expect(unconfirmed.text).to.contain('proposte dai dati PA digitale 2026 da confermare');
    await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}`).type('form').send({ _csrf: token, ...Object.fromEntries(pdnd.flatMap((q) => [[`answer_${q.question_id}`, 'yes'], [`confirm_${q.question_id}`, 'on']])) });
    expect((await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}/invia`).type('form').send({ _csrf: token })).status).to.equal(302);
    const [done] = await sql<{ status: string; score: string; level: number; area_scores: Array<{ code: string; score: number | null }> }>(`SELECT status, score, level, area_scores FROM coaching_assessments WHERE id = :id`, { id });
    expect(done.status).to.equal('submitted');
    // SEC: weights 3,3,2,1,1 with SEC-01 and SEC-02 "no" → 4/10.
    expect(done.area_scores.find((a) => a.code === 'SEC')!.score).to.equal(40);
    // SRV-05 "non pertinente" is left out: SRV is all yes.
    expect(done.area_scores.find((a) => a.code === 'SRV')!.score).to.equal(100);
    expect(Number(done.score)).to.be.within(0, 100);
    expect(done.level).to.be.within(1, 5);
    // A submitted assessment no longer takes answers.
    const late = await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}`).type('form').send({ _csrf: token, [`answer_${qs[0].question_id}`]: 'no' });
    expect(late.status).to.equal(422);
    expect(late.text).to.contain('non si può più modificare');

    // Staff: sending back needs a reason; then approve with a comment.
    const review = await staff.get(`/affiancamento/${body.id}/valutazioni/${id}/revisione`);
    expect(review.status).to.equal(200);
    const staffToken = csrfFrom(review.text);
    const why = await staff.post(`/affiancamento/${body.id}/valutazioni/${id}/revisione`).type('form').send({ _csrf: staffToken, decision: 'returned' });
    expect(why.status).to.equal(422);
    expect(why.text).to.contain('scrivi una nota o un commento');
    const ok = await staff.post(`/affiancamento/${body.id}/valutazioni/${id}/revisione`).type('form').send({ _csrf: staffToken, decision: 'approved', [`comment_${qs[0].question_id}`]: 'Allegate la delibera di nomina.' });
    expect(ok.status).to.equal(302);
    const approved = await member.get(`/affiancamento/${body.id}/valutazioni/${id}`);
    expect(approved.text).to.contain('Allegate la delibera di nomina.');
    expect(approved.text).to.contain('Approvata');

    // Goals from the gaps: the four "no" and the "in parte".
    const gaps = await rtd.get(`/affiancamento/${body.id}/valutazioni/${id}/obiettivi`);
    expect(gaps.status).to.equal(200);
    const gapIds = qs.filter((q) => answer(q.code) === 'no' || answer(q.code) === 'partly').map((q) => String(q.question_id));
    const made = await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}/obiettivi`).type('form').send({ _csrf: csrfFrom(gaps.text), questions: gapIds });
    expect(made.status).to.equal(302);
    const goals = await sql<{ id: number; question_code: string }>(`SELECT id, question_code FROM coaching_goals WHERE entity_id = :e ORDER BY id`, { e: body.id });
    expect(goals.map((g) => g.question_code).sort()).to.deep.equal(['ACC-01', 'CLD-01', 'GOV-02', 'SEC-01', 'SEC-02']);
    // Asking again creates nothing twice.
    const again = await rtd.post(`/affiancamento/${body.id}/valutazioni/${id}/obiettivi`).type('form').send({ _csrf: csrfFrom(gaps.text), questions: gapIds });
    expect(again.status).to.equal(422);

    // An action of the plan: due before the goal existed, or owned by another body's user, is refused.
    const plan = await rtd.get(`/affiancamento/${body.id}/piano`);
    const planToken = csrfFrom(plan.text);
    const early2 = await rtd.post(`/affiancamento/${body.id}/piano/azioni`).type('form').send({ _csrf: planToken, title: 'Nomina del responsabile della sicurezza', goalId: String(goals[0].id), dueOn: addDays(todayInRome(), -3), status: 'todo' });
    expect(early2.status).to.equal(422);
    expect(early2.text).to.contain('non può precedere la creazione');
    expect(early2.text).to.contain('Nomina del responsabile della sicurezza');
    const other = await bodyWithPeople();
    const foreign = await rtd.post(`/affiancamento/${body.id}/piano/azioni`).type('form').send({ _csrf: planToken, title: 'Azione', ownerId: String(other.rtdUser.id), status: 'todo' });
    expect(foreign.status).to.equal(422);
    expect(foreign.text).to.contain('utente di questo ente o un operatore del centro');
    const created = await rtd.post(`/affiancamento/${body.id}/piano/azioni`).type('form').send({ _csrf: planToken, title: 'Nomina del responsabile della sicurezza', goalId: String(goals[0].id), ownerId: String(rtdUser.id), dueOn: addDays(todayInRome(), 30), status: 'todo' });
    expect(created.status).to.equal(302);
    const [action] = await sql<{ id: number }>(`SELECT id FROM coaching_actions WHERE entity_id = :e AND title = 'Nomina del responsabile della sicurezza'`, { e: body.id });

    // A session: its decision moves the action to "in corso" at 50 %, in the history with the session.
    const form = await staff.get(`/affiancamento/${body.id}/incontri/nuovo`);
    const noLink = await staff.post(`/affiancamento/${body.id}/incontri`).type('form').send({ _csrf: csrfFrom(form.text), startsAt: `${addDays(todayInRome(), 7)}T10:00`, mode: 'online', link: '' });
    expect(noLink.status).to.equal(422);
    expect(noLink.text).to.contain('indica il collegamento');
    const session = await staff.post(`/affiancamento/${body.id}/incontri`).type('form').send({
      _csrf: csrfFrom(form.text), startsAt: `${addDays(todayInRome(), 7)}T10:00`, durationMinutes: '90', mode: 'online', link: 'https://meet.example.org/rtd', participants: 'RTD, segretario comunale', agenda: 'Sicurezza', minutes: 'Si decide di nominare il responsabile della sicurezza entro il mese.',
    });
    expect(session.status).to.equal(302);
    const sid = idFrom(session.header.location, /incontri\/(\d+)/);
    const sessionPage = await staff.get(`/affiancamento/${body.id}/incontri/${sid}`);
    const decided = await staff.post(`/affiancamento/${body.id}/incontri/${sid}/decisioni`).type('form').send({ _csrf: csrfFrom(sessionPage.text), actionId: String(action.id), status: 'doing', progress: '50', note: 'Bozza di decreto pronta' });
    expect(decided.status).to.equal(302);
    const [after] = await sql<{ status: string; progress: number }>(`SELECT status, progress FROM coaching_actions WHERE id = :id`, { id: action.id });
    expect(after).to.deep.equal({ status: 'doing', progress: 50 });
    const history = await sql<{ session_id: number | null; note: string | null }>(`SELECT session_id, note FROM coaching_action_events WHERE action_id = :id ORDER BY id`, { id: action.id });
    expect(history.at(-1)).to.deep.equal({ session_id: sid, note: 'Bozza di decreto pronta' });
    expect((await rtd.get(`/affiancamento/${body.id}/piano/azioni/${action.id}`)).text).to.contain('Bozza di decreto pronta');

    // Exports: the plan's PDF has the title as text; the CSV too; the next session as ICS.
    const pdf = await member.get(`/affiancamento/${body.id}/piano.pdf`).buffer(true).parse(binary);
    expect(pdf.status).to.equal(200);
    expect(pdf.header['content-type']).to.equal('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    expect(text).to.contain(`Piano di transizione digitale del ${body.name}`);
    expect(text).to.contain('Nomina del responsabile della sicurezza');
    const csv = await member.get(`/affiancamento/${body.id}/piano.csv`);
    expect(csv.header['content-type']).to.contain('text/csv');
    expect(csv.text).to.contain(`Piano di transizione digitale del ${body.name}`);
    expect(csv.text).to.contain('Nomina del responsabile della sicurezza;');
    const ics = await member.get(`/affiancamento/${body.id}/incontri/prossimo.ics`);
    expect(ics.status).to.equal(200);
    expect(ics.text).to.contain('BEGIN:VEVENT');
    expect(ics.text).to.contain(`coaching-session-${sid}@cithub`);

    // A repeat starts from the last answers.
    const list2 = await rtd.get(`/affiancamento/${body.id}/valutazioni`);
    const repeat = await rtd.post(`/affiancamento/${body.id}/valutazioni`).type('form').send({ _csrf: csrfFrom(list2.text) });
    const id2 = idFrom(repeat.header.location, /valutazioni\/(\d+)/);
    const qs2 = await questionIds(id2);
    expect(qs2.find((q) => q.code === 'SEC-01')!.answer).to.equal('no');
    expect(qs2.filter((q) => q.proposed)).to.have.length(0);
    // Only one assessment in progress at a time.
    const third = await rtd.post(`/affiancamento/${body.id}/valutazioni`).type('form').send({ _csrf: csrfFrom(list2.text) });
    expect(third.status).to.equal(422);
  });
});
