// Every coaching route that takes an id, tried by users of another body: 404 and nothing of body E
// shown or changed; a member of E reads but may not change (403); staff-only routes refuse the RTD.
import { expect } from 'chai';
import { createPlanActionFrom } from '../../../src/modules/coaching/index.js';
import { testContext } from '../../helpers/app.js';
import { anonymousAgent, csrfFrom } from '../../helpers/http.js';
import { staffActor } from '../funding/helpers.js';
import { bodyWithPeople, idFrom, questionIds, sql, staffAgent } from './helpers.js';

describe('coaching: tenancy on every route with an id', function () {
  this.timeout(180_000);
  before(() => testContext());

  it('a user of body F never reads or changes body E’s assessment, plan, sessions or evidence', async () => {
    const e = await bodyWithPeople();
    const f = await bodyWithPeople();
    const staff = await staffAgent();
    const { platform } = await testContext();
    // E's data: an assessment in progress with an evidence file, an action, a session.
    const list = await e.rtd.get(`/affiancamento/${e.body.id}/valutazioni`);
    const start = await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni`).type('form').send({ _csrf: csrfFrom(list.text) });
    const id = idFrom(start.header.location, /valutazioni\/(\d+)/);
    const [q] = await questionIds(id);
    const token = csrfFrom(list.text);
    await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni/${id}`).type('form').send({ _csrf: token, [`answer_${q.question_id}`]: 'no', [`note_${q.question_id}`]: 'Nota riservata QWERTY' });
    const up = await e.rtd
      .post(`/affiancamento/${e.body.id}/valutazioni/${id}/prove/${q.question_id}`).field('_csrf', token)
      .field('_csrf', token)
      .attach('file', Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'), 'nomina.pdf');
    expect(up.status).to.equal(302);
    const [ev] = await sql<{ id: number }>(`SELECT e.id FROM coaching_evidence e JOIN coaching_answers x ON x.id = e.answer_id WHERE x.assessment_id = :id`, { id });
    const action = await createPlanActionFrom(platform, await staffActor(), { entityId: e.body.id, title: 'Azione riservata QWERTY', dueDate: null, source: { kind: 'test', id: `t-${e.body.id}`, label: 'Prova', href: '/' } });
    const form = await staff.get(`/affiancamento/${e.body.id}/incontri/nuovo`);
    const s = await staff.post(`/affiancamento/${e.body.id}/incontri`).type('form').send({ _csrf: csrfFrom(form.text), startsAt: '2030-01-10T10:00', mode: 'presence', place: 'Municipio', minutes: 'Verbale riservato QWERTY' });
    const sid = idFrom(s.header.location, /incontri\/(\d+)/);

    const E = `/affiancamento/${e.body.id}`;
    const reads = [E, `${E}/valutazioni`, `${E}/valutazioni/${id}`, `${E}/valutazioni/${id}/revisione`, `${E}/valutazioni/${id}/obiettivi`, `${E}/valutazioni/${id}/prove/${ev.id}`,
      `${E}/piano`, `${E}/piano/azioni/${action.id}`, `${E}/piano.pdf`, `${E}/piano.csv`, `${E}/incontri`, `${E}/incontri/${sid}`, `${E}/incontri/${sid}/modifica`, `${E}/incontri/nuovo`, `${E}/incontri/prossimo.ics`, `${E}/scadenze`, `${E}/scadenze?anno=2026`];
    const fToken = csrfFrom((await f.rtd.get(`/affiancamento/${f.body.id}`)).text);
    for (const agent of [f.rtd, f.member]) {
      for (const path of reads) {
        const res = await agent.get(path);
        expect(res.status, `GET ${path}`).to.equal(404);
        expect(res.text, path).to.not.contain('QWERTY');
      }
      const writes: Array<[string, Record<string, string>]> = [
        [`${E}/valutazioni`, {}],
        [`${E}/valutazioni/${id}`, { [`answer_${q.question_id}`]: 'yes' }],
        [`${E}/valutazioni/${id}/invia`, {}],
        [`${E}/valutazioni/${id}/revisione`, { decision: 'approved' }],
        [`${E}/valutazioni/${id}/obiettivi`, { questions: String(q.question_id) }],
        [`${E}/piano/obiettivi`, { title: 'Rubato' }],
        [`${E}/piano/azioni`, { title: 'Rubata', status: 'todo' }],
        [`${E}/piano/azioni/${action.id}`, { title: 'Rubata', status: 'done' }],
        [`${E}/incontri`, { startsAt: '2030-01-01T10:00', mode: 'presence' }],
        [`${E}/incontri/${sid}/modifica`, { startsAt: '2030-01-01T10:00', mode: 'presence' }],
        [`${E}/incontri/${sid}/decisioni`, { actionId: String(action.id), status: 'done' }],
      ];
      for (const [path, fields] of writes) {
        const res = await agent.post(path).type('form').send({ _csrf: fToken, ...fields });
        expect(res.status, `POST ${path}`).to.be.oneOf([403, 404]);
        if (agent === f.rtd) expect(res.status, `POST ${path}`).to.equal(404);
      }
    }
    // E's member reads but may not answer, review or change the plan.
    expect((await e.member.get(`${E}/valutazioni/${id}`)).text).to.contain('Nota riservata QWERTY');
    const mToken = csrfFrom((await e.member.get(E)).text);
    expect((await e.member.post(`${E}/valutazioni/${id}`).type('form').send({ _csrf: mToken, [`answer_${q.question_id}`]: 'yes' })).status).to.equal(403);
    expect((await e.member.post(`${E}/piano/azioni/${action.id}`).type('form').send({ _csrf: mToken, title: 'X', status: 'done' })).status).to.equal(403);
    // E's RTD may not review or record sessions (staff only).
    expect((await e.rtd.get(`${E}/valutazioni/${id}/revisione`)).status).to.equal(403);
    expect((await e.rtd.get(`${E}/incontri/nuovo`)).status).to.equal(403);
    // Staff-only pages for body users; login for visitors.
    expect((await f.rtd.get('/affiancamento/modelli')).status).to.equal(403);
    const visitor = await anonymousAgent();
    for (const path of reads.slice(0, 4)) expect((await visitor.get(path)).status, path).to.be.oneOf([302, 401]);

    // Nothing changed.
    const [x] = await sql<{ answer: string; status: string }>(`SELECT x.answer, a.status FROM coaching_answers x JOIN coaching_assessments a ON a.id = x.assessment_id WHERE a.id = :id AND x.question_id = :q`, { id, q: q.question_id });
    expect(x).to.deep.equal({ answer: 'no', status: 'draft' });
    const [a] = await sql<{ title: string; status: string }>(`SELECT title, status FROM coaching_actions WHERE id = :id`, { id: action.id });
    expect(a).to.deep.equal({ title: 'Azione riservata QWERTY', status: 'todo' });
    expect(await sql(`SELECT 1 FROM coaching_goals WHERE entity_id = :e`, { e: e.body.id })).to.have.length(0);
  });
});
