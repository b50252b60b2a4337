// The Done-when flow of RTD coaching in a real browser: after importing the shared PA digitale 2026
// rows of Russi, its RTD fills in the demo self-assessment (with the proposals), submits it, staff
// approve it, goals come from the gaps, a session's minutes and decision update an action, the
// plan's PDF opens with its title as text, the RTD records an obligation's evidence in the
// obligations calendar, and the benchmark shows Russi against similar comuni.
// Every page visited passes axe (WCAG 2.1 A/AA) with the strict CSP on.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { findBodyByIpa } from '../../src/modules/entities/index.js';
import { importOpenData, SHARED_OPEN_DATA_DIR } from '../../src/modules/funding/index.js';
import { EXCERPT_DIR } from '../../src/modules/funding/seed.js';
import { addDays, todayInRome } from '../../src/modules/tenders/index.js';
import { ROOT } from '../../src/platform/paths.js';
import { testContext } from '../helpers/app.js';
import { browserLogin, expectAccessible, newPage, requireBrowser } from '../helpers/browser.js';
import { peerWithAssessment, questionIds, sharedRowsOf, sql } from '../http/coaching/helpers.js';


async function click(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

const GAPS = ['SEC-01', 'SEC-03', 'ACC-02', 'CLD-01', 'CMP-02'];
const answerOf = (code: string) => (GAPS.includes(code) ? 'no' : code === 'GOV-02' || code === 'DAT-01' ? 'partly' : code === 'PLT-07' ? 'na' : 'yes');

describe('RTD coaching in a real browser', function () {
  this.timeout(600_000);
  before(function () {
    requireBrowser(this);
  });

  it('Russi: proposals from the open data, self-assessment, approval, goals, a session, the PDF and the benchmark', async () => {
    const { baseUrl } = await testContext();
    const russi = (await findBodyByIpa('c_h642'))!;
    const { platform } = await testContext();
    // The shared files beside the repository when present (CI), else the excerpt shipped in it (a fresh clone): Russi's rows are in both.
    const report = await importOpenData(platform, sharedRowsOf('c_h642', existsSync(SHARED_OPEN_DATA_DIR) ? SHARED_OPEN_DATA_DIR : EXCERPT_DIR));
    expect(report.refused, JSON.stringify(report.files)).to.equal(0);
    // Three comuni of the same band with a submitted self-assessment: the benchmark has its median.
    const peers = [];
    for (const [i, pop] of [6000, 9000, 15000].entries()) peers.push(await peerWithAssessment(pop, (code) => (code.endsWith(`-0${i + 1}`) ? 'no' : 'partly')));

    const rtd = await newPage();
    await browserLogin(rtd, baseUrl, 'rtd@russi.cithub.example');
    await rtd.goto(`${baseUrl}/`);
    await expectAccessible(rtd, 'home of the RTD');
    await rtd.goto(`${baseUrl}/affiancamento`);
    expect(rtd.url()).to.equal(`${baseUrl}/affiancamento/${russi.id}`);
    await expectAccessible(rtd, 'Russi coaching page');
    await click(rtd, `a[href="/affiancamento/${russi.id}/valutazioni"].btn`);
    await expectAccessible(rtd, 'assessments list');
    await click(rtd, 'main form[method="post"] button[type=submit]');
    expect(await rtd.textContent('main')).to.contain('Autovalutazione iniziata.');
    const id = Number(/valutazioni\/(\d+)/.exec(rtd.url())![1]);
    const qs = await questionIds(id);
    expect(qs.filter((q) => q.proposed).map((q) => q.code).sort()).to.deep.equal(['DAT-03', 'PLT-06']);
    await expectAccessible(rtd, 'assessment, first area');

    // Area by area: answer, confirm the proposals, save and go on.
    const areas = (await sql<{ code: string }>(`SELECT a.code FROM coaching_areas a JOIN coaching_assessments x ON x.version_id = a.version_id WHERE x.id = :id ORDER BY a.position`, { id })).map((a) => a.code);
    for (const [i, area] of areas.entries()) {
      await rtd.goto(`${baseUrl}/affiancamento/${russi.id}/valutazioni/${id}?area=${area}`);
      for (const q of qs.filter((x) => x.code.startsWith(`${area}-`))) {
        if (q.proposed) {
          expect(await rtd.textContent(`#q-${q.question_id}`)).to.contain('Proposta dai dati PA digitale 2026');
          expect(await rtd.textContent(`#q-${q.question_id}`)).to.match(/finanziato ed erogato il \d\d\/\d\d\/\d{4}/);
          await rtd.click(`label[for="f-confirm_${q.question_id}"]`);
        } else {
          await rtd.click(`label[for="f-answer_${q.question_id}${answerOf(q.code) === 'yes' ? '' : `-${answerOf(q.code)}`}"]`);
          await rtd.selectOption(`#f-maturity_${q.question_id}`, answerOf(q.code) === 'yes' ? '3' : '1');
        }
      }
      if (area === 'PLT') await expectAccessible(rtd, 'assessment, platforms area with proposals');
      await click(rtd, i < areas.length - 1 ? '#answers-form button[name="next"]' : '#save-answers');
      expect(await rtd.textContent('main'), (await rtd.textContent('main'))!.replace(/\s+/g, ' ').slice(0, 1500)).to.contain('Risposte salvate');
    }
    await click(rtd, `form[action$="/valutazioni/${id}/invia"] button`);
    expect(await rtd.textContent('main')).to.contain('Autovalutazione inviata al centro');
    await expectAccessible(rtd, 'submitted assessment');

    // Staff approve it, with a comment on the RTD's nomination.
    const staff = await newPage();
    await browserLogin(staff, baseUrl, 'staff@cithub.example');
    await staff.goto(`${baseUrl}/affiancamento`);
    await expectAccessible(staff, 'staff list of bodies');
    await staff.goto(`${baseUrl}/affiancamento/${russi.id}/valutazioni/${id}/revisione`);
    await expectAccessible(staff, 'review form');
    await staff.fill(`#f-comment_${qs.find((q) => q.code === 'GOV-01')!.question_id}`, 'Allegate il decreto di nomina.');
    await staff.click('label[for="f-decision"]');
    await click(staff, 'main form[method="post"] button[type=submit]');
    expect(await staff.textContent('main')).to.contain('Autovalutazione approvata.');

    // The RTD creates the goals from the gaps.
    await rtd.goto(`${baseUrl}/affiancamento/${russi.id}/valutazioni/${id}`);
    expect(await rtd.textContent('main')).to.contain('Allegate il decreto di nomina.');
    await click(rtd, `a[href$="/valutazioni/${id}/obiettivi"]`);
    await expectAccessible(rtd, 'goals from the gaps');
    await click(rtd, 'main form[method="post"] button[type=submit]');
    expect(await rtd.textContent('main')).to.contain('7 obiettivi creati nel piano.');
    await expectAccessible(rtd, 'plan');
    const [action] = await sql<{ id: number; title: string }>(
      `SELECT x.id, x.title FROM coaching_actions x JOIN coaching_goals g ON g.id = x.goal_id WHERE g.entity_id = :e AND g.question_code = 'SEC-01'`,
      { e: russi.id },
    );

    // Staff record a session whose decision moves that action.
    await staff.goto(`${baseUrl}/affiancamento/${russi.id}/incontri/nuovo`);
    await expectAccessible(staff, 'new session form');
    await staff.fill('#f-startsAt', `${addDays(todayInRome(), 10)}T10:00`);
    await staff.selectOption('#f-mode', 'online');
    await click(staff, 'main form[method="post"] button[type=submit]');
    expect(await staff.textContent('#error-summary')).to.contain('indica il collegamento');
    await expectAccessible(staff, 'session form with an error');
    await staff.fill('#f-link', 'https://meet.example.org/russi');
    await staff.fill('#f-participants', 'Giulia Bertoni (RTD), segretario comunale');
    await staff.fill('#f-minutes', 'Il Comune nomina il responsabile della cybersicurezza entro fine mese.');
    await click(staff, 'main form[method="post"] button[type=submit]');
    expect(await staff.textContent('main')).to.contain('Incontro salvato.');
    await staff.selectOption('#f-actionId', String(action.id));
    await staff.selectOption('#f-status', 'doing');
    await staff.fill('#f-progress', '40');
    await staff.fill('#f-note', 'Bozza di decreto condivisa');
    await click(staff, 'form[action$="/decisioni"] button[type=submit]');
    expect(await staff.textContent('section[aria-labelledby="decisioni"]')).to.contain('Bozza di decreto condivisa');
    await expectAccessible(staff, 'session page');
    await rtd.goto(`${baseUrl}/affiancamento/${russi.id}/piano/azioni/${action.id}`);
    expect(await rtd.textContent('main')).to.contain('Bozza di decreto condivisa');
    expect(await rtd.textContent('main')).to.contain('40%');
    await expectAccessible(rtd, 'action page with its history');

    // The plan's PDF, read with a PDF library.
    const pdf = await rtd.request.get(`${baseUrl}/affiancamento/${russi.id}/piano.pdf`);
    expect(pdf.headers()['content-type']).to.equal('application/pdf');
    const doc = await getDocument({ data: new Uint8Array(await pdf.body()), standardFontDataUrl: path.join(ROOT, 'node_modules', 'pdfjs-dist', 'standard_fonts') + path.sep }).promise;
    const text = (await (await doc.getPage(1)).getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ');
    expect(text).to.contain('Piano di transizione digitale del Comune di Russi');
    expect(text).to.contain(action.title);

    // The obligations calendar: this year's duties of the Piano triennale; the RTD records the
    // accessibility statement with its link (first without one: refused next to the field).
    await rtd.goto(`${baseUrl}/affiancamento/${russi.id}`);
    await click(rtd, `a[href="/affiancamento/${russi.id}/scadenze"]`);
    const year = todayInRome().slice(0, 4);
    expect(await rtd.textContent('main')).to.contain('Dichiarazione di accessibilità su form.AGID.gov.it');
    expect(await rtd.textContent('[id="obbligo-CAP3.PA.15"]')).to.contain(`Entro il 31/03/${year}`);
    await expectAccessible(rtd, 'obligations calendar');
    const statement = '[id="obbligo-CAP3.PA.16"]';
    await click(rtd, `${statement} a[href$="/scadenze/${year}/CAP3.PA.16"]`);
    await expectAccessible(rtd, 'an obligation and its evidence form');
    await rtd.fill('#f-doneOn', `${year}-09-20`);
    await click(rtd, 'main form[method="post"] button[type=submit]');
    expect(await rtd.textContent('#f-link-error')).to.contain('allega un file come prova');
    await expectAccessible(rtd, 'obligation form with an error');
    await rtd.fill('#f-link', 'https://form.agid.gov.it/view/comune-di-russi');
    await click(rtd, 'main form[method="post"] button[type=submit]');
    expect(await rtd.textContent('main')).to.contain('Adempimento registrato con la sua prova.');
    expect(await rtd.textContent(statement)).to.contain('Adempiuto').and.contain('20/09/');
    await expectAccessible(rtd, 'obligations calendar after recording');

    // The benchmark: Russi against the median of its band, no other body's name.
    await rtd.goto(`${baseUrl}/affiancamento/${russi.id}`);
    const bench = await rtd.textContent('section[aria-labelledby="bench-h"]');
    expect(bench).to.contain('Mediana');
    expect(bench).to.contain('da 5.001 a 20.000 abitanti');
    for (const p of peers) expect(bench).to.not.contain(p.body.name);
    await expectAccessible(rtd, 'Russi page with history and benchmark');
    await rtd.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(rtd, 'Russi page at 390 px');
    const wide = await rtd.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(wide).to.be.at.most(390);
    await rtd.goto(`${baseUrl}/affiancamento/${russi.id}/scadenze`);
    await expectAccessible(rtd, 'obligations calendar at 390 px');
    expect(await rtd.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).to.be.at.most(390);

    // Templates, as staff.
    await staff.goto(`${baseUrl}/affiancamento/modelli`);
    await expectAccessible(staff, 'templates');
    await click(staff, 'main table a');
    await expectAccessible(staff, 'template version');
  });
});
