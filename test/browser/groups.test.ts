// Working groups in a real browser (the Done-when): staff create the RTD table, convene a
// sitting (the convocation's ICS is read from the test SMTP server and parsed by ical.js), two comuni
// answer (one from the mail's link, one from the page), the secretary records attendance, a decision
// and an action that becomes a coaching plan action of one comune, a member confirms, the minutes are approved at the
// next sitting, their PDF lists those present, the participation ledger shows both comuni. Every page
// visited passes axe (WCAG 2.1 A/AA) with the strict CSP on, also at 390 px.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { QueryTypes } from 'sequelize';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';
import { createBody, createUser } from '../helpers/factories.js';
import { icsOf, pdfText, rsvpLink, soon } from '../http/groups/helpers.js';


async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

describe('working groups in a real browser', function () {
  this.timeout(400_000);
  before(function () {
    requireBrowser(this);
  });

  it('the RTD table: convocation with ICS, answers, minutes with an action for a comune, confirmation, approval at the next sitting, PDF, ledger', async () => {
    const { baseUrl, inbox, platform } = await testContext();
    const tag = Date.now().toString(36);
    const galatina = await createBody({ name: `Comune di Galatina ${tag}` });
    const otranto = await createBody({ name: `Comune di Otranto ${tag}` });
    const rtdG = await createUser('rtd', galatina.id, { name: `Antonio Vergine ${tag}` });
    const rtdO = await createUser('rtd', otranto.id, { name: `Francesca De Donno ${tag}` });
    const secretaryUser = await createUser('staff', null, { name: `Lucia Greco ${tag}` });

    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    await staff.goto(`${baseUrl}/tavoli/nuovo`);
    await expectAccessible(staff, 'new group form');
    // A missing name is refused next to the field, the rest kept.
    await staff.selectOption('#f-visibility', 'public');
    await staff.click(`label[for="body-${galatina.id}"]`);
    await submit(staff, 'main form.groups-form button[type=submit]');
    expect(await staff.textContent('#error-summary')).to.contain('Nome del gruppo');
    expect(await staff.isChecked(`#body-${galatina.id}`)).to.equal(true);
    await expectAccessible(staff, 'new group form with an error');
    const name = `Tavolo tecnico RTD — Provincia di Lecce ${tag}`;
    await staff.fill('#f-name', name);
    await staff.click(`label[for="body-${otranto.id}"]`);
    await staff.fill('#f-purpose', 'Coordinamento dei Responsabili per la Transizione al Digitale della provincia.');
    await submit(staff, 'main form.groups-form button[type=submit]');
    expect(await staff.textContent('main')).to.contain(`Gruppo «${name}» creato.`);
    const groupId = Number(/\/tavoli\/(\d+)/.exec(staff.url())![1]);
    for (const [email, role] of [[secretaryUser.email, 'secretary'], [rtdG.email, 'referent'], [rtdO.email, 'referent']] as const) {
      await staff.fill('#f-email', email);
      await staff.selectOption('#f-role', role);
      await submit(staff, `main form[action="/tavoli/${groupId}/componenti"] button[type=submit]`);
      expect(await staff.textContent('main')).to.contain('Componente aggiunto.');
    }
    await expectAccessible(staff, 'group page');

    // The secretary prepares and convenes the sitting.
    const secretary = await newPage();
    await browserLogin(secretary, baseUrl, secretaryUser.email);
    await secretary.goto(`${baseUrl}/tavoli/${groupId}/sedute/nuova`);
    await expectAccessible(secretary, 'new sitting form');
    const when = soon(60, 60);
    await secretary.fill('#f-title', 'Prima seduta del tavolo');
    await secretary.fill('#f-date', when.date);
    await secretary.fill('#f-startTime', when.startTime);
    await secretary.fill('#f-endTime', when.endTime);
    await secretary.fill('#f-place', 'Sala consiliare, Palazzo dei Celestini');
    await submit(secretary, 'main form.groups-form button[type=submit]');
    const meetingId = Number(/\/tavoli\/sedute\/(\d+)/.exec(secretary.url())![1]);
    await secretary.fill('#f-item-title', 'Adesione alla PDND e primi e-service');
    await secretary.fill('#f-item-presenter', 'Marco Quarta');
    await submit(secretary, `main form[action="/tavoli/sedute/${meetingId}/punti"] button[type=submit]`);
    await expectAccessible(secretary, 'draft sitting');
    await submit(secretary, '#step-convoca');
    expect(await secretary.textContent('main')).to.contain('Seduta convocata');

    // The convocation and its ICS reach the SMTP server; the invitation parses.
    const mailG = await inbox.waitFor(rtdG.email, /Convocazione: .*Prima seduta del tavolo/);
    const { comp, event } = icsOf(mailG);
    expect(comp.getFirstPropertyValue('method')).to.equal('REQUEST');
    expect(event.summary).to.equal(`${name}: Prima seduta del tavolo`);
    expect(event.location).to.contain('Palazzo dei Celestini');
    expect(event.description).to.contain('Adesione alla PDND e primi e-service');

    // Galatina answers from the mail's link, Otranto from the page.
    const guestBrowser = await newPage();
    await guestBrowser.goto(`${baseUrl}${rsvpLink(mailG)}`);
    await expectAccessible(guestBrowser, 'answer page from the mail');
    await submit(guestBrowser, '#rsvp-yes');
    expect(await guestBrowser.textContent('main')).to.contain('hai risposto che parteciperai');
    const otr = await newPage();
    await browserLogin(otr, baseUrl, rtdO.email);
    await otr.goto(`${baseUrl}/tavoli/sedute/${meetingId}`);
    await expectAccessible(otr, 'sitting as a member');
    await submit(otr, 'button[name="answer"][value="yes"]');
    expect(await otr.textContent('main')).to.contain('hai risposto che parteciperai');

    // The sitting: attendance, a summary, a decision, an action for Galatina that becomes a desk request.
    await secretary.goto(`${baseUrl}/tavoli/sedute/${meetingId}`);
    await submit(secretary, '#step-avvia');
    const people = await platform.sequelize.query<{ id: number; email: string }>('SELECT id, email FROM groups_participants WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    for (const p of people) await secretary.selectOption(`#f-attendance-att_${p.id}`, p.email === rtdO.email ? 'excused' : 'present');
    await submit(secretary, `main form[action="/tavoli/sedute/${meetingId}/presenze"] button[type=submit]`);
    await expectAccessible(secretary, 'sitting in progress');
    const [{ id: itemId }] = await platform.sequelize.query<{ id: number }>('SELECT id FROM groups_agenda_items WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    await secretary.fill(`#f-summary-${itemId}-summary`, 'Tre comuni sono pronti a pubblicare il primo e-service.');
    await submit(secretary, `main form[action="/tavoli/sedute/${meetingId}/punti/${itemId}/sintesi"] button[type=submit]`);
    await secretary.fill(`#f-decision-${itemId}-text`, 'Il tavolo adotta il modello comune di accordo di fruizione.');
    await submit(secretary, `main form[action="/tavoli/sedute/${meetingId}/punti/${itemId}/decisioni"] button[type=submit]`);
    // No owner chosen: the message sits next to the field, the title stays.
    await secretary.fill(`#f-action-${itemId}-title`, 'Pubblicare l’e-service anagrafico sulla PDND');
    await submit(secretary, `main form[action="/tavoli/sedute/${meetingId}/punti/${itemId}/azioni"] button[type=submit]`);
    expect(await secretary.textContent('#error-summary')).to.contain('Scegli chi si occupa dell’azione.');
    expect(await secretary.inputValue(`#f-action-${itemId}-title`)).to.equal('Pubblicare l’e-service anagrafico sulla PDND');
    await expectAccessible(secretary, 'sitting with an error in the action form');
    await secretary.selectOption(`#f-action-${itemId}-ownerId`, String(rtdG.id));
    await secretary.fill(`#f-action-${itemId}-dueOn`, '2030-03-31');
    await submit(secretary, `main form[action="/tavoli/sedute/${meetingId}/punti/${itemId}/azioni"] button[type=submit]`);
    const [{ id: actionId }] = await platform.sequelize.query<{ id: number }>('SELECT id FROM groups_actions WHERE meeting_id = :m', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    await secretary.selectOption(`#link-${actionId}`, 'coaching');
    await submit(secretary, `main form[action="/tavoli/azioni/${actionId}/trasforma"] button[type=submit]`);
    expect(await secretary.textContent(`#azione-${actionId}`)).to.contain('Diventata: Azione del piano di affiancamento.');
    const [{ link_href: href }] = await platform.sequelize.query<{ link_href: string }>('SELECT link_href FROM groups_actions WHERE id = :id', { replacements: { id: actionId }, type: QueryTypes.SELECT });
    expect(href).to.match(new RegExp(`^/affiancamento/${galatina.id}/`));
    // Galatina's RTD finds it in the comune's plan, with the link back to the sitting.
    const gal = await newPage();
    await browserLogin(gal, baseUrl, rtdG.email);
    await gal.goto(`${baseUrl}${href}`);
    expect(await gal.textContent('main')).to.contain('Pubblicare l’e-service anagrafico sulla PDND');
    expect(await gal.locator(`a[href="/tavoli/sedute/${meetingId}#azione-${actionId}"]`).count()).to.be.greaterThan(0);

    // A second action, for Otranto, becomes a training need: the training staff see it with the link back.
    await secretary.selectOption(`#f-action-${itemId}-ownerId`, String(rtdO.id));
    await secretary.fill(`#f-action-${itemId}-title`, 'Formare gli uffici sull’accesso agli e-service');
    await submit(secretary, `main form[action="/tavoli/sedute/${meetingId}/punti/${itemId}/azioni"] button[type=submit]`);
    const [{ id: trainingActionId }] = await platform.sequelize.query<{ id: number }>('SELECT id FROM groups_actions WHERE meeting_id = :m ORDER BY id DESC LIMIT 1', { replacements: { m: meetingId }, type: QueryTypes.SELECT });
    await expectAccessible(secretary, 'sitting with two actions');
    await secretary.selectOption(`#link-${trainingActionId}`, 'training');
    await submit(secretary, `main form[action="/tavoli/azioni/${trainingActionId}/trasforma"]:has(#link-${trainingActionId}) button[type=submit]`);
    expect(await secretary.textContent(`#azione-${trainingActionId}`)).to.contain('Diventata: Fabbisogno formativo.');
    await staff.goto(`${baseUrl}/formazione/fabbisogni`);
    expect(await staff.textContent('main')).to.contain('Formare gli uffici sull’accesso agli e-service');
    expect(await staff.locator(`a[href="/tavoli/sedute/${meetingId}#azione-${trainingActionId}"]`).count()).to.equal(1);
    await expectAccessible(staff, 'training needs');

    await submit(secretary, '#step-chiudi');
    await submit(secretary, '#circulate');
    expect(await secretary.textContent('main')).to.contain('Verbale inviato a');

    // A member confirms the minutes.
    await gal.goto(`${baseUrl}/tavoli/sedute/${meetingId}`);
    await submit(gal, '#confirm-minutes');
    expect(await gal.textContent('main')).to.contain('Hai confermato il verbale.');
    await expectAccessible(gal, 'closed sitting with minutes for remarks');

    // The next sitting approves them.
    await secretary.goto(`${baseUrl}/tavoli/${groupId}/sedute/nuova`);
    const next = soon(90, 30);
    await secretary.fill('#f-title', 'Seconda seduta del tavolo');
    await secretary.fill('#f-date', next.date);
    await secretary.fill('#f-startTime', next.startTime);
    await secretary.fill('#f-endTime', next.endTime);
    await secretary.fill('#f-link', 'https://meet.cithub.example/tavolo-rtd');
    await submit(secretary, 'main form.groups-form button[type=submit]');
    const nextId = Number(/\/tavoli\/sedute\/(\d+)/.exec(secretary.url())![1]);
    expect(await secretary.textContent('section[aria-labelledby="odg"]')).to.contain('Approvazione del verbale precedente («Prima seduta del tavolo»)');
    await submit(secretary, '#step-convoca');
    await submit(secretary, '#step-avvia');
    const [{ id: approvalId }] = await platform.sequelize.query<{ id: number }>(`SELECT id FROM groups_agenda_items WHERE meeting_id = :m AND kind = 'approval'`, { replacements: { m: nextId }, type: QueryTypes.SELECT });
    await submit(secretary, `#approve-${approvalId}`);
    expect(await secretary.textContent('main')).to.contain('Verbale della seduta «Prima seduta del tavolo» approvato.');
    await expectAccessible(secretary, 'next sitting after the approval');

    // The approved minutes are frozen and their PDF lists those present.
    await secretary.goto(`${baseUrl}/tavoli/sedute/${meetingId}`);
    expect(await secretary.locator(`#f-summary-${itemId}-summary`).count()).to.equal(0);
    const pdf = await secretary.request.get(`${baseUrl}/tavoli/sedute/${meetingId}/verbale.pdf`);
    expect(pdf.headers()['content-type']).to.equal('application/pdf');
    const text = await pdfText(await pdf.body());
    expect(text).to.contain(rtdG.name);
    expect(text).to.contain(galatina.name);
    expect(text).to.contain(rtdO.name);
    expect(text).to.match(/Presenti \(\d+\)/);
    expect(text).to.contain('Il tavolo adotta il modello comune di accordo di fruizione.');

    // The ledger shows both comuni.
    await staff.goto(`${baseUrl}/tavoli/partecipazione?anno=${when.date.slice(0, 4)}`);
    expect(await staff.textContent('main')).to.contain(galatina.name);
    expect(await staff.textContent('main')).to.contain(otranto.name);
    await expectAccessible(staff, 'participation ledger');
    // A third sitting, convened and then cancelled: the invitees get the withdrawal of the invitation.
    await secretary.goto(`${baseUrl}/tavoli/${groupId}/sedute/nuova`);
    const third = soon(180, 30);
    await secretary.fill('#f-title', 'Seduta poi annullata');
    await secretary.fill('#f-date', third.date);
    await secretary.fill('#f-startTime', third.startTime);
    await secretary.fill('#f-endTime', third.endTime);
    await secretary.fill('#f-place', 'Sala giunta');
    await submit(secretary, 'main form.groups-form button[type=submit]');
    const thirdId = Number(/\/tavoli\/sedute\/(\d+)/.exec(secretary.url())![1]);
    await secretary.fill('#f-item-title', 'Calendario dei tavoli del prossimo anno');
    await submit(secretary, `main form[action="/tavoli/sedute/${thirdId}/punti"] button[type=submit]`);
    await submit(secretary, '#step-convoca');
    await submit(secretary, '#step-annulla');
    expect(await secretary.textContent('main')).to.contain('Seduta annullata');
    await expectAccessible(secretary, 'cancelled sitting');
    const withdrawn = icsOf(await inbox.waitFor(rtdG.email, /Seduta annullata: .*Seduta poi annullata/));
    expect(withdrawn.comp.getFirstPropertyValue('method')).to.equal('CANCEL');

    await staff.setViewportSize({ width: 390, height: 844 });
    await staff.goto(`${baseUrl}/tavoli/sedute/${meetingId}`);
    await expectAccessible(staff, 'sitting at 390 px');
    await staff.goto(`${baseUrl}/formazione/fabbisogni`);
    await expectAccessible(staff, 'training needs at 390 px');
    await staff.goto(`${baseUrl}/`);
    await expectAccessible(staff, 'home page');
    for (const p of [staff, secretary, guestBrowser, otr, gal]) await p.close();
  });
});
