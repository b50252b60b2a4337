import { expect } from 'chai';
import request from 'supertest';
import { Dossier, Lot, Milestone, TenderEvent } from '../../../src/modules/tenders/models.js';
import { testContext } from '../../helpers/app.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { User } from '../../../src/modules/accounts/models.js';
import { messageTranslator } from '../../../src/platform/i18n.js';
import { addDays, dossierFields, lot, makeDossier, milestone, staffActor, todayInRome, uniqueCig, uploadDoc } from './helpers.js';

const staffFields = async (overrides: Record<string, string> = {}) => {
  const staffId = (await staffActor()).userId;
  return dossierFields({ rupUserId: String(staffId), ...overrides });
};

describe('tenders: dossiers', () => {
  it('staff create a dossier with every field; the procedure warning is shown next to the procedure', async () => {
    const staff = await loginAs('staff@cithub.example');
    const fields = await staffFields({ procedure: 'affidamento_diretto', estimatedValue: '180.000,50', funding: 'pnrr', pnrrMeasure: '1.2', cup: 'e81c24000230006', fundingNote: 'Avviso 1.2' });
    const res = await postForm(staff, '/gare/nuova', '/gare', fields);
    expect(res.status).to.equal(302);
    const d = (await Dossier.findOne({ where: { title: fields.title } }))!;
    expect(d.estimatedValueCents).to.equal(18_000_050);
    expect(d.cup).to.equal('E81C24000230006');
    expect(d.pnrrMeasure).to.equal('1.2');
    expect(d.phase).to.equal('needs_collection');
    const page = await staff.get(`/gare/${d.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('L&#39;affidamento diretto è ammesso per servizi e forniture di importo inferiore a € 140.000,00');
    expect(page.text).to.contain('Misura 1.2 Abilitazione e facilitazione migrazione al Cloud');
    // The check is also available before saving, without JavaScript.
    const check = await postForm(staff, '/gare/nuova', '/gare', { ...(await staffFields({ procedure: 'mepa', estimatedValue: '300.000' })), check: '1' });
    expect(check.status).to.equal(200);
    expect(check.text).to.contain('Il MePA serve per acquisti sotto la soglia europea');
    const json = await staff.get('/gare/verifica-procedura?category=works&procedure=procedura_negoziata&estimatedValue=6.000.000');
    expect(json.body.warnings.join(' ')).to.contain('soglia europea');
    expect((await TenderEvent.count({ where: { dossierId: d.id, kind: 'dossier-created' } }))).to.equal(1);
  });

  for (const [label, cup, message] of [
    ['too short', 'E81C2400023000', 'Il CUP deve essere di 15 caratteri, ne sono stati inseriti 14.'],
    ['too long', 'E81C240002300061', 'Il CUP deve essere di 15 caratteri, ne sono stati inseriti 16.'],
    ['wrong alphabet', 'E81C-2400023000', 'Il CUP può contenere solo lettere e cifre; caratteri non ammessi: «-».'],
    ['missing when financed', '', 'Un intervento finanziato deve avere il CUP (15 caratteri).'],
  ] as const) {
    it(`rejects a CUP ${label} with a clear message and saves nothing`, async () => {
      const staff = await loginAs('staff@cithub.example');
      const fields = await staffFields({ funding: 'pnrr', pnrrMeasure: '1.2', cup });
      const res = await postForm(staff, '/gare/nuova', '/gare', fields);
      expect(res.status).to.equal(422);
      expect(res.text).to.contain(message.replace(/'/g, '&#39;'));
      expect(res.text).to.contain(`value="${fields.title}"`); // the input is kept
      expect(await Dossier.count({ where: { title: fields.title } })).to.equal(0);
    });
  }

  it('requires the PNRR measure from the list when financed by the PNRR', async () => {
    const staff = await loginAs('staff@cithub.example');
    const res = await postForm(staff, '/gare/nuova', '/gare', await staffFields({ funding: 'pnrr', pnrrMeasure: '9.9', cup: 'E81C24000230006' }));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Scegli la misura PNRR che finanzia la gara.');
  });

  for (const [label, value, message] of [
    ['negative', '-1.000,00', 'L&#39;importo non può essere negativo.'],
    ['fractional cents', '1.000,005', 'L&#39;importo può avere al massimo due decimali (i centesimi).'],
    ['absurd', '99.000.000.000,00', 'L&#39;importo supera il massimo ammesso'],
    ['not a number', 'centomila', 'L&#39;importo non è un numero valido'],
  ] as const) {
    it(`rejects a ${label} estimated value`, async () => {
      const staff = await loginAs('staff@cithub.example');
      const fields = await staffFields({ estimatedValue: value });
      const res = await postForm(staff, '/gare/nuova', '/gare', fields);
      expect(res.status).to.equal(422);
      expect(res.text).to.contain(`Valore stimato: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
      expect(await Dossier.count({ where: { title: fields.title } })).to.equal(0);
    });
  }

  it('rejects a RUP who is not staff', async () => {
    const staff = await loginAs('staff@cithub.example');
    const rtd = (await User.findOne({ where: { email: 'rtd@russi.cithub.example' } }))!;
    const res = await postForm(staff, '/gare/nuova', '/gare', dossierFields({ rupUserId: String(rtd.id) }));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Il RUP deve essere un operatore attivo del centro.');
  });

  for (const [label, cig, message] of [
    ['too short', 'B8D3F1A2C', 'Il CIG deve essere di 10 caratteri, ne sono stati inseriti 9.'],
    ['too long', 'B8D3F1A2C4X', 'Il CIG deve essere di 10 caratteri, ne sono stati inseriti 11.'],
    ['wrong alphabet', 'B8D3F1A2Ç4', 'Il CIG può contenere solo lettere e cifre; caratteri non ammessi: «Ç».'],
  ] as const) {
    it(`rejects a lot CIG ${label}`, async () => {
      const d = await makeDossier();
      const staff = await loginAs('staff@cithub.example');
      const res = await postForm(staff, `/gare/${d.id}/lotti/nuovo`, `/gare/${d.id}/lotti`, { number: '1', title: 'Lotto unico', cig, value: '10.000' });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain(message);
      expect(await Lot.count({ where: { dossierId: d.id } })).to.equal(0);
    });
  }

  for (const [label, value, message] of [
    ['negative', '-5', 'Valore del lotto: l&#39;importo non può essere negativo.'],
    ['fractional-cent', '10,999', 'Valore del lotto: l&#39;importo può avere al massimo due decimali (i centesimi).'],
    ['absurd', '10.000.000.000,01', 'Valore del lotto: l&#39;importo supera il massimo ammesso'],
  ] as const) {
    it(`rejects a ${label} lot value`, async () => {
      const d = await makeDossier();
      const staff = await loginAs('staff@cithub.example');
      const res = await postForm(staff, `/gare/${d.id}/lotti/nuovo`, `/gare/${d.id}/lotti`, { number: '1', title: 'Lotto unico', cig: '', value });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain(message);
      expect(await Lot.count({ where: { dossierId: d.id } })).to.equal(0);
    });
  }

  it('refuses a CIG already used by another lot', async () => {
    const d1 = await makeDossier();
    const d2 = await makeDossier();
    const cig = uniqueCig();
    await lot(d1.id, 1, cig);
    const staff = await loginAs('staff@cithub.example');
    const res = await postForm(staff, `/gare/${d2.id}/lotti/nuovo`, `/gare/${d2.id}/lotti`, { number: '1', title: 'Lotto', cig: cig.toLowerCase(), value: '1.000' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Questo CIG è già usato da un altro lotto');
  });

  it('refuses milestones out of order and keeps the existing ones', async () => {
    const d = await makeDossier();
    const today = todayInRome();
    await milestone(d.id, 'publication', addDays(today, 30));
    await milestone(d.id, 'offers_deadline', addDays(today, 60), '12:00');
    const staff = await loginAs('staff@cithub.example');
    const res = await postForm(staff, `/gare/${d.id}/scadenze/nuova`, `/gare/${d.id}/scadenze`, {
      kind: 'award', title: '', dueOn: addDays(today, 45), dueTime: '', ownerUserId: String((await staffActor()).userId), note: '',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/La data «Aggiudicazione» \(\d\d\/\d\d\/\d{4}\) non può precedere la data «Scadenza offerte»/);
    expect(await Milestone.count({ where: { dossierId: d.id } })).to.equal(2);
    const bad = await postForm(staff, `/gare/${d.id}/scadenze/nuova`, `/gare/${d.id}/scadenze`, { kind: 'other', dueOn: '2026-02-30', ownerUserId: '1' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('non è una data valida: scegli il giorno dal calendario o scrivilo come gg/mm/aaaa.');
  });

  it('refuses to move to awarded without the award document and says what is missing', async () => {
    const d = await makeDossier();
    await lot(d.id, 1, uniqueCig());
    for (const t of ['determina_a_contrarre', 'bando_lettera_invito', 'capitolato']) await uploadDoc(d.id, t, `Documento ${t}`, 'public');
    const staff = await loginAs('staff@cithub.example');
    for (const to of ['preparation', 'published', 'evaluation']) {
      const r = await postForm(staff, `/gare/${d.id}/fase?to=${to}`, `/gare/${d.id}/fase`, { to });
      expect(r.status, to).to.equal(302);
    }
    await d.reload();
    expect(d.phase).to.equal('evaluation');
    expect(d.isPublic).to.equal(true); // published dossiers are public
    const page = await staff.get(`/gare/${d.id}/fase?to=awarded`);
    expect(page.text).to.contain('Provvedimento di aggiudicazione');
    const res = await postForm(staff, `/gare/${d.id}/fase?to=awarded`, `/gare/${d.id}/fase`, { to: 'awarded' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Per passare alla fase «Aggiudicata» mancano i documenti: provvedimento di aggiudicazione.');
    expect(res.text).to.contain('Indica l&#39;aggiudicatario');
    await d.reload();
    expect(d.phase).to.equal('evaluation');
    // Skipping a phase is refused too.
    const skip = await postForm(staff, `/gare/${d.id}`, `/gare/${d.id}/fase`, { to: 'contract' });
    expect(skip.status).to.equal(422);
    expect(skip.text).to.contain('si può passare solo a «Aggiudicata»');
  });

  it('publishing requires a CIG on each lot', async () => {
    const d = await makeDossier();
    await lot(d.id, 1, null);
    for (const t of ['determina_a_contrarre', 'bando_lettera_invito', 'capitolato']) await uploadDoc(d.id, t, `Documento ${t}`, 'public');
    const staff = await loginAs('staff@cithub.example');
    await postForm(staff, `/gare/${d.id}/fase?to=preparation`, `/gare/${d.id}/fase`, { to: 'preparation' });
    const res = await postForm(staff, `/gare/${d.id}/fase?to=published`, `/gare/${d.id}/fase`, { to: 'published' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Il lotto 1 «Lotto 1» non ha ancora il CIG.');
  });

  it('cancels one lot with a reason, then the whole dossier; the history records every change', async () => {
    const d = await makeDossier();
    const l1 = await lot(d.id, 1);
    const l2 = await lot(d.id, 2);
    const staff = await loginAs('staff@cithub.example');
    const noReason = await postForm(staff, `/gare/${d.id}/lotti/${l1.id}/annulla`, `/gare/${d.id}/lotti/${l1.id}/annulla`, { reason: '' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.contain('Compila il campo «Motivo».');
    const ok = await postForm(staff, `/gare/${d.id}/lotti/${l1.id}/annulla`, `/gare/${d.id}/lotti/${l1.id}/annulla`, { reason: 'Fabbisogno coperto da convenzione Consip.' });
    expect(ok.status).to.equal(302);
    await l1.reload();
    await l2.reload();
    expect(l1.status).to.equal('cancelled');
    expect(l2.status).to.equal('planned');
    const cancel = await postForm(staff, `/gare/${d.id}/fase?to=cancelled`, `/gare/${d.id}/fase`, { to: 'cancelled', reason: '' });
    expect(cancel.status).to.equal(422);
    expect(cancel.text).to.contain('occorre indicarne il motivo');
    const done = await postForm(staff, `/gare/${d.id}/fase?to=cancelled`, `/gare/${d.id}/fase`, { to: 'cancelled', reason: 'Risorse PNRR revocate.' });
    expect(done.status).to.equal(302);
    await d.reload();
    await l2.reload();
    expect(d.phase).to.equal('cancelled');
    expect(l2.status).to.equal('cancelled');
    const page = await staff.get(`/gare/${d.id}`);
    expect(page.text).to.contain('Motivo: Risorse PNRR revocate.');
    expect(page.text).to.contain('Lotto 1 «Lotto 1» annullato. Motivo: Fabbisogno coperto da convenzione Consip.');
    expect(page.text).to.contain('Gara annullata (era in fase «Raccolta fabbisogni»)');
    // A cancelled dossier cannot be edited any more.
    expect((await staff.get(`/gare/${d.id}/modifica`)).status).to.equal(409);
    const { platform } = await testContext();
    const [audit] = await platform.sequelize.query(`SELECT count(*)::int AS n FROM audit_log WHERE subject_type = 'tender_dossier' AND subject_id = :id`, { replacements: { id: String(d.id) } });
    expect((audit as Array<{ n: number }>)[0].n).to.be.greaterThanOrEqual(5);
  });

  it('edits a dossier and records what changed', async () => {
    const d = await makeDossier();
    const staff = await loginAs('staff@cithub.example');
    const form = await staff.get(`/gare/${d.id}/modifica`);
    expect(form.text).to.contain('250.000,00');
    const res = await postForm(staff, `/gare/${d.id}/modifica`, `/gare/${d.id}`, await staffFields({ title: d.title, estimatedValue: '260.000' }));
    expect(res.status).to.equal(302);
    await d.reload();
    expect(d.estimatedValueCents).to.equal(26_000_000);
    // The history keeps a Message: the dossier page shows it in the reader's language.
    const summary = (await TenderEvent.findOne({ where: { dossierId: d.id, kind: 'dossier-updated' } }))!.summary;
    expect(messageTranslator('it')(summary)).to.equal('Scheda modificata: valore stimato.');
    expect(messageTranslator('en')(summary)).to.equal('Dossier changed: estimated value.');
    expect((await staff.get(`/gare/${d.id}`)).text).to.contain('Scheda modificata: valore stimato.');
  });

  it('lists dossiers by visibility, with filters and safe pagination', async () => {
    const { app } = await testContext();
    const hidden = await makeDossier();
    const shown = await makeDossier({ isPublic: 'on' });
    const visitor = await request(app).get('/gare');
    expect(visitor.status).to.equal(200);
    expect(visitor.text).to.not.contain(hidden.title);
    const search = await request(app).get(`/gare?q=${encodeURIComponent(shown.title)}`);
    expect(search.text).to.contain(shown.title);
    const staff = await loginAs('staff@cithub.example');
    expect((await staff.get(`/gare?q=${encodeURIComponent(hidden.title)}`)).text).to.contain(hidden.title);
    for (const q of ['page=-1', 'page=abc', 'page=99999', 'phase=boh&category=x', `q=${encodeURIComponent('%_\\'.repeat(80))}`]) {
      expect((await request(app).get(`/gare?${q}`)).status, q).to.equal(200);
    }
    expect((await request(app).get(`/gare/${hidden.id}`)).status).to.equal(404);
    expect((await request(app).get('/gare/abc')).status).to.equal(404);
    expect((await request(app).get('/gare/999999')).status).to.equal(404);
  });
});
