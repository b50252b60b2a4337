import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody } from '../../helpers/factories.js';
import { loginAs } from '../../helpers/http.js';
import { bodyWithUsers, count, executable, openRequest, pdf, postRequest, requestFields, requestRow, type CsrfAgent } from './helpers.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describe('desk: opening a request', () => {
  it('a member opens a request with an attachment for their own body, and it starts as «Nuova» with its history', async () => {
    const { body, member, memberAgent } = await bodyWithUsers();
    const id = await openRequest(memberAgent, { subject: 'Conservazione dei contratti firmati digitalmente' }, [{ buffer: pdf(), name: 'contratto.pdf' }]);
    const row = await requestRow(id);
    expect(row.entityId).to.equal(body.id);
    expect(row.requesterId).to.equal(member.id);
    expect(row.state).to.equal('new');
    expect(row.firstResponseDueAt).to.be.instanceOf(Date);
    expect(row.resolutionDueAt).to.be.instanceOf(Date);
    const page = await memberAgent.get(`/richieste/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Conservazione dei contratti firmati digitalmente');
    expect(page.text).to.contain('contratto.pdf');
    expect(page.text).to.contain('Aperta da');
    const attachmentId = /\/allegati\/(\d+)"/.exec(page.text)![1];
    const file = await memberAgent.get(`/richieste/${id}/allegati/${attachmentId}`).buffer(true);
    expect(file.status).to.equal(200);
    expect(file.headers['content-disposition']).to.match(/^attachment; filename="contratto\.pdf"/);
    expect(file.headers['x-content-type-options']).to.equal('nosniff');
    expect(file.body.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
  });

  it('step 1 checks the fields and shows step 2 with the attachments field and the suggested articles', async () => {
    const { memberAgent } = await bodyWithUsers();
    const token = await memberAgent.csrf('/richieste/nuova');
    const res = await memberAgent
      .post('/richieste/nuova')
      .type('form')
      .send({ _csrf: token, category: 'legal', priority: 'normal', subject: 'Informativa privacy per le prenotazioni online', description: 'Serve una nuova informativa?' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Passo 2 di 2');
    expect(res.text).to.contain('name="attachments"');
    expect(res.text).to.contain('Informativa privacy per i servizi di prenotazione online');
  });

  it('every member of a body sees all of the body’s requests, including those opened by colleagues', async () => {
    const { memberAgent, rtdAgent } = await bodyWithUsers();
    const id = await openRequest(rtdAgent, { subject: 'Richiesta aperta dalla RTD' });
    const list = await memberAgent.get('/richieste');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain('Richiesta aperta dalla RTD');
    expect((await memberAgent.get(`/richieste/${id}`)).status).to.equal(200);
  });

  describe('bad input', () => {
    let agent: CsrfAgent;
    let bodyId: number;
    before(async () => {
      const b = await bodyWithUsers();
      agent = b.memberAgent;
      bodyId = b.body.id;
    });
    const requestsOfBody = () => count('SELECT count(*) AS n FROM desk_requests WHERE entity_id = :bodyId', { bodyId });
    /** Stored copies of this exact content: a file of the test's own, told apart from every other test's. */
    const storedCopies = (content: Buffer) => count('SELECT count(*) AS n FROM stored_files WHERE sha256 = :sha', { sha: createHash('sha256').update(content).digest('hex') });

    it('refuses a request for another body (403) and saves nothing', async () => {
      const other = await createBody();
      const before = await count('SELECT count(*) AS n FROM desk_requests WHERE entity_id = :id', { id: other.id });
      const res = await postRequest(agent, requestFields({ entityId: String(other.id), subject: 'Richiesta per un altro ente' }));
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('Puoi aprire richieste solo per il tuo ente.');
      expect(await count('SELECT count(*) AS n FROM desk_requests WHERE entity_id = :id', { id: other.id })).to.equal(before);
      expect(await count("SELECT count(*) AS n FROM desk_requests WHERE subject = 'Richiesta per un altro ente'")).to.equal(0);
    });

    it('refuses the first step for another body too', async () => {
      const other = await createBody();
      const token = await agent.csrf('/richieste/nuova');
      const res = await agent.post('/richieste/nuova').type('form').send({ _csrf: token, ...requestFields({ entityId: String(other.id) }) });
      expect(res.status).to.equal(403);
    });

    it('refuses a request with no subject with an Italian message next to the field, keeping what was typed', async () => {
      const before = await requestsOfBody();
      const res = await postRequest(agent, requestFields({ subject: '   ', description: 'Descrizione che deve restare nel modulo' }));
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('L&#39;oggetto è obbligatorio.');
      expect(res.text).to.contain('Descrizione che deve restare nel modulo');
      expect(await requestsOfBody()).to.equal(before);
    });

    it('refuses a request with no subject at the first step too', async () => {
      const token = await agent.csrf('/richieste/nuova');
      const res = await agent.post('/richieste/nuova').type('form').send({ _csrf: token, ...requestFields({ subject: '' }) });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('L&#39;oggetto è obbligatorio.');
    });

    it('refuses an executable renamed .pdf, and nothing is half-saved (no request, no file)', async () => {
      const good = pdf(`buono ${Date.now()} ${Math.random()}`);
      const requestsBefore = await requestsOfBody();
      expect(await storedCopies(good)).to.equal(0);
      const res = await postRequest(agent, requestFields({ subject: 'Con un eseguibile travestito' }), [
        { buffer: good, name: 'buono.pdf' },
        { buffer: executable(), name: 'delibera.pdf' },
      ]);
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Il file «delibera.pdf» non è di un tipo ammesso');
      expect(res.text).to.contain('Con un eseguibile travestito');
      expect(await requestsOfBody()).to.equal(requestsBefore);
      // The good file, checked before the bad one, was not kept either.
      expect(await storedCopies(good)).to.equal(0);
    });

    it('refuses 30 attachments with a clear message and saves nothing', async () => {
      const before = await requestsOfBody();
      const files = Array.from({ length: 30 }, (_, i) => ({ buffer: pdf(`n. ${i}`), name: `allegato-${i + 1}.pdf` }));
      const res = await postRequest(agent, requestFields({ subject: 'Con trenta allegati' }), files);
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Puoi allegare al massimo 10 file.');
      expect(await requestsOfBody()).to.equal(before);
    });

    it('refuses a 100 MB file with a clear message and saves nothing', async function () {
      this.timeout(120_000);
      const before = await requestsOfBody();
      const big = Buffer.alloc(100 * 1024 * 1024, 0x20);
      big.write('%PDF-1.4\n', 0, 'latin1');
      const res = await postRequest(agent, requestFields({ subject: 'Con un file enorme' }), [{ buffer: big, name: 'enorme.pdf' }]);
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/Un file supera la dimensione massima di \d+ MB\./);
      expect(await requestsOfBody()).to.equal(before);
    });

    it('refuses an unknown category or priority with Italian messages', async () => {
      const res = await postRequest(agent, requestFields({ category: 'astrologia', priority: 'subito' }));
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Scegli la categoria della richiesta.');
      expect(res.text).to.contain('Scegli la priorità.');
    });

    it('does not let staff open requests (they answer them)', async () => {
      const staff = (await loginAs('staff@cithub.example')) as CsrfAgent;
      expect((await staff.get('/richieste/nuova')).status).to.equal(403);
      const res = await postRequest(staff, requestFields());
      expect(res.status).to.equal(403);
    });

    it('asks visitors to log in', async () => {
      const { app } = await testContext();
      const { default: request } = await import('supertest');
      const res = await request(app).get('/richieste');
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('/login');
    });
  });

  describe('reuse requests from a catalogue asset', () => {
    let slug: string;
    let name: string;
    before(async () => {
      // A published asset of the catalogue's demo data (the desk does not create catalogue data).
      const { platform } = await testContext();
      const [asset] = await platform.sequelize.query<{ slug: string; name: string }>("SELECT slug, name FROM catalog_assets WHERE status = 'published' ORDER BY id LIMIT 1", { type: QueryTypes.SELECT });
      ({ slug, name } = asset);
    });

    it('pre-fills a «riuso» request linked to the asset and keeps the link on the request', async () => {
      const { memberAgent } = await bodyWithUsers();
      const form = await memberAgent.get(`/richieste/nuova?asset=${slug}`);
      expect(form.status).to.equal(200);
      expect(form.text).to.contain(`Supporto al riuso di «${escape(name)}»`);
      expect(form.text).to.match(/<option value="reuse" selected>/);
      expect(form.text).to.contain(`name="asset" value="${slug}"`);
      const id = await openRequest(memberAgent, { category: 'reuse', asset: slug, subject: `Supporto al riuso di «${name}»` });
      const row = await requestRow(id);
      expect(row.assetSlug).to.equal(slug);
      expect(row.assetName).to.equal(name);
      expect(row.assetId).to.be.a('number');
      const page = await memberAgent.get(`/richieste/${id}`);
      expect(page.text).to.contain(`href="/catalogo/${slug}"`);
    });

    it('links the demo reuse requests to the catalogue assets they are about (read through the catalogue)', async () => {
      const { platform } = await testContext();
      const [row] = await platform.sequelize.query<{ asset_id: number | null; asset_slug: string | null; slug: string }>(
        `SELECT r.asset_id, r.asset_slug, a.slug FROM desk_requests r JOIN catalog_assets a ON a.name = 'Prenota Uffici' AND a.status = 'published'
          WHERE r.subject = 'Riuso di Prenota Uffici per gli sportelli comunali'`,
        { type: QueryTypes.SELECT },
      );
      expect(row, 'the demo reuse request').to.not.equal(undefined);
      expect(row.asset_id).to.be.a('number');
      expect(row.asset_slug).to.equal(row.slug);
    });

    it('says so when the asset does not exist or is not published', async () => {
      const { memberAgent } = await bodyWithUsers();
      const form = await memberAgent.get('/richieste/nuova?asset=non-esiste-davvero');
      expect(form.status).to.equal(200);
      expect(form.text).to.contain('La soluzione del catalogo indicata non esiste o non è pubblicata.');
      const res = await postRequest(memberAgent, requestFields({ asset: 'non-esiste-davvero' }));
      expect(res.status).to.equal(422);
    });
  });

  it('records the creation in the audit log', async () => {
    const { platform } = await testContext();
    const { memberAgent } = await bodyWithUsers();
    const id = await openRequest(memberAgent);
    const rows = await platform.sequelize.query<{ action: string }>(`SELECT action FROM audit_log WHERE subject_type = 'desk_request' AND subject_id = :id`, { replacements: { id: String(id) }, type: QueryTypes.SELECT });
    expect(rows.map((r) => r.action)).to.include('desk.request-created');
  });
});
