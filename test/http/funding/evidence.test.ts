// A project's evidence: typed documents with versions in the shared file store, uploaded by the
// body's RTD (bad input first), read by its members, never by another body (404); a sample check
// opens a 20-working-day countdown on the business calendar with a checklist ticked by uploads.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { demoPdf } from '../../../src/modules/tenders/demo-files.js';
import { addWorkingDays, workingDaysLeft } from '../../../src/modules/funding/evidence.js';
import { createBusinessCalendar } from '../../../src/platform/calendar.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { csrfFrom, loginAs, postForm } from '../../helpers/http.js';
import { addDays, makeCall, makeProject, todayInRome } from './helpers.js';

describe('funding: evidence and sample checks', () => {
  it('counts 20 working days on the business calendar, weekends and holidays skipped', () => {
    const calendar = createBusinessCalendar({ timeZone: 'Europe/Rome' });
    expect(addWorkingDays(calendar, '2026-02-02', 20)).to.equal('2026-03-02');
    // 25 April (Saturday in 2026) and 1 May (Friday) and 2 June (Tuesday) are national holidays.
    expect(addWorkingDays(calendar, '2026-05-25', 20)).to.equal('2026-06-23');
    expect(workingDaysLeft(calendar, '2026-02-02', '2026-03-02')).to.equal(20);
    expect(workingDaysLeft(calendar, '2026-03-04', '2026-03-02')).to.equal(-2);
  });

  it('an RTD uploads evidence with versions; another body never sees it; staff open and close a sample check', async () => {
    const { platform } = await testContext();
    const bodyE = await createBody();
    const bodyF = await createBody();
    const call = await makeCall();
    const project = await makeProject(bodyE.id, call.id);
    const rtdE = await loginAs((await createUser('rtd', bodyE.id)).email);
    const memberE = await loginAs((await createUser('member', bodyE.id)).email);
    const rtdF = await loginAs((await createUser('rtd', bodyF.id)).email);
    const staff = await loginAs('staff@cithub.example');
    const upload = async (agent: typeof rtdE, fields: Record<string, string>, file?: { buffer: Buffer; name: string }) => {
      const token = csrfFrom((await agent.get(`/finanziamenti/progetti/${project.id}`)).text);
      let req = agent.post(`/finanziamenti/progetti/${project.id}/evidenze`).field('_csrf', token);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      if (file) req = req.attach('file', file.buffer, file.name);
      return req;
    };

    // Staff open a sample check first: bad input, then 20 working days from the request.
    const checkForm = `/finanziamenti/progetti/${project.id}/controlli/nuovo`;
    const checkAction = `/finanziamenti/progetti/${project.id}/controlli`;
    const bad = await postForm(staff, checkForm, checkAction, { requestedOn: addDays(todayInRome(), 3), note: 'Richiesta prot. 991' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Scegli almeno un documento da caricare');
    expect(bad.text).to.contain('non può essere futura');
    expect(bad.text).to.contain('Richiesta prot. 991');
    expect((await postForm(staff, checkForm, checkAction, { requestedOn: todayInRome(), checklist: ['determina', 'cre'], note: 'Richiesta prot. 991' })).status).to.equal(302);
    expect((await postForm(staff, `/finanziamenti/progetti/${project.id}`, checkAction, { requestedOn: todayInRome(), checklist: ['cre'] })).status).to.equal(422);
    const [check] = await platform.sequelize.query<{ id: number; due_on: string }>('SELECT id, due_on::text FROM funding_sample_checks WHERE project_id = :id', { replacements: { id: project.id }, type: QueryTypes.SELECT });
    const { loadBusinessCalendar } = await import('../../../src/platform/settings.js');
    expect(check.due_on).to.equal(addWorkingDays(await loadBusinessCalendar(platform.sequelize), todayInRome(), 20));
    let page = await rtdE.get(`/finanziamenti/progetti/${project.id}`);
    expect(page.text).to.contain('20 giorni lavorativi');
    expect(page.text).to.match(/da caricare<\/span> Determina/);

    // Upload: no type and no file, the title kept; then a determina; then its second version.
    const noFile = await upload(rtdE, { type: '', title: 'Determina n. 45 del 2026' });
    expect(noFile.status).to.equal(422);
    expect(noFile.text).to.contain('Scegli il tipo di documento');
    expect(noFile.text).to.contain('Determina n. 45 del 2026');
    const noFile2 = await upload(rtdE, { type: 'determina', title: 'Determina n. 45 del 2026' });
    expect(noFile2.status).to.equal(422);
    expect(noFile2.text).to.contain('id="f-file-error"');
    expect((await upload(rtdE, { type: 'determina', title: 'Determina n. 45 del 2026' }, { buffer: demoPdf('Determina 45'), name: 'determina-45.pdf' })).status).to.equal(302);
    expect((await upload(memberE, { type: 'cre', title: 'CRE' }, { buffer: demoPdf('CRE'), name: 'cre.pdf' })).status).to.equal(403);
    const [doc] = await platform.sequelize.query<{ id: number }>('SELECT id FROM funding_documents WHERE project_id = :id', { replacements: { id: project.id }, type: QueryTypes.SELECT });
    const token = csrfFrom((await rtdE.get(`/finanziamenti/progetti/${project.id}/evidenze/${doc.id}`)).text);
    const v2 = demoPdf('Determina 45 rettificata');
    expect((await rtdE.post(`/finanziamenti/progetti/${project.id}/evidenze/${doc.id}/versioni`).field('_csrf', token).field('note', 'Rettifica').attach('file', v2, 'determina-45-v2.pdf')).status).to.equal(302);
    const docPage = await memberE.get(`/finanziamenti/progetti/${project.id}/evidenze/${doc.id}`);
    expect(docPage.status).to.equal(200);
    expect(docPage.text).to.contain('determina-45-v2.pdf');
    expect(docPage.text).to.contain('determina-45.pdf');
    const versions = await platform.sequelize.query<{ id: number; version: number }>('SELECT id, version FROM funding_document_versions WHERE document_id = :id ORDER BY version', { replacements: { id: doc.id }, type: QueryTypes.SELECT });
    expect(versions.map((v) => v.version)).to.deep.equal([1, 2]);
    const download = await memberE.get(`/finanziamenti/progetti/${project.id}/evidenze/${doc.id}/versioni/${versions[1].id}`).buffer(true);
    expect(download.status).to.equal(200);
    expect(Buffer.compare(download.body as Buffer, v2)).to.equal(0);

    // The checklist ticks the determina; the CRE is still missing.
    page = await rtdE.get(`/finanziamenti/progetti/${project.id}`);
    expect(page.text).to.match(/caricato<\/span> Determina/);
    expect(page.text).to.match(/da caricare<\/span> Certificato di regolare esecuzione/);

    // Another body: 404 on every route of the evidence and the checks, nothing added.
    const tokenF = csrfFrom((await rtdF.get('/finanziamenti/avvisi')).text);
    for (const path of [`/finanziamenti/progetti/${project.id}/evidenze/nuova`, `/finanziamenti/progetti/${project.id}/evidenze/${doc.id}`, `/finanziamenti/progetti/${project.id}/evidenze/${doc.id}/versioni/${versions[0].id}`]) {
      expect((await rtdF.get(path)).status, path).to.equal(404);
    }
    expect((await rtdF.post(`/finanziamenti/progetti/${project.id}/evidenze`).field('_csrf', tokenF).field('type', 'other').field('title', 'Intruso').attach('file', demoPdf('x'), 'x.pdf')).status).to.equal(404);
    expect((await rtdF.post(`/finanziamenti/progetti/${project.id}/evidenze/${doc.id}/versioni`).field('_csrf', tokenF).attach('file', demoPdf('x'), 'x.pdf')).status).to.equal(404);
    // A version id of another document of the same project does not download through this one.
    expect((await rtdE.get(`/finanziamenti/progetti/${project.id}/evidenze/${doc.id + 100000}/versioni/${versions[0].id}`)).status).to.equal(404);
    // Body users neither open nor close checks.
    expect((await rtdE.get(checkForm)).status).to.equal(403);
    expect((await rtdF.post(`/finanziamenti/progetti/${project.id}/controlli/${check.id}/chiudi`).type('form').send({ _csrf: tokenF })).status).to.equal(403);
    const [{ n }] = await platform.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM funding_document_versions v JOIN funding_documents d ON d.id = v.document_id WHERE d.project_id = :id', { replacements: { id: project.id }, type: QueryTypes.SELECT });
    expect(n).to.equal(2);

    expect((await postForm(staff, `/finanziamenti/progetti/${project.id}`, `/finanziamenti/progetti/${project.id}/controlli/${check.id}/chiudi`, {})).status).to.equal(302);
    expect((await staff.get(`/finanziamenti/progetti/${project.id}`)).text).to.contain(`chiuso il`);
  });
});
