// The funding pages and forms: public calls with filters, staff entering a regional call, an RTD
// recording an application with bad input first, and a project's stages.
import { expect } from 'chai';
import { FundingCall, FundingProject } from '../../../src/modules/funding/models.js';
import { DEMO_REGIONAL_TITLE } from '../../../src/modules/funding/seed.js';
import { findBodyByIpa } from '../../../src/modules/entities/index.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../../helpers/http.js';
import { addDays, callFields, makeCall, makeProject, todayInRome } from './helpers.js';

describe('funding: pages and forms', () => {
  it('lists the calls publicly, filtered by state, measure and source', async () => {
    const agent = await anonymousAgent();
    const all = await agent.get('/finanziamenti/avvisi');
    expect(all.status).to.equal(200);
    expect(all.text).to.contain('Avvisi e bandi');
    const open = await agent.get('/finanziamenti/avvisi?state=open');
    expect(open.text).to.contain(DEMO_REGIONAL_TITLE);
    expect(open.text).to.not.contain('1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022');
    const pdnd = await agent.get('/finanziamenti/avvisi?measure=1.3.1&state=closed');
    expect(pdnd.text).to.contain('1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022');
    expect(pdnd.text).to.not.contain('1.2 Abilitazione al Cloud');
    const regional = await agent.get('/finanziamenti/avvisi?source=regional');
    expect(regional.text).to.contain(DEMO_REGIONAL_TITLE);
    expect(regional.text).to.not.contain('1.3.1 Piattaforma Digitale Nazionale Dati - Comuni');
    // A bad filter value is ignored, never a 500.
    expect((await agent.get('/finanziamenti/avvisi?state=zzz&measure=%27&page=-3')).status).to.equal(200);
  });

  it('a call page shows who applied to everyone, who has not to staff only', async () => {
    const call = (await FundingCall.findOne({ where: { title: '1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022' } }))!;
    const visitor = await anonymousAgent();
    const pub = await visitor.get(`/finanziamenti/avvisi/${call.id}`);
    expect(pub.status).to.equal(200);
    expect(pub.text).to.contain('Comune di Russi');
    expect(pub.text).to.not.contain('non si sono candidati');
    const staff = await loginAs('staff@cithub.example');
    const page = await staff.get(`/finanziamenti/avvisi/${call.id}`);
    expect(page.text).to.contain('Enti aderenti che non si sono candidati');
    expect(page.text).to.contain('Comune di Patù'); // an adhering comune with no row in the file
    expect((await visitor.get('/finanziamenti/avvisi/999999')).status).to.equal(404);
    expect((await visitor.get('/finanziamenti/avvisi/abc')).status).to.equal(404);
  });

  it('staff enter a regional call by hand: errors in Italian next to the fields, input kept, then saved', async () => {
    const staff = await loginAs('staff@cithub.example');
    const money = await postForm(staff, '/finanziamenti/avvisi/nuovo', '/finanziamenti/avvisi', callFields({ title: 'Bando con errori XYZ', budget: '-5', opensOn: '2026-02-30' }));
    expect(money.status).to.equal(422);
    expect(money.text).to.contain('Stanziamento totale: l&#39;importo non può essere negativo.');
    expect(money.text).to.contain('value="Bando con errori XYZ"');
    const bad = await postForm(staff, '/finanziamenti/avvisi/nuovo', '/finanziamenti/avvisi', callFields({ title: 'Bando con errori XYZ', eligibleKinds: [], opensOn: '2026-05-10', closesOn: '2026-05-01', amountPercent: '150' }));
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Scegli almeno un tipo di ente destinatario.');
    expect(bad.text).to.contain('La data di chiusura non può precedere quella di apertura.');
    expect(bad.text).to.contain('Indica una percentuale tra 0 e 100');
    expect(bad.text).to.contain('value="Bando con errori XYZ"');
    const bands = await postForm(staff, '/finanziamenti/avvisi/nuovo', '/finanziamenti/avvisi', callFields({ amountRule: 'population_band', bandUpTo: ['5000', '2000', ''], bandAmount: ['10.000', '20.000', '30.000'] }));
    expect(bands.status).to.equal(422);
    expect(bands.text).to.contain('Le fasce devono avere limiti crescenti');
    const fields = callFields({ amountRule: 'population_band', bandUpTo: ['5000', '20000', ''], bandAmount: ['10.000', '20.000', '30.000'], contractDays: '90' });
    const ok = await postForm(staff, '/finanziamenti/avvisi/nuovo', '/finanziamenti/avvisi', fields);
    expect(ok.status).to.equal(302);
    const call = (await FundingCall.findOne({ where: { title: fields.title as string } }))!;
    expect(call.amountBands).to.deep.equal([{ upTo: 5000, cents: 1_000_000 }, { upTo: 20000, cents: 2_000_000 }, { upTo: null, cents: 3_000_000 }]);
    expect(call.rules).to.deep.equal({ contractDays: 90 });
    const page = await staff.get(ok.headers.location);
    expect(page.text).to.contain('fino a 20.000 abitanti');
    expect(page.text).to.contain('Contratto con il fornitore entro 90 giorni');
  });

  it('an RTD records an application: wrong CUP, negative amount, dates out of order, not eligible, over the rule, duplicate — then saved', async () => {
    const body = await createBody({ population: 4000 });
    const rtd = await createUser('rtd', body.id);
    const agent = await loginAs(rtd.email);
    const call = await makeCall({ amountRule: 'fixed', amountFixed: '50.000', amountPercent: '' });
    const provinces = await makeCall({ eligibleKinds: ['provincia'] });
    const form = (fields: Record<string, string>) => postForm(agent, '/finanziamenti/progetti/nuovo', '/finanziamenti/progetti', { callId: String(call.id), amount: '45.000', state: 'submitted', ...fields });

    let res = await form({ amount: '-10', title: 'Progetto tenuto' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Importo: l&#39;importo non può essere negativo.');
    expect(res.text).to.contain('value="Progetto tenuto"');
    res = await form({ cup: 'B51F2200840000', fundedOn: '2026-03-01', contractOn: '2026-02-01', title: 'Progetto tenuto' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Il CUP deve essere di 15 caratteri, ne sono stati inseriti 14.');
    expect(res.text).to.contain('La «Data del contratto» non può essere precedente alla «Data del decreto di finanziamento».');
    expect(res.text).to.contain('value="Progetto tenuto"');
    res = await form({ amount: '12,345' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('al massimo due decimali');
    res = await form({ callId: String(provinces.id) });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('non può candidarsi a questo avviso');
    res = await form({ amount: '60.000' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('L&#39;importo supera quello previsto dall&#39;avviso per questo ente (€ 50.000,00).');
    expect(await FundingProject.count({ where: { entityId: body.id } })).to.equal(0);

    // The RTD records for their own body even if the form names another.
    const other = await createBody();
    res = await form({ entityId: String(other.id), cup: 'b51f22008400999', submittedOn: '2026-01-10' });
    expect(res.status).to.equal(302);
    const project = (await FundingProject.findOne({ where: { entityId: body.id } }))!;
    expect([project.cup, project.amountCents, project.state]).to.deep.equal(['B51F22008400999', 4_500_000, 'submitted']);
    expect(await FundingProject.count({ where: { entityId: other.id } })).to.equal(0);

    res = await form({});
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('L&#39;ente ha già una candidatura a questo avviso');
  });

  it('a project page shows its stages with due dates from the call rules, highlighted near the deadline', async () => {
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    const call = await makeCall({ contractDays: '180' });
    // Funded 170 days ago: the contract is due in 10 days (inside the 15-day alarm).
    const project = await makeProject(body.id, call.id, { cup: 'B51F22008401234' });
    const agent = await loginAs(rtd.email);
    const page = await agent.get(`/finanziamenti/progetti/${project.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Contratto con il fornitore');
    expect(page.text).to.contain('mancano 10 giorni');
    expect(page.text).to.contain('funding-row-danger');
    expect(page.text).to.contain('Una scadenza del progetto è vicina');
    // The RTD records the contract: the completion is due 180 days later.
    const contractOn = addDays(todayInRome(), -2);
    const res = await postForm(agent, `/finanziamenti/progetti/${project.id}/modifica`, `/finanziamenti/progetti/${project.id}`, {
      callId: String(call.id), amount: '10.000', state: 'funded', cup: 'B51F22008401234', fundedOn: addDays(todayInRome(), -170), contractOn,
    });
    expect(res.status).to.equal(302);
    const after = await agent.get(`/finanziamenti/progetti/${project.id}`);
    expect(after.text).to.not.contain('funding-row-danger');
    expect((await FundingProject.findByPk(project.id))!.contractOn).to.equal(contractOn);
  });

  it('staff filter the projects by a body typed by name or codice IPA, kept in the field', async () => {
    const stem = `Borgo Fondi ${Date.now().toString(36)}`;
    const a = await createBody({ name: `Comune di ${stem}` });
    const b = await createBody({ name: `Comune di ${stem} Alto` });
    const call = await makeCall();
    await makeProject(a.id, call.id, { title: 'Progetto del primo borgo', cup: 'B51F22008409001' });
    await makeProject(b.id, call.id, { title: 'Progetto del secondo borgo', cup: 'B51F22008409002' });
    const staff = await loginAs('staff@cithub.example');
    const list = (query: string) => staff.get(`/finanziamenti/progetti?${query}`);
    const exact = await list(`entityName=${encodeURIComponent(a.name)}`);
    expect(exact.text).to.contain('B51F22008409001');
    expect(exact.text).to.not.contain('B51F22008409002');
    expect(exact.text).to.contain(`value="${a.name}"`);
    const byCode = await list(`entityName=${b.ipaCode.toUpperCase()}`);
    expect(byCode.text).to.contain('B51F22008409002');
    expect(byCode.text).to.not.contain('B51F22008409001');
    const both = await list(`entityName=${encodeURIComponent(stem)}`);
    expect(both.text).to.contain('B51F22008409001');
    expect(both.text).to.contain('B51F22008409002');
    // A link by id shows the body's name in the field.
    const linked = await list(`entityId=${b.id}`);
    expect(linked.text).to.contain(`value="${b.name}"`);
    expect(linked.text).to.not.contain('B51F22008409001');
  });

  it('the per-body page, the panel on the body page and the home card show the body its funding', async () => {
    const russi = (await findBodyByIpa('c_h642'))!;
    const agent = await loginAs('rtd@russi.cithub.example');
    const page = await agent.get(`/finanziamenti/enti/${russi.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Finanziamenti di Comune di Russi');
    expect(page.text).to.contain('B51F22008400006');
    expect(page.text).to.contain(DEMO_REGIONAL_TITLE); // open and eligible, not applied
    const entityPage = await agent.get(`/enti/${russi.id}`);
    expect(entityPage.text).to.contain('Vedi i finanziamenti dell&#39;ente');
    const home = await agent.get('/');
    expect(home.text).to.contain('Finanziamenti del tuo ente');
    const visitor = await anonymousAgent();
    expect((await visitor.get(`/enti/${russi.id}`)).text).to.not.contain('Vedi i finanziamenti dell&#39;ente');
    expect((await visitor.get('/')).text).to.contain('Avvisi di finanziamento');
  });

  it('reads in English too', async () => {
    await testContext();
    const agent = await anonymousAgent();
    await agent.get('/lingua?lang=en&back=/');
    const res = await agent.get('/finanziamenti/avvisi?state=open');
    expect(res.text).to.contain('Calls for funding');
    expect(res.text).to.contain('Open');
    // Budgets read the English way, like the tenders' amounts, not "€ 2.000.000,00".
    expect(res.text).to.match(/€\d{1,3}(,\d{3})+\.\d{2}/);
    expect(res.text).to.not.match(/€ \d{1,3}(\.\d{3})+,\d{2}/);
    const italian = await (await anonymousAgent()).get('/finanziamenti/avvisi?state=open');
    expect(italian.text).to.match(/€ \d{1,3}(\.\d{3})+,\d{2}/);
  });
});
