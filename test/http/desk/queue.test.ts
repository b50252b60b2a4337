import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { createRequest } from '../../../src/modules/desk/service.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { actorOf, bodyWithUsers, freshStaff, post, requestFields, requestRow } from './helpers.js';

describe('desk: staff queue, CSV and reports', () => {
  let bodyId: number;
  let bodyName: string;
  let old: number;
  let urgent: number;
  let procurement: number;
  let s1: Awaited<ReturnType<typeof freshStaff>>;
  let s2: Awaited<ReturnType<typeof freshStaff>>;

  before(async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    bodyId = b.body.id;
    bodyName = b.body.name;
    const actor = actorOf(b.member);
    old = (await createRequest(platform, actor, requestFields({ category: 'legal', subject: 'Vecchia richiesta legale in ritardo' }), [], new Date(Date.now() - 30 * 86_400_000))).id;
    urgent = (await createRequest(platform, actor, requestFields({ category: 'technical', priority: 'urgent', subject: 'Servizio fermo, urgente' }), [])).id;
    procurement = (await createRequest(platform, actor, requestFields({ category: 'procurement', subject: 'Dubbio su una procedura negoziata' }), [])).id;
    s1 = await freshStaff();
    s2 = await freshStaff();
    expect((await post(s2.agent, `/richieste/${old}/assegna`, { assigneeId: String(s1.user.id) })).status).to.equal(302);
  });

  const ids = (html: string) => [...html.matchAll(/href="\/richieste\/(\d+)">n\./g)].map((m) => Number(m[1]));

  it('shows the open requests of every body with filters by body and category', async () => {
    const res = await s1.agent.get(`/richieste?entity=${bodyId}&category=legal`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Coda delle richieste');
    expect(ids(res.text)).to.deep.equal([old]);
    const byPriority = await s1.agent.get(`/richieste?entity=${bodyId}&priority=urgent`);
    expect(ids(byPriority.text)).to.deep.equal([urgent]);
  });

  it('filters by a body typed by name or codice IPA, exact matches before partial ones, and shows it in the field', async () => {
    const { platform } = await testContext();
    // Two bodies whose names share a stem: the exact name picks one, the stem both.
    const stem = `Valle Prova ${Date.now().toString(36)}`;
    const a = await createBody({ name: `Comune di ${stem}` });
    const b = await createBody({ name: `Comune di ${stem} Superiore` });
    const [onA, onB] = await Promise.all(
      [a, b].map(async (body) => (await createRequest(platform, actorOf(await createUser('member', body.id)), requestFields({ subject: `Richiesta di ${body.name}` }), [])).id),
    );
    const byName = (text: string) => s1.agent.get(`/richieste?state=all&entityName=${encodeURIComponent(text)}`);
    expect(ids((await byName(a.name)).text)).to.deep.equal([onA]);
    expect(ids((await byName(a.name.toUpperCase())).text)).to.deep.equal([onA]);
    expect(ids((await byName(b.ipaCode)).text)).to.deep.equal([onB]);
    expect(ids((await byName(stem.toLowerCase())).text).sort()).to.deep.equal([onA, onB].sort());
    expect(ids((await byName('nessun ente si chiama così')).text)).to.deep.equal([]);
    // A LIKE wildcard typed by the user is a character, not a pattern.
    expect(ids((await byName('%')).text)).to.deep.equal([]);
    // The field keeps what was typed; a link by id shows the body's name, which the form sends back.
    expect((await byName(stem)).text).to.contain(`name="entityName" type="search" class="form-control" value="${stem}"`);
    const linked = await s1.agent.get(`/richieste?entity=${a.id}&state=all`);
    expect(linked.text).to.contain(`value="${a.name}"`);
    expect(ids(linked.text)).to.deep.equal([onA]);
    // The CSV follows the same filter.
    const csv = parse((await s1.agent.get(`/richieste/export.csv?state=all&entityName=${encodeURIComponent(stem)}`)).text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
    expect(csv.map((r) => Number(r.numero)).sort()).to.deep.equal([onA, onB].sort());
    // The suggestions: the exact name first, then the others by name.
    const suggest = await s1.agent.get(`/enti/suggerimenti.json?q=${encodeURIComponent(a.name)}`);
    expect(suggest.status).to.equal(200);
    expect(suggest.body.bodies.map((x: { name: string }) => x.name)).to.deep.equal([a.name, b.name]);
    expect(suggest.body.bodies[0].ipaCode).to.equal(a.ipaCode);
    expect((await s1.agent.get('/enti/suggerimenti.json?q=x')).body.bodies).to.deep.equal([]);
  });

  it('counts a long list only a thousand rows past the page, and says so', async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    // Closed requests of this test's own body only, straight in the table: the list does not care how they came.
    await platform.sequelize.query(
      `INSERT INTO desk_requests (entity_id, requester_id, subject, description, category, priority, state)
         SELECT :e, :u, 'Richiesta in blocco ' || g, 'Descrizione', 'other', 'low', 'closed' FROM generate_series(1, 1005) g`,
      { replacements: { e: b.body.id, u: b.member.id } },
    );
    const first = await s1.agent.get(`/richieste?entity=${b.body.id}&state=all`);
    expect(first.text).to.contain('Risultati da 1 a 20 su oltre 1000');
    expect(first.text).not.to.contain('page=50"');
    const deeper = await s1.agent.get(`/richieste?entity=${b.body.id}&state=all&page=40`);
    expect(deeper.text).to.contain('Risultati da 781 a 800 su 1005');
    expect(deeper.text).to.contain('page=51"');
  });

  it('«assegnate a me» lists the operator’s own queue', async () => {
    const res = await s1.agent.get('/richieste?assignee=me');
    expect(ids(res.text)).to.deep.equal([old]);
    const none = await s1.agent.get(`/richieste?entity=${bodyId}&assignee=none`);
    expect(ids(none.text).sort()).to.deep.equal([urgent, procurement].sort());
  });

  it('highlights and filters the overdue requests', async () => {
    const res = await s1.agent.get(`/richieste?entity=${bodyId}&overdue=1`);
    expect(ids(res.text)).to.deep.equal([old]);
    expect(res.text).to.contain('desk-row-breached');
    expect(res.text).to.contain('(scaduta)');
    const row = await requestRow(old);
    expect(row.resolutionDueAt!.getTime()).to.be.lessThan(Date.now());
  });

  it('sorts by due time, priority or creation', async () => {
    const due = ids((await s1.agent.get(`/richieste?entity=${bodyId}&sort=due`)).text);
    expect(due[0]).to.equal(old);
    const byPriority = ids((await s1.agent.get(`/richieste?entity=${bodyId}&sort=priority`)).text);
    expect(byPriority[0]).to.equal(urgent);
    const created = ids((await s1.agent.get(`/richieste?entity=${bodyId}&sort=created`)).text);
    expect(created.at(-1)).to.equal(old);
  });

  it('paginates without ever failing on odd page numbers', async () => {
    for (const p of ['-1', '0', 'abc', '999999']) {
      expect((await s1.agent.get(`/richieste?page=${p}`)).status, p).to.equal(200);
    }
  });

  it('assigns several requests at once, and tells the assignee', async () => {
    const { inbox } = await testContext();
    const res = await post(s1.agent, '/richieste/assegna', { ids: [String(urgent), String(procurement)], assigneeId: String(s2.user.id), back: `/richieste?entity=${bodyId}` });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal(`/richieste?entity=${bodyId}`);
    for (const id of [urgent, procurement]) {
      const row = await requestRow(id);
      expect(row.assigneeId).to.equal(s2.user.id);
      expect(row.state).to.equal('assigned');
      await inbox.waitFor(s2.user.email, new RegExp(`Richiesta n\\. ${id} .*assegnata a te`));
    }
    const page = await s1.agent.get(`/richieste?entity=${bodyId}`);
    expect(page.text).to.contain('2 richieste assegnate a');
  });

  it('explains a bulk assignment with nothing selected or no operator', async () => {
    await post(s1.agent, '/richieste/assegna', { assigneeId: String(s2.user.id) });
    expect((await s1.agent.get('/richieste')).text).to.contain('Seleziona almeno una richiesta.');
    await post(s1.agent, '/richieste/assegna', { ids: [String(urgent)], assigneeId: '' });
    expect((await s1.agent.get('/richieste')).text).to.contain('Scegli a chi assegnare la richiesta.');
  });

  it('exports the filtered list as CSV', async () => {
    const res = await s1.agent.get(`/richieste/export.csv?entity=${bodyId}&state=all`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('text/csv');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="richieste-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parse(res.text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => Number(r.numero)).sort()).to.deep.equal([old, urgent, procurement].sort());
    const legal = rows.find((r) => Number(r.numero) === old)!;
    expect(legal.ente).to.equal(bodyName);
    expect(legal.categoria).to.equal('Legale');
    expect(legal.stato).to.equal('Assegnata');
    expect(legal.scadenza_risoluzione).to.match(/^\d{4}-\d{2}-\d{2}T/);
    const legalOnly = parse((await s1.agent.get(`/richieste/export.csv?entity=${bodyId}&category=legal`)).text, { columns: true, delimiter: ';', bom: true }) as unknown[];
    expect(legalOnly).to.have.length(1);
  });

  it('neutralises spreadsheet formulas typed in a subject', async () => {
    const { platform } = await testContext();
    const b = await bodyWithUsers();
    await createRequest(platform, actorOf(b.member), requestFields({ subject: '=HYPERLINK("http://example.com","clic")' }), []);
    const res = await s1.agent.get(`/richieste/export.csv?entity=${b.body.id}&state=all`);
    const [row] = parse(res.text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
    expect(row.oggetto).to.equal('\'=HYPERLINK("http://example.com","clic")');
  });

  it('shows the home cards of the operator’s queue', async () => {
    const home = await s1.agent.get('/');
    expect(home.text).to.contain('La mia coda');
    expect(home.text).to.contain('Richieste in ritardo');
  });

  describe('reports', () => {
    it('shows the tables by body, category, state, month and operator with medians, SLA and satisfaction', async () => {
      const res = await s1.agent.get('/richieste/report');
      expect(res.status).to.equal(200);
      for (const title of ['Richieste per ente', 'Richieste per categoria', 'Richieste per stato', 'Richieste per mese di apertura', 'Richieste per operatore assegnatario', 'mediana prima risposta', 'SLA rispettato', 'soddisfazione media']) {
        expect(res.text).to.contain(title);
      }
      expect(res.text).to.contain(bodyName);
    });

    it('downloads each table as CSV', async () => {
      for (const table of ['ente', 'categoria', 'stato', 'mese', 'operatore']) {
        const res = await s1.agent.get(`/richieste/report.csv?table=${table}`);
        expect(res.status, table).to.equal(200);
        const rows = parse(res.text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
        expect(rows.length, table).to.be.greaterThan(0);
        expect(Object.keys(rows[0])).to.include.members([table, 'richieste', 'mediana_prima_risposta_ore_lavorative', 'sla_rispettato_percentuale', 'soddisfazione_media']);
      }
      const byBody = parse((await s1.agent.get('/richieste/report.csv?table=ente')).text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
      expect(byBody.find((r) => r.ente === bodyName)?.richieste).to.equal('3');
    });

    it('counts an open request past its deadline as a missed SLA, not only the resolved ones', async () => {
      const row = await requestRow(old);
      expect(row.state).to.equal('assigned');
      expect(row.resolutionDueAt!.getTime()).to.be.below(Date.now());
      const byBody = parse((await s1.agent.get('/richieste/report.csv?table=ente')).text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
      const mine = byBody.find((r) => r.ente === bodyName)!;
      // Three open requests, none resolved: the late one is measured and missed, the two new ones are still in time.
      expect(mine.richieste_con_sla_misurato).to.equal('1');
      expect(mine.sla_rispettato_percentuale).to.equal('0');
    });

    it('computes medians in business hours and the satisfaction average from the demo data', async () => {
      const res = await s1.agent.get('/richieste/report.csv?table=categoria&from=2020-01-01');
      const rows = parse(res.text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
      const legal = rows.find((r) => r.categoria === 'Legale')!;
      expect(Number(legal.mediana_prima_risposta_ore_lavorative.replace(',', '.'))).to.be.greaterThan(0);
      expect(Number(legal.soddisfazione_media.replace(',', '.'))).to.be.within(1, 5);
    });

    it('refuses a bad table (404) and bad dates (422 with a message)', async () => {
      expect((await s1.agent.get('/richieste/report.csv?table=segreti')).status).to.equal(404);
      const bad = await s1.agent.get('/richieste/report?from=2026-13-45');
      expect(bad.status).to.equal(422);
      expect(bad.text).to.contain('Il campo «Data di inizio» non è una data valida');
      const reversed = await s1.agent.get('/richieste/report?from=2026-05-01&to=2026-01-01');
      expect(reversed.text).to.contain('La data di fine deve seguire quella di inizio.');
    });
  });
});
