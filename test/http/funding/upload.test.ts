// The upload page of the open-data import: the same importer as `npm run pnrr:import`, its report
// (created / updated / unused rows with their line numbers) on the page, and every bad file a clear
// Italian message with nothing of a refused file saved — never a 500.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { FundingProject } from '../../../src/modules/funding/models.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, csrfFrom, loginAs } from '../../helpers/http.js';
import { OPEN_DATA_HEADER as HEADER, openDataCup as cup, openDataRow as row } from './helpers.js';

type Upload = { name: string; content: string | Buffer };

/** The words of a page, without its tags (entities of the escaped text decoded). */
function viewText(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** Waits until the queued import has run (its row says so: the job queue's own signal). */
async function importDone(id: number): Promise<string> {
  const { platform } = await testContext();
  for (;;) {
    const [row] = await platform.sequelize.query<{ status: string }>('SELECT status FROM funding_imports WHERE id = :id', { replacements: { id }, type: QueryTypes.SELECT });
    if (row.status === 'done' || row.status === 'failed') return row.status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Uploads the files as staff, follows to the import's page once the job has run; status 200 (its page) or 422 (the form refused). */
async function staffUpload(...files: Upload[]) {
  const agent = await loginAs('staff@cithub.example');
  const page = await agent.get('/finanziamenti/importa');
  expect(page.status).to.equal(200);
  let req = agent.post('/finanziamenti/importa').field('_csrf', csrfFrom(page.text));
  for (const f of files) req = req.attach('files', Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content), f.name);
  const res = await req;
  if (res.status === 422) return { status: 422, text: viewText(res.text) };
  expect(res.status, res.text.slice(0, 300)).to.equal(302);
  const id = Number(/\/finanziamenti\/importa\/(\d+)$/.exec(res.headers.location)![1]);
  expect(await importDone(id)).to.equal('done');
  const report = await agent.get(`/finanziamenti/importa/${id}`);
  expect(report.status).to.equal(200);
  return { status: 200, text: viewText(report.text), ok: !viewText(report.text).includes('Non importato') };
}

const count = (entityId: number) => FundingProject.count({ where: { entityId } });

describe('funding: the upload page of the open-data import', () => {
  it('is for staff: an RTD gets 403, a visitor the login', async () => {
    const body = await createBody();
    const rtd = await loginAs((await createUser('rtd', body.id)).email);
    expect((await rtd.get('/finanziamenti/importa')).status).to.equal(403);
    const token = csrfFrom((await rtd.get('/finanziamenti/avvisi')).text);
    expect((await rtd.post(`/finanziamenti/importa`).field('_csrf', token).attach('files', Buffer.from(`${HEADER}\n${row(body.ipaCode, body.name)}\n`), 'c.csv')).status).to.equal(403);
    expect(await count(body.id)).to.equal(0);
    const visitor = await anonymousAgent();
    expect((await visitor.get('/finanziamenti/importa')).status).to.be.oneOf([302, 401]);
  });

  it('asks for a file when none is sent', async () => {
    const agent = await loginAs('staff@cithub.example');
    const page = await agent.get('/finanziamenti/importa');
    const res = await agent.post('/finanziamenti/importa').field('_csrf', csrfFrom(page.text)).field('x', '1');
    expect(res.status).to.equal(422);
    expect(viewText(res.text)).to.contain('Scegli almeno un file CSV da importare.');
  });

  it('imports through the page with the report, and again without duplicates', async () => {
    const body = await createBody();
    const stranger = `x_${Date.now().toString(36)}`;
    const content = [HEADER, row(body.ipaCode, body.name), row(body.ipaCode, body.name, { cup: '', window: '3' }), row(stranger, 'Comune di Altrove')].join('\n') + '\n';
    const first = await staffUpload({ name: 'candidature_comuni_finanziate.csv', content });
    expect(first.ok).to.equal(true);
    expect(first.text).to.contain('Importazione completata.').and.contain('candidature_comuni_finanziate.csv');
    expect(first.text).to.contain('Totale: 3 nuove, 0 aggiornate, 0 invariate, 1 di riferimento, 0 scartate');
    // The row of a body not in the bodies list is kept as reference and named by its line; the empty CUP is said too.
    expect(first.text).to.contain('1 righe di enti non aderenti o non presenti nell\'elenco degli enti, tenute come dati di riferimento (ad esempio le righe 4)');
    expect(first.text).to.contain('1 candidatura senza CUP, importata con finestra e protocollo come chiave (riga 3)');
    expect(await count(body.id)).to.equal(2);
    const again = await staffUpload({ name: 'candidature_comuni_finanziate.csv', content });
    expect(again.text).to.contain('Totale: 0 nuove, 0 aggiornate, 3 invariate');
    expect(await count(body.id)).to.equal(2);
  });

  it('refuses a file with a missing column whole, names the column, saves nothing', async () => {
    const body = await createBody();
    const header = HEADER.replace(',importo_finanziamento', '');
    const lines = [header, row(body.ipaCode, body.name).split(',').filter((_, i) => i !== 9).join(',')];
    const res = await staffUpload({ name: 'senza_importo.csv', content: lines.join('\n') });
    expect(res.ok).to.equal(false);
    expect(res.text).to.contain('Mancano le colonne obbligatorie importo_finanziamento: il file non è stato importato.').and.contain('Non importato');
    expect(await count(body.id)).to.equal(0);
  });

  it('reads a semicolon delimiter, names an unknown state letter, a bad CUP and a wrong column count by line, keeps the rest', async () => {
    const body = await createBody();
    const semi = (r: string) => r.replace(/"/g, '').split(',').join(';');
    const lines = [HEADER, row(body.ipaCode, body.name), row(body.ipaCode, body.name, { state: 'Z' }), row(body.ipaCode, body.name, { cup: 'B51F2200840ò' }), row(body.ipaCode, body.name)].map(semi);
    lines.push('solo;tre;celle');
    const res = await staffUpload({ name: 'punto_e_virgola.csv', content: lines.join('\r\n') });
    expect(res.ok).to.equal(true);
    expect(res.text).to.contain('Il file usa «;» come separatore invece della virgola: letto comunque.');
    expect(res.text).to.contain('Stato della candidatura sconosciuto «Z» (sono previsti A, R, E): riga scartata.');
    expect(res.text).to.contain('CUP non valido «B51F2200840ò»');
    expect(res.text).to.contain('La riga ha 3 colonne invece di 20: scartata.');
    expect(res.text).to.match(/punto_e_virgola\.csv\s*3\s*Stato della candidatura sconosciuto/);
    expect(await count(body.id)).to.equal(2);
  });

  it('reads a file not in UTF-8 and says so', async () => {
    const body = await createBody({ name: `Comune di Patù ${Date.now().toString(36)}` });
    const res = await staffUpload({ name: 'latin1.csv', content: Buffer.from([HEADER, row(body.ipaCode, body.name)].join('\n'), 'latin1') });
    expect(res.ok).to.equal(true);
    expect(await FundingProject.count({ where: { entityId: body.id } })).to.equal(1);
    const { platform } = await testContext();
    const [ref] = await platform.sequelize.query<{ name: string }>('SELECT e.name FROM funding_projects p JOIN entities e ON e.id = p.entity_id WHERE p.entity_id = :id', { replacements: { id: body.id }, type: QueryTypes.SELECT });
    expect(ref.name).to.contain('Patù');
    expect(res.text).to.contain('Il file non è codificato in UTF-8: è stato letto come Windows-1252 (Latin-1).');
    expect(await count(body.id)).to.equal(1);
  });

  it('refuses an unreadable CSV and a file that is not open data, saving nothing of them; a good file beside them is saved', async () => {
    const body = await createBody();
    const other = await createBody();
    // Good rows first, then a quote never closed: the whole file is rolled back.
    const broken = [HEADER, row(body.ipaCode, body.name), row(body.ipaCode, body.name), `${body.ipaCode},"Comune senza fine,Comuni`].join('\n');
    const res = await staffUpload(
      { name: 'rotto.csv', content: broken },
      { name: 'relazione.pdf', content: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1') },
      { name: 'solo_intestazione.csv', content: HEADER.replace('codice_ipa,', 'ipa,') + '\n' },
      { name: 'buono.csv', content: [HEADER, row(other.ipaCode, other.name)].join('\n') },
    );
    expect(res.ok).to.equal(false);
    expect(res.text).to.contain('Almeno un file non è stato importato');
    expect(res.text).to.contain('Il file non è un CSV leggibile (virgolette non chiuse o righe spezzate, alla riga');
    expect(res.text).to.contain('Il file non è un file di avvisi né di candidature di PA digitale 2026');
    expect(await count(body.id)).to.equal(0);
    expect(await count(other.id)).to.equal(1);
  });

  it('refuses an empty file on the form, keeping nothing', async () => {
    const res = await staffUpload({ name: 'vuoto.csv', content: '' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Il file «vuoto.csv» è vuoto.');
  });

  it('streams a file of 50,000 rows: every row counted, a bad last row named by its line', async function () {
    this.timeout(600_000);
    const { platform } = await testContext();
    const body = await createBody();
    const lines = [HEADER];
    // Rows of bodies that do not adhere (reference data), one of an adhering body, the last one refused.
    const prefix = `y${Date.now().toString(36)}`;
    for (let i = 1; i <= 49_998; i++) lines.push(row(`${prefix}_${i % 5000}`, `Comune numero ${i}`, { cup: cup() }));
    lines.push(row(body.ipaCode, body.name));
    lines.push(row(body.ipaCode, body.name, { state: 'Q' }));
    const content = lines.join('\n') + '\n';
    const res = await staffUpload({ name: 'candidature_grandi_finanziate.csv', content });
    expect(res.ok).to.equal(true);
    expect(res.text).to.match(/candidature_grandi_finanziate\.csv\s*candidature\s*50\.000\s*49\.999\s*0\s*0\s*49\.998\s*1\s*Importato/);
    expect(res.text).to.match(/candidature_grandi_finanziate\.csv\s*50\.001\s*Stato della candidatura sconosciuto «Q»/);
    expect(await count(body.id)).to.equal(1);
    const [{ n }] = await platform.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM funding_reference_rows WHERE ipa_code LIKE :p', { replacements: { p: `${prefix}\\_%` }, type: QueryTypes.SELECT });
    expect(n).to.equal(49_998);
  });
});
