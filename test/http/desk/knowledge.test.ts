import { expect } from 'chai';
import request from 'supertest';
import { KbArticle } from '../../../src/modules/desk/models.js';
import { testContext } from '../../helpers/app.js';
import { bodyWithUsers, count, freshStaff, openRequest, post, postMessage } from './helpers.js';

describe('desk: knowledge base', () => {
  let staff: Awaited<ReturnType<typeof freshStaff>>['agent'];
  let requestId: number;
  let bodyName: string;
  let shortName: string;
  let memberAgent: Awaited<ReturnType<typeof bodyWithUsers>>['memberAgent'];

  before(async () => {
    const b = await bodyWithUsers();
    memberAgent = b.memberAgent;
    bodyName = b.body.name;
    shortName = bodyName.replace(/^Comune di /, '');
    staff = (await freshStaff()).agent;
    requestId = await openRequest(memberAgent, {
      subject: `Accesso civico generalizzato al ${bodyName}`,
      description: `Il ${bodyName} ha ricevuto una richiesta di accesso civico generalizzato ai verbali delle commissioni. Entro quanto dobbiamo rispondere? Scrive ${b.member.name}.`,
    });
    await postMessage(staff, requestId, { internal: 'on', body: 'NOTA-KB: non riportare nell’articolo' });
    await postMessage(staff, requestId, { internal: '', body: `Il termine è di trenta giorni (art. 5 d.lgs. 33/2013). Per ${shortName} valgono le stesse regole di ogni ente.`, then: 'resolved' });
  });

  it('drafts an anonymised article from a resolved request, without internal notes', async () => {
    const res = await staff.get(`/conoscenza/nuovo?richiesta=${requestId}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Il termine è di trenta giorni');
    expect(res.text).to.contain('[ente]');
    expect(res.text).to.contain('[nome]');
    expect(res.text).to.not.contain(bodyName);
    expect(res.text).to.not.contain(`Per ${shortName}`);
    expect(res.text).to.not.contain('NOTA-KB');
  });

  it('refuses to draft from a request still open', async () => {
    const id = await openRequest(memberAgent);
    const res = await staff.get(`/conoscenza/nuovo?richiesta=${id}`);
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('Si può trarre un articolo solo da una richiesta risolta o chiusa.');
  });

  it('refuses to save an article that still names the body unless staff choose to show it', async () => {
    const fields = { title: 'Termini dell’accesso civico generalizzato', summary: '', body: `Il ${bodyName} deve rispondere entro trenta giorni.`, category: 'legal', tags: 'trasparenza, accesso civico', status: 'published', sourceRequestId: String(requestId) };
    const refused = await post(staff, '/conoscenza', fields);
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain(`Il testo contiene ancora «${bodyName}»`);
    expect(await count('SELECT count(*) AS n FROM kb_articles WHERE source_request_id = :requestId', { requestId })).to.equal(0);
    const shown = await post(staff, '/conoscenza', { ...fields, showBody: 'on' });
    expect(shown.status).to.equal(302);
    const page = await request((await testContext()).app).get(shown.headers.location);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`Dalla richiesta di ${bodyName}`);
  });

  it('publishes articles to everyone, keeps drafts for staff', async () => {
    const { app } = await testContext();
    const created = await post(staff, '/conoscenza', { title: 'Bozza sulle attività di conservazione', summary: '', body: 'Testo della bozza.', category: 'technical', tags: '', status: 'draft' });
    expect(created.status).to.equal(302);
    const path = created.headers.location;
    expect((await request(app).get(path)).status).to.equal(404);
    expect((await memberAgent.get(path)).status).to.equal(404);
    expect((await staff.get(path)).status).to.equal(200);
    expect((await request(app).get('/conoscenza')).text).to.not.contain('Bozza sulle attività di conservazione');
    const slug = path.split('/').pop()!;
    const token = await staff.csrf(`${path}/modifica`);
    const published = await staff.post(path).type('form').send({ _csrf: token, title: 'Bozza sulle attività di conservazione', summary: 'Ora pubblica.', body: 'Testo della bozza.', category: 'technical', tags: 'conservazione', status: 'published' });
    expect(published.status).to.equal(302);
    expect((await request(app).get(path)).status).to.equal(200);
    expect((await KbArticle.findOne({ where: { slug } }))!.publishedAt).to.be.instanceOf(Date);
  });

  it('is searchable with Italian full-text search: word forms and accents', async () => {
    const { app } = await testContext();
    const forms = await request(app).get('/conoscenza?q=informative+prenotazioni');
    expect(forms.status).to.equal(200);
    expect(forms.text).to.contain('Informativa privacy per i servizi di prenotazione online');
    const accents = await request(app).get('/conoscenza?q=attivita+conservazione');
    expect(accents.text).to.contain('Bozza sulle attività di conservazione');
    const none = await request(app).get('/conoscenza?q=astronavi+marziane');
    expect(none.text).to.contain('Nessun articolo trovato');
  });

  it('filters by category and tag', async () => {
    const { app } = await testContext();
    const byTag = await request(app).get('/conoscenza?tag=privacy');
    expect(byTag.text).to.contain('Informativa privacy per i servizi di prenotazione online');
    expect(byTag.text).to.not.contain('Adottare in riuso il regolamento');
    const byCategory = await request(app).get('/conoscenza?category=reuse');
    expect(byCategory.text).to.contain('Adottare in riuso il regolamento');
    expect(byCategory.text).to.not.contain('Informativa privacy per i servizi');
  });

  it('suggests published articles while a subject is typed (JSON for the script)', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/conoscenza/suggerimenti.json?q=informat');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('application/json');
    expect(res.body.articles.map((a: { title: string }) => a.title)).to.include('Informativa privacy per i servizi di prenotazione online');
    expect(res.body.articles[0].url).to.match(/^\/conoscenza\/[a-z0-9-]+$/);
    const empty = await request(app).get('/conoscenza/suggerimenti.json?q=%27%3B%20drop');
    expect(empty.status).to.equal(200);
    expect(empty.body.articles).to.deep.equal([]);
  });
});
