// The staff's views: the list of every body filtered by province, population band, level and coach;
// a body's history as a chart with its numbers as a table; a repeat assessment shows what changed.
import { expect } from 'chai';
import { saveAnswers, startAssessment, submitAssessment } from '../../../src/modules/coaching/assessments.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom } from '../../helpers/http.js';
import { bodyWithPeople, peerWithAssessment, questionIds, sql, staffAgent } from './helpers.js';

const namesIn = (html: string, names: string[]) => names.filter((n) => html.includes(n));

describe('coaching: staff list, history and changes', function () {
  this.timeout(180_000);
  before(() => testContext());

  it('filters the list by province, band, level and coach; a body user is sent to their own body', async () => {
    const tag = Date.now().toString(36).slice(-4);
    const province = 'QZ';
    const small = await peerWithAssessment(3_000, () => 'yes', { provinceCode: province, name: `Comune di Piccolo ${tag}` });
    const middle = await peerWithAssessment(12_000, (c) => (c.startsWith('SEC') ? 'no' : 'partly'), { provinceCode: province, name: `Comune di Medio ${tag}` });
    const none = await createBody({ population: 150_000, provinceCode: province, name: `Comune di Grande ${tag}` });
    const names = [small.body.name, middle.body.name, none.name];
    const levels = await sql<{ entity_id: number; level: number }>(`SELECT entity_id, level FROM coaching_assessments WHERE entity_id IN (:ids)`, { ids: [small.body.id, middle.body.id] });
    const levelOf = (id: number) => levels.find((l) => l.entity_id === id)!.level;
    expect(levelOf(small.body.id)).to.equal(5);
    const staff = await staffAgent();
    const list = async (q: string) => {
      const res = await staff.get(`/affiancamento?province=${province}${q}`);
      expect(res.status).to.equal(200);
      return namesIn(res.text, names);
    };
    expect(await list('')).to.deep.equal(names);
    expect(await list('&band=upTo5k')).to.deep.equal([small.body.name]);
    expect(await list('&band=over100k')).to.deep.equal([none.name]);
    expect(await list(`&level=${levelOf(middle.body.id)}`)).to.deep.equal([middle.body.name]);
    expect(await list('&level=0')).to.deep.equal([none.name]);
    // A coach for the middle one: the coach filter finds it alone.
    const coach = await createUser('staff', null);
    const page = await staff.get(`/affiancamento/${middle.body.id}`);
    expect((await staff.post(`/affiancamento/${middle.body.id}/coach`).type('form').send({ _csrf: csrfFrom(page.text), coachId: String(coach.id) })).status).to.equal(302);
    expect(await list(`&coach=${coach.id}`)).to.deep.equal([middle.body.name]);
    // The row shows the scores per area; garbage filters are ignored, never a 500.
    const row = (await staff.get(`/affiancamento?province=${province}&band=upTo20k`)).text;
    expect(row).to.contain(middle.body.name).and.contain('SEC');
    expect((await staff.get(`/affiancamento?province=${province}&band=nope&level=9&coach=abc&page=-3`)).status).to.equal(200);
    // Body users never see the list: they land on their own body.
    const e = await bodyWithPeople();
    expect((await e.member.get('/affiancamento')).header.location).to.equal(`/affiancamento/${e.body.id}`);
    expect((await e.member.get(`/affiancamento?province=${province}`)).text).to.not.contain(middle.body.name);
  });

  it('a repeat assessment shows what changed, and the body page charts both with the numbers in a table', async () => {
    const { platform } = await testContext();
    const first = await peerWithAssessment(8_000, () => 'partly');
    const { body, actor } = first;
    const id2 = await startAssessment(platform, actor, body.id, {});
    const qs = await questionIds(id2);
    const changed = qs[0];
    expect(qs.every((q) => q.answer === 'partly')).to.equal(true);
    await saveAnswers(platform, actor, body.id, id2, { [`answer_${changed.question_id}`]: 'yes', ...Object.fromEntries(qs.filter((q) => q.proposed).map((q) => [`confirm_${q.question_id}`, 'on'])) });
    const staff = await staffAgent();
    const page = await staff.get(`/affiancamento/${body.id}/valutazioni/${id2}`);
    expect(page.text).to.contain('Cambiata: prima era «In parte»');
    expect(page.text.match(/Cambiata: prima era/g)).to.have.length(1);
    await submitAssessment(platform, actor, body.id, id2);
    const bodyPage = await staff.get(`/affiancamento/${body.id}`);
    expect(bodyPage.text).to.contain('<svg').and.contain('Punteggio complessivo per autovalutazione');
    const [a1, a2] = await sql<{ score: string }>(`SELECT score FROM coaching_assessments WHERE entity_id = :e ORDER BY id`, { e: body.id });
    expect(Number(a2.score)).to.be.greaterThan(Number(a1.score));
    const table = bodyPage.text.slice(bodyPage.text.indexOf('Punteggi per autovalutazione e per area'));
    const fmt = (n: string) => String(Number(n)).replace('.', ',');
    expect(table).to.contain(fmt(a1.score)).and.contain(fmt(a2.score));
  });
});
