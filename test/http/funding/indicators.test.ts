// Impact indicators: staff define them on a call, an RTD reports a value per period with its
// evidence (bad input first), staff validate or send back, the call page sums the validated values
// across comuni and staff export them as CSV. Another body's user never reads or reports (404).
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { periodOf } from '../../../src/modules/funding/periods.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, csrfFrom, loginAs, postForm } from '../../helpers/http.js';
import { addDays, makeCall, makeProject, todayInRome } from './helpers.js';

describe('funding: impact indicators', () => {
  it('staff define an indicator, two comuni report, staff validate one and send back the other, the call sums and exports', async () => {
    const { platform } = await testContext();
    const call = await makeCall();
    const bodyE = await createBody({ name: 'Comune di Indicatoria' });
    const bodyF = await createBody({ name: 'Comune di Misurello' });
    const fundedOn = addDays(todayInRome(), -200);
    const projectE = await makeProject(bodyE.id, call.id, { fundedOn });
    const projectF = await makeProject(bodyF.id, call.id, { fundedOn });
    const staff = await loginAs('staff@cithub.example');

    // Bad input on the indicator form: messages in Italian next to the fields, input kept.
    const bad = await postForm(staff, `/finanziamenti/avvisi/${call.id}/indicatori/nuovo`, `/finanziamenti/avvisi/${call.id}/indicatori`, { name: '', unit: 'x'.repeat(41), period: 'weekly' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('id="f-name-error"');
    expect(bad.text).to.contain('Scegli ogni quanto si rendiconta');
    expect(bad.text).to.contain('x'.repeat(41));
    const ok = await postForm(staff, `/finanziamenti/avvisi/${call.id}/indicatori/nuovo`, `/finanziamenti/avvisi/${call.id}/indicatori`, { name: 'Dipendenti in lavoro agile', unit: 'persone', period: 'quarter' });
    expect(ok.status).to.equal(302);
    const dup = await postForm(staff, `/finanziamenti/avvisi/${call.id}/indicatori/nuovo`, `/finanziamenti/avvisi/${call.id}/indicatori`, { name: 'dipendenti in lavoro AGILE', period: 'year' });
    expect(dup.status).to.equal(422);
    expect(dup.text).to.contain('ha già un indicatore con questo nome');
    const [indicator] = await platform.sequelize.query<{ id: number }>('SELECT id FROM funding_indicators WHERE call_id = :id', { replacements: { id: call.id }, type: QueryTypes.SELECT });

    const period = periodOf('quarter', todayInRome());
    const rtdE = await loginAs((await createUser('rtd', bodyE.id)).email);
    const rtdF = await loginAs((await createUser('rtd', bodyF.id)).email);
    const form = `/finanziamenti/progetti/${projectE.id}/indicatori/nuovo`;
    const action = `/finanziamenti/progetti/${projectE.id}/indicatori`;
    // Bad value, a period outside the project, no evidence.
    const badValue = await postForm(rtdE, form, action, { indicatorId: String(indicator.id), period: '1999-Q1', value: '-4', evidence: '' });
    expect(badValue.status).to.equal(422);
    expect(badValue.text).to.contain('Scrivi un numero non negativo');
    expect(badValue.text).to.contain('id="f-evidence-error"');
    expect(badValue.text).to.contain('value="-4"');
    const badPeriod = await postForm(rtdE, form, action, { indicatorId: String(indicator.id), period: '1999-Q1', value: '4', evidence: 'Determina 12/2026' });
    expect(badPeriod.status).to.equal(422);
    expect(badPeriod.text).to.contain('Scegli un periodo tra quelli del progetto');
    expect((await postForm(rtdE, form, action, { indicatorId: String(indicator.id), period, value: '12', evidence: 'Accordi individuali firmati: 12' })).status).to.equal(302);
    expect((await postForm(rtdF, `/finanziamenti/progetti/${projectF.id}/indicatori/nuovo`, `/finanziamenti/progetti/${projectF.id}/indicatori`, { indicatorId: String(indicator.id), period, value: '7,5', evidence: 'Rilevazione presenze' })).status).to.equal(302);

    // Another body's RTD: 404 on the form, the report and the value.
    const values = await platform.sequelize.query<{ id: number; project_id: number }>('SELECT id, project_id FROM funding_indicator_values WHERE indicator_id = :id ORDER BY project_id', { replacements: { id: indicator.id }, type: QueryTypes.SELECT });
    const valueE = values.find((v) => v.project_id === projectE.id)!;
    const valueF = values.find((v) => v.project_id === projectF.id)!;
    expect((await rtdF.get(form)).status).to.equal(404);
    expect((await rtdF.get(`/finanziamenti/progetti/${projectE.id}/indicatori/${valueE.id}`)).status).to.equal(404);
    expect((await rtdF.get(`/finanziamenti/progetti/${projectF.id}/indicatori/${valueE.id}`)).status).to.equal(404);
    const tokenF = csrfFrom((await rtdF.get('/finanziamenti/avvisi')).text);
    expect((await rtdF.post(action).type('form').send({ _csrf: tokenF, indicatorId: String(indicator.id), period, value: '999', evidence: 'x' })).status).to.equal(404);
    // Body users do not review; visitors do not export.
    expect((await rtdF.post(`/finanziamenti/progetti/${projectF.id}/indicatori/${valueF.id}`).type('form').send({ _csrf: tokenF, decision: 'validate' })).status).to.equal(403);
    expect((await rtdF.get(`/finanziamenti/avvisi/${call.id}/indicatori.csv`)).status).to.equal(403);

    // Staff: sending back needs a note; validate E, send F back.
    const review = (v: number, p: number, fields: Record<string, string>) => postForm(staff, `/finanziamenti/progetti/${p}/indicatori/${v}`, `/finanziamenti/progetti/${p}/indicatori/${v}`, fields);
    const noNote = await review(valueF.id, projectF.id, { decision: 'return', note: '' });
    expect(noNote.status).to.equal(422);
    expect(noNote.text).to.contain('Scrivi all&#39;ente cosa correggere');
    expect((await review(valueE.id, projectE.id, { decision: 'validate' })).status).to.equal(302);
    expect((await review(valueF.id, projectF.id, { decision: 'return', note: 'Manca il numero di protocollo della rilevazione' })).status).to.equal(302);
    expect((await review(valueE.id, projectE.id, { decision: 'return', note: 'di nuovo' })).status).to.equal(422);

    // A validated value no longer changes; a returned one is corrected and waits again.
    const again = await postForm(rtdE, form, action, { indicatorId: String(indicator.id), period, value: '13', evidence: 'ricontati' });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('già stato validato');
    const pageF = await rtdF.get(`/finanziamenti/progetti/${projectF.id}`);
    expect(pageF.text).to.contain('rimandato');
    expect(pageF.text).to.contain('Manca il numero di protocollo della rilevazione');
    expect((await postForm(rtdF, `/finanziamenti/progetti/${projectF.id}/indicatori/nuovo`, `/finanziamenti/progetti/${projectF.id}/indicatori`, { indicatorId: String(indicator.id), period, value: '8', evidence: 'Rilevazione presenze, prot. 4411' })).status).to.equal(302);
    const [{ state }] = await platform.sequelize.query<{ state: string }>('SELECT state FROM funding_indicator_values WHERE id = :id', { replacements: { id: valueF.id }, type: QueryTypes.SELECT });
    expect(state).to.equal('submitted');

    // The call page (public) sums the validated value only; one waits.
    const pub = await (await anonymousAgent()).get(`/finanziamenti/avvisi/${call.id}`);
    expect(pub.text).to.contain('Dipendenti in lavoro agile');
    const row = pub.text.slice(pub.text.indexOf('Totale validato'));
    expect(row).to.match(/<td class="text-end">12<\/td><td class="text-end">1<\/td><td class="text-end">1<\/td>/);

    const csv = await staff.get(`/finanziamenti/avvisi/${call.id}/indicatori.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-type']).to.contain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('ente;codice_ipa;progetto;cup;indicatore;unita;periodo;valore;stato;evidenza;segnalato_il;esaminato_il;nota');
    expect(lines).to.have.length(3);
    expect(lines.find((l) => l.startsWith('Comune di Indicatoria'))).to.contain(`;${period};12,00;validated;`);
    expect(lines.find((l) => l.startsWith('Comune di Misurello'))).to.contain(`;${period};8,00;submitted;`);
  });
});
