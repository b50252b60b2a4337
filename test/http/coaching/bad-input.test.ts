// The issue's «Bad input» of the coaching area, each over HTTP with the Italian message and nothing
// half-saved: template files (round trip, malformed, non-UTF-8), a frozen version, another version's
// question ids, evidence files empty / too large / disguised, another body's records by id through
// one's own body's path, and a PNRR file with a duplicate row.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createPlanActionFrom } from '../../../src/modules/coaching/index.js';
import { loadVersion, toTemplateFile } from '../../../src/modules/coaching/templates.js';
import { importOpenData } from '../../../src/modules/funding/index.js';
import { messageTranslator } from '../../../src/platform/i18n.js';
import { testContext } from '../../helpers/app.js';
import { csrfFrom, type Agent } from '../../helpers/http.js';
import { staffActor } from '../funding/helpers.js';
import { applicationLine, bodyWithPeople, HEADER, idFrom, questionIds, sql, staffAgent } from './helpers.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function demoVersionId(): Promise<number> {
  const [v] = await sql<{ id: number }>(`SELECT v.id FROM coaching_template_versions v JOIN coaching_templates t ON t.id = v.template_id WHERE t.title = 'Autovalutazione della maturità digitale del Comune' AND v.status = 'published' ORDER BY v.version LIMIT 1`);
  return v.id;
}

async function upload(staff: Agent, content: Buffer | string, name: string) {
  const page = await staff.get('/affiancamento/modelli');
  const token = csrfFrom(page.text);
  return staff.post(`/affiancamento/modelli/importa`).field('_csrf', token).attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name);
}

const templateCount = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM coaching_templates`))[0].n;
const errorOf = (html: string) => (html.match(/id="f-file-error"[^>]*>([^<]*)</)?.[1] ?? html.match(/error-summary[\s\S]{0,800}/)?.[0] ?? '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('coaching: bad input', function () {
  this.timeout(180_000);
  before(() => testContext());

  it('a template exported as YAML or CSV imports back equal (a new draft), the demo one included', async () => {
    const staff = await staffAgent();
    const id = await demoVersionId();
    const original = toTemplateFile(await loadVersion((await testContext()).platform, id));
    expect(original.areas.length).to.be.at.least(6);
    const yaml = await staff.get(`/affiancamento/modelli/versioni/${id}/modello.yaml`);
    expect(yaml.status).to.equal(200);
    expect(yaml.header['content-type']).to.contain('application/yaml');
    const csv = await staff.get(`/affiancamento/modelli/versioni/${id}/modello.csv`);
    expect(csv.header['content-type']).to.contain('text/csv');
    for (const [text, name] of [[yaml.text, 'modello.yaml'], [csv.text, 'modello.csv']] as const) {
      const res = await upload(staff, text, name);
      expect(res.status, errorOf(res.text)).to.equal(302);
      const copyId = idFrom(res.header.location, /versioni\/(\d+)/);
      const copy = toTemplateFile(await loadVersion((await testContext()).platform, copyId));
      // The CSV carries no description (documented): everything else is the same, in the same order.
      expect({ ...copy, description: name.endsWith('.csv') ? original.description : copy.description }).to.deep.equal(original);
      const [v] = await sql<{ status: string }>(`SELECT status FROM coaching_template_versions WHERE id = :id`, { id: copyId });
      expect(v.status).to.equal('draft');
    }
  });

  it('a malformed template file is refused whole with an Italian message naming the line', async () => {
    const staff = await staffAgent();
    const before = await templateCount();
    const head = 'modello;area_codice;area_titolo;codice;domanda;guida;riferimento;peso';
    const ok = (n: number) => `Prova;GOV;Governance;GOV-0${n};Domanda ${n}?;;cad:a;1`;
    const cases: Array<[string, Buffer | string, string]> = [
      ['modello.csv', `modello;area_codice;area_titolo;codice;domanda\n${ok(1)}\n`, 'mancano le colonne: riferimento, peso'],
      ['modello.csv', `${head}\n${ok(1)}\n${ok(2)}\nProva;GOV;Governance;GOV-03;Domanda?;;cad:a;pesante\n`, 'Riga 4, «peso»: Il peso è un numero maggiore di 0 e al massimo 100.'],
      ['modello.csv', `${head}\n${ok(1)}\nProva;GOV;Governance;GOV-02;Domanda?;;piano:CAP9.PA.99;1\n`, 'Riga 3, «riferimento»: Il riferimento «piano:CAP9.PA.99» non esiste'],
      ['modello.csv', `${head}\n${ok(1)}\n${ok(2)}\n${ok(1)}\n`, 'Riga 4, «codice»: Il codice GOV-01 è ripetuto'],
      ['modello.csv', `${head}\n${ok(1)}\nProva;GOV;Governance;GOV-02;Domanda; con punto e virgola?;;cad:a;1\n`, 'alla riga 3: la riga ha 9 campi invece di 8'],
      ['modello.csv', `${head}\n${ok(1)}\nProva;GOV;Governance;GOV-02;"Domanda aperta?;;cad:a;1\n`, 'una virgoletta aperta non è mai chiusa'],
      ['modello.csv', `${head}\nProva;GOV;Governance;GOV-01;;;cad:a;1\n`, 'Riga 2, «domanda»'],
      ['modello.csv', Buffer.from(`${head}\nProva;GOV;Governance;GOV-01;Perché?;;cad:a;1\n`, 'latin1'), 'non è codificato in UTF-8'],
      ['modello.yaml', 'title: Prova\nareas:\n  - code: GOV\n    title: Governance\n    questions:\n      - code: GOV-01\n        text: "Domanda\n', 'alla riga'],
      ['modello.yaml', 'title: Prova\nareas:\n  - code: GOV\n    title: Governance\n    questions:\n      - code: GOV-01\n        text: Domanda?\n      - code: GOV-02\n        weight: 0\n        text: Altra?\n', 'Riga 9, «areas.0.questions.1.weight»: Il peso è un numero maggiore di 0'],
      ['modello.yaml', 'title: Prova\nareas:\n  - code: GOV\n    title: Governance\n    questions: []\n', 'Riga 5, «areas.0.questions»: Ogni area ha almeno una domanda.'],
    ];
    for (const [name, content, expected] of cases) {
      const res = await upload(staff, content, name);
      expect(res.status, `${name}: ${expected}`).to.equal(422);
      expect(errorOf(res.text), `${name}: ${expected}`).to.contain(expected).and.contain('Nulla è stato importato.');
    }
    expect(await templateCount()).to.equal(before);
  });

  it('a published version is frozen; an assessment refuses another version’s question ids and keeps its own version', async () => {
    const staff = await staffAgent();
    const { platform } = await testContext();
    const published = await demoVersionId();
    const v = await loadVersion(platform, published);
    const page = await staff.get(`/affiancamento/modelli/versioni/${published}`);
    const token = csrfFrom(page.text);
    const q = v.questions[0];
    const edits: Array<[string, Record<string, string>]> = [
      [`/affiancamento/modelli/versioni/${published}/domande/${q.id}`, { areaId: String(q.areaId), code: q.code, text: 'Cambiata?', weight: '1' }],
      [`/affiancamento/modelli/versioni/${published}/domande`, { areaId: String(q.areaId), code: 'NEW-01', text: 'Nuova?', weight: '1' }],
      [`/affiancamento/modelli/versioni/${published}/aree`, { code: 'NEW', title: 'Nuova area' }],
      [`/affiancamento/modelli/versioni/${published}/domande/${q.id}/elimina`, {}],
      [`/affiancamento/modelli/versioni/${published}/pubblica`, {}],
    ];
    for (const [url, fields] of edits) {
      const res = await staff.post(url).type('form').send({ _csrf: token, ...fields });
      expect(res.status, url).to.equal(422);
      expect(res.text, url).to.contain('Questa versione è pubblicata e non si può più modificare');
    }
    const after = await loadVersion(platform, published);
    expect(after.questions.map((x) => [x.id, x.text])).to.deep.equal(v.questions.map((x) => [x.id, x.text]));

    // A new draft of the template has questions of its own: their ids are not this assessment's.
    const draft = await staff.post(`/affiancamento/modelli/${v.templateId}/bozza`).type('form').send({ _csrf: token });
    const draftId = idFrom(draft.header.location, /versioni\/(\d+)/);
    const draftQs = (await loadVersion(platform, draftId)).questions;
    const e = await bodyWithPeople();
    const list = await e.rtd.get(`/affiancamento/${e.body.id}/valutazioni`);
    const start = await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni`).type('form').send({ _csrf: csrfFrom(list.text) });
    const id = idFrom(start.header.location, /valutazioni\/(\d+)/);
    const [own] = await questionIds(id);
    const foreign = await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni/${id}`).type('form').send({ _csrf: csrfFrom(list.text), [`answer_${own.question_id}`]: 'yes', [`answer_${draftQs[0].id}`]: 'no' });
    expect(foreign.status).to.equal(422);
    expect(foreign.text).to.contain(`non fanno parte di questa autovalutazione (${draftQs[0].id})`);
    expect((await questionIds(id)).find((x) => x.question_id === own.question_id)!.answer).to.equal(null);
    const [a] = await sql<{ version_id: number }>(`SELECT version_id FROM coaching_assessments WHERE id = :id`, { id });
    expect(a.version_id).to.equal(published);
    // Answers to a question with a malformed id or value are refused next to it.
    const bad = await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni/${id}`).type('form').send({ _csrf: csrfFrom(list.text), [`answer_${own.question_id}`]: 'forse', [`maturity_${own.question_id}`]: '9' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Scegli sì, in parte, no o non pertinente.');
    // Drop the draft so the other tests see the demo template as it was.
    await sql(`DELETE FROM coaching_template_versions WHERE id = :id RETURNING id`, { id: draftId });
  });

  it('an evidence file that is empty, too large or disguised is refused next to its field, nothing saved', async () => {
    const { platform } = await testContext();
    const e = await bodyWithPeople();
    const list = await e.rtd.get(`/affiancamento/${e.body.id}/valutazioni`);
    const start = await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni`).type('form').send({ _csrf: csrfFrom(list.text) });
    const id = idFrom(start.header.location, /valutazioni\/(\d+)/);
    const [q] = await questionIds(id);
    const token = csrfFrom(list.text);
    const send = (content: Buffer, name: string) => e.rtd.post(`/affiancamento/${e.body.id}/valutazioni/${id}/prove/${q.question_id}`).field('_csrf', token).attach('file', content, name);
    const cases: Array<[Buffer, string, string]> = [
      [Buffer.alloc(0), 'nomina.pdf', 'Il file «nomina.pdf» è vuoto.'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'nomina.pdf', 'Il file «nomina.pdf» non è di un tipo ammesso'],
      [Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), 'delibera.docx', 'Il file «delibera.docx» non è di un tipo ammesso'],
      [Buffer.alloc(platform.config.uploadMaxBytes + 1, 0x25), 'nomina.pdf', 'Un file supera la dimensione massima di'],
    ];
    for (const [content, name, expected] of cases) {
      const res = await send(content, name);
      expect(res.status, expected).to.equal(422);
      const m = res.text.match(new RegExp(`id="f-file_${q.question_id}-error"[^>]*>([^<]*)<`));
      expect(m?.[1]?.replace(/&#39;/g, "'"), expected).to.contain(expected);
    }
    expect(await sql(`SELECT 1 FROM coaching_evidence e JOIN coaching_answers x ON x.id = e.answer_id WHERE x.assessment_id = :id`, { id })).to.have.length(0);
    expect((await send(PDF, 'nomina.pdf')).status).to.equal(302);
  });

  it('another body’s assessment, evidence, action and session by id through one’s own body’s path: 404', async () => {
    const e = await bodyWithPeople();
    const f = await bodyWithPeople();
    const staff = await staffAgent();
    const { platform } = await testContext();
    const list = await e.rtd.get(`/affiancamento/${e.body.id}/valutazioni`);
    const token = csrfFrom(list.text);
    const id = idFrom((await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni`).type('form').send({ _csrf: token })).header.location, /valutazioni\/(\d+)/);
    const [q] = await questionIds(id);
    await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni/${id}/prove/${q.question_id}`).field('_csrf', token).attach('file', PDF, 'nomina.pdf');
    const [ev] = await sql<{ id: number }>(`SELECT e.id FROM coaching_evidence e JOIN coaching_answers x ON x.id = e.answer_id WHERE x.assessment_id = :id`, { id });
    const action = await createPlanActionFrom(platform, await staffActor(), { entityId: e.body.id, title: 'Azione di E', dueDate: null, source: { kind: 'test', id: `x-${e.body.id}`, label: 'Prova', href: '/' } });
    const form = await staff.get(`/affiancamento/${e.body.id}/incontri/nuovo`);
    const sid = idFrom((await staff.post(`/affiancamento/${e.body.id}/incontri`).type('form').send({ _csrf: csrfFrom(form.text), startsAt: '2030-02-10T10:00', mode: 'presence', place: 'Municipio' })).header.location, /incontri\/(\d+)/);
    const F = `/affiancamento/${f.body.id}`;
    const fToken = csrfFrom((await f.rtd.get(F)).text);
    for (const p of [`${F}/valutazioni/${id}`, `${F}/valutazioni/${id}/obiettivi`, `${F}/valutazioni/${id}/prove/${ev.id}`, `${F}/piano/azioni/${action.id}`, `${F}/incontri/${sid}`]) {
      expect((await f.rtd.get(p)).status, p).to.equal(404);
    }
    for (const [p, fields] of [
      [`${F}/valutazioni/${id}`, { [`answer_${q.question_id}`]: 'yes' }],
      [`${F}/valutazioni/${id}/invia`, {}],
      [`${F}/valutazioni/${id}/obiettivi`, { questions: String(q.question_id) }],
      [`${F}/piano/azioni/${action.id}`, { title: 'Rubata', status: 'done' }],
    ] as Array<[string, Record<string, string>]>) {
      expect((await f.rtd.post(p).type('form').send({ _csrf: fToken, ...fields })).status, p).to.equal(404);
    }
    // Staff reviewing E's assessment through F's path: not found either.
    expect((await staff.get(`${F}/valutazioni/${id}/revisione`)).status).to.equal(404);
    const [a] = await sql<{ title: string; status: string }>(`SELECT title, status FROM coaching_actions WHERE id = :id`, { id: action.id });
    expect(a).to.deep.equal({ title: 'Azione di E', status: 'todo' });
  });

  it('a PNRR file with a duplicate row refuses the repeat with its line (the other cases: test/http/funding/import.test.ts)', async () => {
    const { platform } = await testContext();
    const e = await bodyWithPeople();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'coaching-dup-'));
    const file = path.join(dir, 'candidature_comuni_finanziate_doppie.csv');
    const line = applicationLine(e.body.ipaCode, e.body.name, { call: '1.4.4 Adozione identità digitale - Comuni', state: 'E', stateOn: '2025-05-05', cup: `B51F23${String(e.body.id).padStart(9, '0')}` }, 0);
    writeFileSync(file, [HEADER, line, line].join('\n') + '\n');
    const report = await importOpenData(platform, [file]);
    expect(report.created).to.equal(1);
    expect(report.refused).to.equal(1);
    expect(report.problems.map((p) => p.line)).to.deep.equal([3]);
    expect(messageTranslator('it')(report.problems[0].message)).to.equal('Riga ripetuta: è uguale alla riga 2, scartata.');
    // The proposal of the new assessment comes from the one row kept.
    const list = await e.rtd.get(`/affiancamento/${e.body.id}/valutazioni`);
    const id = idFrom((await e.rtd.post(`/affiancamento/${e.body.id}/valutazioni`).type('form').send({ _csrf: csrfFrom(list.text) })).header.location, /valutazioni\/(\d+)/);
    expect((await questionIds(id)).filter((q) => q.proposed).map((q) => q.answer)).to.include('yes');
  });
});
