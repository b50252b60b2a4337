// Training in a real browser (the Done-when): staff create a cycle and its session, people of
// two comuni register until it is full (one by their RTD), the waiting list promotes someone when a
// seat frees (the offer read from the test SMTP server and accepted), staff import the webinar's
// attendance CSV, the certificates of those who qualified are produced (their PDF text read by pdf.js,
// their code checked on the public page), the hours appear in each comune's ledger, the session's ICS
// parses in ical.js, and a citizen registers to a citizens' course with the double opt-in. Every page
// visited passes axe (WCAG 2.1 A/AA) and the layout guards at 1366 and 390 px, with the strict CSP on.
import { expect } from 'chai';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { QueryTypes } from 'sequelize';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';
import { createBody, createUser } from '../helpers/factories.js';
import { linkIn, makeCycle, makeSession, moveSession, pdfText, qrCodesOfPdf } from '../http/training/helpers.js';


async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

describe('training in a real browser', function () {
  this.timeout(400_000);
  before(function () {
    requireBrowser(this);
  });

  it('a cycle fills up, the waiting list promotes, attendance is imported, certificates are produced and verified, hours reach both ledgers, the ICS parses; a citizen registers with the double opt-in', async () => {
    const { baseUrl, inbox, platform } = await testContext();
    const tag = Date.now().toString(36);
    const galatina = await createBody({ name: `Comune di Galatina ${tag}` });
    const otranto = await createBody({ name: `Comune di Otranto ${tag}` });
    const anna = await createUser('member', galatina.id, { name: `Anna Perrone ${tag}` });
    const carlo = await createUser('member', galatina.id, { name: `Carlo Miglietta ${tag}` });
    const rtdG = await createUser('rtd', galatina.id, { name: `Giorgio Rizzo ${tag}` });
    const rtdO = await createUser('rtd', otranto.id, { name: `Rosa Stefanelli ${tag}` });
    const bruno = await createUser('member', otranto.id, { name: `Bruno De Santis ${tag}` });

    // Staff create the cycle: a missing title is refused next to the field, the rest kept.
    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    await staff.goto(`${baseUrl}/formazione/cicli/nuovo`);
    await expectAccessible(staff, 'new cycle form');
    await staff.fill('#f-hours', '1');
    await staff.click('label[for="comp-1-1"]');
    await submit(staff, 'main form[action="/formazione/cicli"] button[type=submit]');
    expect(await staff.textContent('#error-summary')).to.contain('Titolo');
    expect(await staff.isChecked('#comp-1-1')).to.equal(true);
    await expectAccessible(staff, 'new cycle form with an error');
    const title = `Ciclo di webinar per la digitalizzazione dei comuni ${tag}`;
    await staff.fill('#f-title', title);
    await staff.fill('#f-description', 'Dieci webinar di un’ora, in diretta, per il personale dei comuni.');
    await staff.fill('#f-organiser', 'CIT di Lecce');
    await staff.fill('#f-speakers', 'Lucia Greco');
    await submit(staff, 'main form[action="/formazione/cicli"] button[type=submit]');
    expect(await staff.textContent('main')).to.contain(`Ciclo «${title}» creato.`);
    const cycleId = Number(/\/formazione\/cicli\/(\d+)/.exec(staff.url())![1]);
    await expectAccessible(staff, 'cycle page (staff)');

    await staff.goto(`${baseUrl}/formazione/cicli/${cycleId}/sessioni/nuova`);
    await expectAccessible(staff, 'new session form');
    const day = DateTime.now().setZone('Europe/Rome').plus({ days: 7 }).toISODate()!;
    await staff.fill('#f-title', 'Primo webinar: l’identità digitale');
    await staff.fill('#f-day', day);
    await staff.fill('#f-time', '10:00');
    await staff.fill('#f-durationMinutes', '60');
    await staff.fill('#f-capacity', '2');
    await staff.fill('#f-link', 'https://meet.cithub.example/webinar-1');
    await submit(staff, `main form[action="/formazione/cicli/${cycleId}/sessioni"] button[type=submit]`);
    expect(await staff.textContent('main')).to.contain('Sessione «Primo webinar: l’identità digitale» creata.');
    const sessionId = Number(/\/formazione\/sessioni\/(\d+)/.exec(staff.url())![1]);
    const sessionUrl = `${baseUrl}/formazione/sessioni/${sessionId}`;

    // The public calendar shows it (in its month: the list is paginated, and other tests add sessions too).
    const visitor = await newPage();
    await visitor.goto(`${baseUrl}/formazione`);
    await expectAccessible(visitor, 'public calendar');
    await visitor.goto(`${baseUrl}/formazione?view=month&month=${day.slice(0, 7)}`);
    expect(await visitor.textContent('main')).to.contain('Primo webinar: l’identità digitale');
    await expectAccessible(visitor, 'public calendar, month view');
    await visitor.goto(sessionUrl);
    expect(await visitor.textContent('main')).to.not.contain('webinar-1');
    await expectAccessible(visitor, 'session page (visitor)');

    // Anna of Galatina registers herself; Otranto's RTD registers Bruno: the session is full.
    const annaPage = await newPage();
    await browserLogin(annaPage, baseUrl, anna.email);
    await annaPage.goto(sessionUrl);
    await submit(annaPage, `.training-box form[action="/formazione/sessioni/${sessionId}/iscrizione"] button[type=submit]`);
    expect(await annaPage.textContent('main')).to.contain('Iscrizione confermata');
    expect(await annaPage.textContent('main')).to.contain('https://meet.cithub.example/webinar-1');
    await expectAccessible(annaPage, 'session page after registering');
    const otr = await newPage();
    await browserLogin(otr, baseUrl, rtdO.email);
    await otr.goto(sessionUrl);
    await otr.selectOption('#f-colleague', String(bruno.id));
    await submit(otr, 'main form:has(#f-colleague) button[type=submit]');
    expect(await otr.textContent('main')).to.contain('Iscrizione confermata');
    expect(await otr.textContent('section[aria-labelledby="regs-h"]')).to.contain(bruno.name);
    await expectAccessible(otr, 'session page of a body’s RTD');
    // Carlo of Galatina finds it full: the waiting list, position 1.
    const carloPage = await newPage();
    await browserLogin(carloPage, baseUrl, carlo.email);
    await carloPage.goto(sessionUrl);
    expect(await carloPage.textContent('.training-box')).to.contain('Mettiti in lista d’attesa');
    await submit(carloPage, `.training-box form[action="/formazione/sessioni/${sessionId}/iscrizione"] button[type=submit]`);
    expect(await carloPage.textContent('main')).to.contain('sei in lista d’attesa al posto n. 1');
    await expectAccessible(carloPage, 'session page in the waiting list');

    // Anna cancels: Carlo gets the offer by email, opens it, accepts.
    await annaPage.goto(`${baseUrl}/formazione/miei`);
    await expectAccessible(annaPage, 'my training');
    await submit(annaPage, 'main form[action^="/formazione/iscrizioni/"] button[type=submit]');
    expect(await annaPage.textContent('main')).to.contain('Iscrizione annullata.');
    const offer = await inbox.waitFor(carlo.email, /Si è liberato un posto/);
    await carloPage.goto(linkIn(offer.text, '/formazione/offerte/'));
    await expectAccessible(carloPage, 'offer page');
    await submit(carloPage, 'main form:has(input[value="accept"]) button[type=submit]');
    expect(await carloPage.textContent('main')).to.contain('Posto accettato: l’iscrizione è confermata.');

    // Staff: the list with states, the ICS of the session opens in ical.js.
    await staff.goto(sessionUrl);
    const list = await staff.textContent('section[aria-labelledby="regs-h"]');
    expect(list).to.contain(carlo.name);
    expect(list).to.contain(bruno.name);
    await expectAccessible(staff, 'session page (staff)');
    // The slides, for the registered people only.
    await staff.selectOption('#f-kind', 'slides');
    await staff.fill('#f-title', 'Slide del primo webinar');
    await staff.fill('#f-url', 'https://slides.cithub.example/webinar-1');
    await submit(staff, `main form[action^="/formazione/sessioni/${sessionId}/materiali"] button[type=submit]`);
    expect(await staff.textContent('main')).to.contain('Materiale «Slide del primo webinar» aggiunto.');
    await expectAccessible(staff, 'session page with a material (staff)');
    await carloPage.goto(sessionUrl);
    expect(await carloPage.textContent('section[aria-labelledby="materiali"]')).to.contain('Slide del primo webinar');
    await expectAccessible(carloPage, 'session page with materials (registered)');
    await visitor.goto(sessionUrl);
    expect(await visitor.textContent('main')).to.not.contain('Slide del primo webinar');
    const ics = await staff.request.get(`${sessionUrl}/calendario.ics`);
    expect(ics.headers()['content-type']).to.contain('text/calendar');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(await ics.text())).getFirstSubcomponent('vevent')!);
    expect(event.summary).to.equal(`Primo webinar: l’identità digitale (${title})`);
    expect(DateTime.fromJSDate(event.startDate.toJSDate()).setZone('Europe/Rome').toFormat('yyyy-MM-dd HH:mm')).to.equal(`${day} 10:00`);
    expect(event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime()).to.equal(3600_000);

    // The webinar is held (yesterday, in this test); staff import the platform's participants report.
    const held = DateTime.now().setZone('Europe/Rome').minus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    await moveSession(sessionId, held.toJSDate());
    const d = held.toFormat('yyyy-MM-dd');
    const csv = [
      'Nome,Email,Ora di ingresso,Ora di uscita,Durata',
      `${bruno.name},${bruno.email},${d} 09:57:00,${d} 10:40:00,43`,
      `${bruno.name},${bruno.email},${d} 10:38:00,${d} 11:01:00,23`,
      `${carlo.name},${carlo.email},${d} 10:02:00,${d} 11:00:00,58`,
      `Ospite,ospite@example.org,${d} 10:00:00,${d} 10:20:00,20`,
    ].join('\n');
    await staff.goto(`${sessionUrl}/presenze`);
    await expectAccessible(staff, 'attendance register');
    await staff.setInputFiles('#f-file', { name: 'partecipanti.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await submit(staff, `main form[action^="/formazione/sessioni/${sessionId}/presenze/importa"] button[type=submit]`);
    const report = await staff.textContent('#import-report');
    expect(report).to.contain('Importate le presenze di 2 persone.');
    expect(report).to.contain('60 minuti su 60 (100 %)');
    expect(report).to.contain('(tratti sovrapposti contati una volta)');
    expect(report).to.contain('58 minuti su 60 (97 %)');
    expect(report).to.contain('ospite@example.org');
    await expectAccessible(staff, 'attendance register after the import');

    // Certificates for those who qualified.
    await staff.goto(`${baseUrl}/formazione/cicli/${cycleId}`);
    await submit(staff, `main form[action="/formazione/cicli/${cycleId}/attestati"] button[type=submit]`);
    expect(await staff.textContent('main')).to.contain('Attestati emessi: 2.');
    await expectAccessible(staff, 'cycle page with certificates');

    // Bruno downloads his from /formazione/miei: the PDF's text is his.
    const brunoPage = await newPage();
    await browserLogin(brunoPage, baseUrl, bruno.email);
    await brunoPage.goto(`${baseUrl}/formazione/miei`);
    await expectAccessible(brunoPage, 'my training with a certificate');
    const pdfHref = await brunoPage.getAttribute('main a[href$="/pdf"]', 'href');
    const pdf = await brunoPage.request.get(`${baseUrl}${pdfHref}`);
    expect(pdf.headers()['content-type']).to.equal('application/pdf');
    const text = await pdfText(await pdf.body());
    expect(text).to.contain('Attestato di partecipazione');
    expect(text).to.contain(bruno.name);
    expect(text).to.contain(otranto.name);
    expect(text).to.contain(title);
    expect(text).to.contain('per un totale di 1 ore di formazione');
    expect(text).to.contain('1.1');
    const code = /Codice di verifica: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(text)![1];
    // Its QR code (read from the PDF's image by jsQR) opens the public page of that code.
    const [qrLink] = await qrCodesOfPdf(await pdf.body());
    expect(qrLink).to.equal(`${baseUrl}/formazione/verifica/${code}`);

    // Anyone checks the code on the public page, without a login: by the QR code's link, and by typing it.
    await visitor.goto(qrLink);
    expect(await visitor.textContent('main')).to.contain('Attestato valido');
    await visitor.goto(`${baseUrl}/formazione/verifica`);
    await expectAccessible(visitor, 'verify page');
    await visitor.fill('#codice', code.toLowerCase());
    await submit(visitor, 'main form[action="/formazione/verifica"] button[type=submit]');
    expect(await visitor.textContent('main')).to.contain('Attestato valido');
    expect(await visitor.textContent('main')).to.contain(bruno.name);
    await expectAccessible(visitor, 'verify page, valid code');
    await visitor.goto(`${baseUrl}/formazione/verifica/ZZZZ-ZZZZ-ZZZZ`);
    expect(await visitor.textContent('main')).to.contain('Attestato non valido');
    await expectAccessible(visitor, 'verify page, unknown code');

    // The hours in each comune's ledger, and in the staff's totals.
    await otr.goto(`${baseUrl}/formazione/ore/enti/${otranto.id}?anno=${held.year}`);
    const rowBruno = await otr.textContent(`main tr:has-text("${bruno.name}")`);
    expect(rowBruno).to.contain('1');
    await expectAccessible(otr, 'Otranto’s ledger');
    const gal = await newPage();
    await browserLogin(gal, baseUrl, rtdG.email);
    await gal.goto(`${baseUrl}/formazione/ore/enti/${galatina.id}?anno=${held.year}`);
    expect(await gal.textContent(`main tr:has-text("${carlo.name}")`)).to.contain('1');
    expect(await gal.textContent('main')).to.not.contain(bruno.name);
    const [{ n }] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM training_certificates WHERE cycle_id = :c AND entity_id IN (:e)`, { replacements: { c: cycleId, e: [galatina.id, otranto.id] }, type: QueryTypes.SELECT });
    expect(n).to.equal(2);
    await expectAccessible(gal, 'Galatina’s ledger');
    await staff.goto(`${baseUrl}/formazione/ore?anno=${held.year}`);
    expect(await staff.textContent('main')).to.contain(galatina.name);
    expect(await staff.textContent('main')).to.contain(otranto.name);
    await expectAccessible(staff, 'staff totals per body');

    // A citizens' course: a citizen registers without an account, the seat counts after the mailed link.
    const course = await makeCycle({ audience: 'citizens', title: `Facilitazione digitale a Russi ${tag}` });
    const lesson = await makeSession(course.id, { title: 'Usare lo SPID', mode: 'presence', place: 'Biblioteca comunale, Russi', link: '', capacity: '12' });
    const citizen = await newPage();
    await citizen.goto(`${baseUrl}/formazione/sessioni/${lesson.id}`);
    await expectAccessible(citizen, 'citizens’ course session');
    const email = `cittadina.${tag}@example.org`;
    await citizen.fill('#f-name', 'Giulia Rossi');
    await citizen.fill('#f-email', email);
    await submit(citizen, `main form[action="/formazione/sessioni/${lesson.id}/cittadini"] button[type=submit]`);
    expect(await citizen.textContent('#error-summary')).to.contain('Per iscriverti devi accettare l’informativa sulla privacy.');
    expect(await citizen.inputValue('#f-email')).to.equal(email);
    await expectAccessible(citizen, 'citizens’ form with an error');
    await citizen.click('label[for="f-consent"]');
    expect(await citizen.isChecked('#f-consent')).to.equal(true);
    await submit(citizen, `main form[action="/formazione/sessioni/${lesson.id}/cittadini"] button[type=submit]`);
    expect(await citizen.textContent('main')).to.contain('Controlla la tua email');
    await expectAccessible(citizen, 'citizens’ request sent');
    const [pending] = await platform.sequelize.query<{ state: string }>(`SELECT state FROM training_registrations WHERE session_id = :s`, { replacements: { s: lesson.id }, type: QueryTypes.SELECT });
    expect(pending.state).to.equal('pending');
    const confirmMail = await inbox.waitFor(email, /Conferma la tua iscrizione/);
    await citizen.goto(linkIn(confirmMail.text, '/formazione/conferma/'));
    await expectAccessible(citizen, 'citizens’ confirmation page');
    await submit(citizen, 'main form[action^="/formazione/conferma/"] button[type=submit]');
    expect(await citizen.textContent('main')).to.contain('Iscrizione a «Usare lo SPID» confermata.');
    await expectAccessible(citizen, 'citizens’ registration confirmed');
    const [confirmed] = await platform.sequelize.query<{ state: string }>(`SELECT state FROM training_registrations WHERE session_id = :s`, { replacements: { s: lesson.id }, type: QueryTypes.SELECT });
    expect(confirmed.state).to.equal('confirmed');

    for (const p of [staff, visitor, annaPage, otr, carloPage, brunoPage, gal, citizen]) await p.close();
  });
});
