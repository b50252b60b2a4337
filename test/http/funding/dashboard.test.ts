// The staff dashboard: amounts by measure and by state, projects at risk (the SQL agrees with the
// stages computed in stages.ts), bodies with no application to an open call, charts with their
// numbers as tables; the CSV export of projects through the one CSV responder.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { DASHBOARD_SQL, dashboard } from '../../../src/modules/funding/dashboard.js';
import { projectViewsWhere } from '../../../src/modules/funding/service.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs } from '../../helpers/http.js';
import { addDays, makeCall, makeProject, staffActor, todayInRome } from './helpers.js';

describe('funding: the staff dashboard', () => {
  it('sums by measure and by state, lists the projects at risk and the bodies that have not applied', async () => {
    const { platform } = await testContext();
    const staff = await staffActor();
    const before = await dashboard(platform, staff);
    const bodyA = await createBody({ name: `Comune di Cruscotto A ${Date.now().toString(36)}` });
    const bodyB = await createBody({ name: `Comune di Cruscotto B ${Date.now().toString(36)}` });
    const prospect = await createBody({ membershipStatus: 'prospect' });
    const open = await makeCall({ measure: '1.4.4', title: `Avviso cruscotto ${Date.now().toString(36)}` });
    const closed = await makeCall({ opensOn: addDays(todayInRome(), -90), closesOn: addDays(todayInRome(), -30) });
    const overdue = await makeProject(bodyA.id, open.id, { title: 'Cruscotto scaduto', fundedOn: addDays(todayInRome(), -200), cup: 'B51F22008408881' });
    const danger = await makeProject(bodyA.id, closed.id, { title: 'Cruscotto imminente', fundedOn: addDays(todayInRome(), -170), cup: 'B51F22008408882' });
    const later = await makeCall();
    const ok = await makeProject(bodyA.id, later.id, { title: 'Cruscotto in tempo', fundedOn: addDays(todayInRome(), -80), cup: 'B51F22008408883' });
    // A CUP is missing: due 5 days after admission, 3 days ago.
    const noCupCall = await makeCall();
    const noCup = await makeProject(bodyA.id, noCupCall.id, { title: 'Cruscotto senza CUP', admittedOn: addDays(todayInRome(), -8), fundedOn: addDays(todayInRome(), -8), cup: '' });
    const paidCall = await makeCall();
    await makeProject(bodyA.id, paidCall.id, { title: 'Cruscotto erogato', state: 'paid', fundedOn: addDays(todayInRome(), -400), paidOn: addDays(todayInRome(), -10), cup: 'B51F22008408884' });
    await makeProject(prospect.id, open.id, { title: 'Cruscotto non aderente', fundedOn: addDays(todayInRome(), -200), cup: 'B51F22008408885' }).catch(() => null);

    const after = await dashboard(platform, staff);
    const state = (d: typeof after, s: string) => d.states.find((x) => x.state === s)!;
    expect(state(after, 'funded').projects - state(before, 'funded').projects).to.equal(4);
    expect(state(after, 'funded').amount - state(before, 'funded').amount).to.equal(4 * 1_000_000);
    expect(state(after, 'paid').projects - state(before, 'paid').projects).to.equal(1);
    const m = (d: typeof after) => d.measures.find((x) => x.measure === '1.4.4') ?? { projects: 0, granted: 0, paid: 0 };
    expect(m(after).projects - m(before).projects).to.equal(1);
    expect(m(after).granted - m(before).granted).to.equal(1_000_000);

    // At risk: the SQL's list is exactly the projects whose stages (stages.ts) are overdue or in danger.
    const mine = [overdue.id, danger.id, ok.id, noCup.id];
    const views = await projectViewsWhere(platform, 'p.id IN (:ids)', { ids: mine });
    const byJs = views.filter((v) => v.stages.some((s) => s.key !== 'maintenance' && (s.level === 'overdue' || s.level === 'danger'))).map((v) => v.id).sort();
    const rows = await platform.sequelize.query<{ id: number }>(`${DASHBOARD_SQL.atRisk}`, { replacements: { dangerUntil: addDays(todayInRome(), after.thresholds.dangerDays), limit: 1_000_000 }, type: QueryTypes.SELECT });
    const bySql = rows.map((r) => r.id).filter((id) => mine.includes(id)).sort();
    expect(bySql).to.deep.equal([overdue.id, danger.id, noCup.id].sort());
    expect(bySql).to.deep.equal(byJs);
    expect(after.atRiskTotal - before.atRiskTotal).to.equal(3);

    // Not applied: B (eligible, nothing) is listed; A (applied to an open call) and the prospect are not.
    const na = await platform.sequelize.query<{ id: number }>(DASHBOARD_SQL.notApplied, { replacements: { today: todayInRome(), limit: 1_000_000 }, type: QueryTypes.SELECT });
    expect(na.map((r) => r.id)).to.include(bodyB.id).and.not.include(bodyA.id).and.not.include(prospect.id);

    const agent = await loginAs('staff@cithub.example');
    const page = await agent.get('/finanziamenti');
    expect(page.status).to.equal(200);
    for (const text of ['Importi per misura', 'Importi per stato', 'Progetti a rischio', 'Enti senza candidature agli avvisi aperti', '<svg', 'role="img"', '/finanziamenti/progetti.csv']) expect(page.text).to.contain(text);
    expect(page.text).to.contain(`Progetti a rischio, per scadenza: ${Math.min(50, after.atRiskTotal)} di ${after.atRiskTotal.toLocaleString('it-IT')}`);
  });

  it('is for staff: body users and visitors are sent to the calls', async () => {
    const body = await createBody();
    const rtd = await loginAs((await createUser('rtd', body.id)).email);
    const res = await rtd.get('/finanziamenti');
    expect([res.status, res.headers.location]).to.deep.equal([302, '/finanziamenti/avvisi']);
    const visitor = await anonymousAgent();
    expect((await visitor.get('/finanziamenti')).headers.location).to.equal('/finanziamenti/avvisi');
  });

  it('exports the projects as office CSV (; and BOM), all to staff, its own to a body, login needed', async () => {
    const bodyE = await createBody();
    const bodyF = await createBody();
    const call = await makeCall();
    await makeProject(bodyE.id, call.id, { title: '=SOMMA(A1) esportato', cup: 'B51F22008407771', amount: '12.345,67' });
    await makeProject(bodyF.id, call.id, { title: 'Progetto di F', cup: 'B51F22008407772' });
    const staff = await loginAs('staff@cithub.example');
    const csv = await staff.get('/finanziamenti/progetti.csv').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-type']).to.contain('text/csv');
    const text = csv.body as string;
    expect(text.startsWith('\uFEFF')).to.equal(true);
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).to.match(/^id;ente;codice_ipa;avviso;misura;titolo;cup;stato;importo_euro;/);
    const e = lines.find((l) => l.includes('B51F22008407771'))!;
    expect(e).to.contain(`;${bodyE.ipaCode};`).and.contain(";'=SOMMA(A1) esportato;").and.contain(';Finanziata;12345,67;');
    // The next deadline from the SQL chain: funded 170 days ago, the contract (180 days) is due in 10 — inside the danger threshold.
    expect(e).to.contain(`;${addDays(todayInRome(), 10)};Contratto con il fornitore;Imminente;inserito a mano`);
    expect(text).to.contain('B51F22008407772');

    const rtdF = await loginAs((await createUser('rtd', bodyF.id)).email);
    const own = await rtdF.get('/finanziamenti/progetti.csv').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
    expect(own.body as string).to.contain('B51F22008407772').and.not.contain('B51F22008407771');
    const visitor = await anonymousAgent();
    expect((await visitor.get('/finanziamenti/progetti.csv')).status).to.be.oneOf([302, 401]);
  });
});
