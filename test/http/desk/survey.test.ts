import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { DeskSurvey } from '../../../src/modules/desk/models.js';
import { testContext } from '../../helpers/app.js';
import { anonymousAgent, csrfFrom } from '../../helpers/http.js';
import { bodyWithUsers, freshStaff, openRequest, post, postMessage } from './helpers.js';

/** Opens, answers and closes a request; returns the survey link mailed to the requester. */
async function closedRequestWithSurvey(): Promise<{ id: number; link: string; path: string; staff: Awaited<ReturnType<typeof freshStaff>>['agent'] }> {
  const { inbox, baseUrl } = await testContext();
  const { member, memberAgent } = await bodyWithUsers();
  const { agent: staff } = await freshStaff();
  const id = await openRequest(memberAgent, { subject: 'Richiesta da valutare' });
  await postMessage(staff, id, { internal: '', body: 'Ecco la risposta.', then: 'resolved' });
  expect((await post(staff, `/richieste/${id}/stato`, { action: 'close' })).status).to.equal(302);
  const mail = await inbox.waitFor(member.email, new RegExp(`Richiesta n\\. ${id} .*come valuti la risposta`));
  const link = new RegExp(`${baseUrl.replace(/[.:/]/g, '\\$&')}/sondaggio/[^\\s?"<]+`).exec(mail.text)![0];
  expect(mail.html).to.contain(`${link}?voto=5`);
  return { id, link, path: new URL(link).pathname, staff };
}

async function answer(path: string, fields: Record<string, string>) {
  const agent = await anonymousAgent();
  const form = await agent.get(path);
  if (form.status !== 200) return form;
  return agent.post(path).type('form').send({ _csrf: csrfFrom(form.text), ...fields });
}

describe('desk: satisfaction survey', () => {
  it('the requester answers once by the emailed link, without logging in; staff see the rating', async () => {
    const { id, path, staff } = await closedRequestWithSurvey();
    const { app } = await testContext();
    const page = await request(app).get(`${path}?voto=4`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Richiesta da valutare');
    expect(page.text).to.match(/id="rating-4" value="4" checked/);
    const res = await answer(path, { rating: '4', comment: 'Chiara e puntuale.' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Grazie per la tua valutazione');
    const survey = (await DeskSurvey.findOne({ where: { requestId: id } }))!;
    expect(survey.rating).to.equal(4);
    expect(survey.comment).to.equal('Chiara e puntuale.');
    const staffPage = await staff.get(`/richieste/${id}`);
    expect(staffPage.text).to.contain('4 su 5');
    expect(staffPage.text).to.contain('Chiara e puntuale.');
  });

  it('refuses a reused link (it works once)', async () => {
    const { path } = await closedRequestWithSurvey();
    expect((await answer(path, { rating: '5' })).status).to.equal(200);
    const again = await answer(path, { rating: '1' });
    expect(again.status).to.equal(410);
    expect(again.text).to.contain('Hai già risposto a questo questionario');
    const { app } = await testContext();
    const get = await request(app).get(path);
    expect(get.status).to.equal(410);
  });

  it('refuses a forged link: a changed or cut token, garbage, an old-style link that was never sent', async () => {
    const { path } = await closedRequestWithSurvey();
    const token = path.split('/').pop()!;
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    const forged = [
      `${token.slice(0, -1)}${flip(token.slice(-1))}`,
      `${flip(token[0])}${token.slice(1)}`,
      token.slice(0, -3),
      'qualcosa-di-inventato',
      `12.${token.slice(0, 24)}.${token}`,
    ];
    const { app } = await testContext();
    for (const t of forged) {
      const res = await request(app).get(`/sondaggio/${t}`);
      expect(res.status, t).to.equal(404);
      expect(res.text).to.contain('Il link del questionario non è valido.');
    }
    const res = await answer(`/sondaggio/${forged[0]}`, { rating: '1' });
    expect(res.status).to.equal(404);
  });

  it('refuses an expired link', async () => {
    const { id, path } = await closedRequestWithSurvey();
    const { platform } = await testContext();
    await platform.sequelize.query(
      `UPDATE single_use_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'desk_survey' AND subject_id IN (SELECT id FROM desk_surveys WHERE request_id = :id)`,
      { replacements: { id } },
    );
    const res = await answer(path, { rating: '3' });
    expect(res.status).to.equal(410);
    expect(res.text).to.contain('Il link del questionario è scaduto.');
    expect((await DeskSurvey.findOne({ where: { requestId: id } }))!.rating).to.equal(null);
  });

  it('is withdrawn when staff reopen the request', async () => {
    const { id, path, staff } = await closedRequestWithSurvey();
    const { app } = await testContext();
    expect((await request(app).get(path)).status).to.equal(200);
    expect((await post(staff, `/richieste/${id}/stato`, { action: 'reopen' })).status).to.equal(302);
    const res = await answer(path, { rating: '2' });
    expect(res.status).to.equal(410);
    expect(res.text).to.contain('la richiesta è stata riaperta');
  });

  it('asks for a rating from 1 to 5, in Italian, keeping the comment', async () => {
    const { path } = await closedRequestWithSurvey();
    const res = await answer(path, { rating: '9', comment: 'Commento da non perdere' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Scegli un voto da 1 a 5.');
    expect(res.text).to.contain('Commento da non perdere');
    expect((await answer(path, { rating: '5' })).status).to.equal(200);
  });

  it('a link in the form sent before the one token scheme still works once', async () => {
    const { platform } = await testContext();
    const { id } = await closedRequestWithSurvey();
    const survey = (await DeskSurvey.findOne({ where: { requestId: id } }))!;
    // What the migration keeps of such a link: the hash of its random part.
    const random = randomBytes(18).toString('base64url');
    await platform.sequelize.query(`UPDATE single_use_tokens SET token_hash = :hash WHERE purpose = 'desk_survey' AND subject_id = :sid`, {
      replacements: { hash: createHash('sha256').update(random).digest('hex'), sid: survey.id },
    });
    const legacy = `/sondaggio/${survey.id}.${random}.${'S'.repeat(43)}`;
    expect((await answer(legacy, { rating: '3' })).status).to.equal(200);
    expect((await DeskSurvey.findByPk(survey.id))!.rating).to.equal(3);
    expect((await answer(legacy, { rating: '1' })).status).to.equal(410);
  });
});
