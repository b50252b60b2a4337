// The open-data importer on small files written for each test (bodies of their own, unique CUPs),
// and once on the whole shared file when it sits beside the repository.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { importOpenData, openDataFiles, reportLines, SHARED_OPEN_DATA_DIR } from '../../../src/modules/funding/index.js';
import { FundingProject } from '../../../src/modules/funding/models.js';
import { findBodyByIpa } from '../../../src/modules/entities/index.js';
import { messageTranslator } from '../../../src/platform/i18n.js';
import { testContext } from '../../helpers/app.js';
import { createBody } from '../../helpers/factories.js';
import { OPEN_DATA_HEADER as HEADER, openDataCup as cup, openDataRow as row } from './helpers.js';

const tm = messageTranslator('it');

describe('funding: import of the PA digitale 2026 open data', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'funding-import-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('makes projects of adhering bodies, keeps the others as reference, and a re-import updates without duplicating', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const prospect = await createBody({ membershipStatus: 'prospect' });
    const cupA = cup();
    const cupB = cup();
    const strangerIpa = `x_${Date.now().toString(36)}`;
    const lines = [HEADER, row(body.ipaCode, body.name, { cup: cupA }), row(body.ipaCode.toUpperCase(), body.name, { cup: cupB, state: 'R', amount: '9506.14' }), row(body.ipaCode, body.name, { cup: '', window: '1' }), row(strangerIpa, 'Comune di Nessuno'), row(prospect.ipaCode, prospect.name)];
    const p = file('candidature_comuni_finanziate.csv', lines.join('\n') + '\n');

    const first = await importOpenData(platform, [p]);
    expect(first.files[0].ok).to.equal(true);
    expect(first.refused).to.equal(0);
    expect(first.created).to.equal(5);
    expect(first.reference).to.equal(2);
    const projects = await FundingProject.findAll({ where: { entityId: body.id }, order: [['id', 'ASC']] });
    expect(projects.map((x) => [x.cup, x.state, x.amountCents])).to.deep.equal([
      [cupA, 'funded', 2_034_400],
      [cupB, 'renounced', 950_614],
      [null, 'funded', 2_034_400],
    ]);
    expect(projects[0].submittedOn).to.equal('2022-12-29');
    const refs = await platform.sequelize.query<{ ipa_code: string }>('SELECT ipa_code FROM funding_reference_rows WHERE ipa_code IN (:ipas) ORDER BY ipa_code', { replacements: { ipas: [strangerIpa, prospect.ipaCode] }, type: QueryTypes.SELECT });
    expect(refs.map((r) => r.ipa_code).sort()).to.deep.equal([strangerIpa, prospect.ipaCode].sort());
    expect(await FundingProject.count({ where: { entityId: prospect.id } })).to.equal(0);

    // Same file again: nothing new, nothing changed.
    const again = await importOpenData(platform, [p]);
    expect([again.created, again.updated, again.unchanged]).to.deep.equal([0, 0, 5]);

    // The national data moves on: the first project is paid now.
    lines[1] = row(body.ipaCode, body.name, { cup: cupA, state: 'E', stateOn: '2024-12-19' });
    const moved = await importOpenData(platform, [file('candidature_comuni_finanziate.csv', lines.join('\n') + '\n')]);
    expect([moved.created, moved.updated, moved.unchanged]).to.deep.equal([0, 1, 4]);
    const paid = (await FundingProject.findOne({ where: { cup: cupA } }))!;
    expect([paid.state, paid.stateOn, paid.paidOn]).to.deep.equal(['paid', '2024-12-19', '2024-12-19']);
    expect(await FundingProject.count({ where: { entityId: body.id } })).to.equal(3);
  });

  it('refuses a file with a missing column whole, saving nothing, and says which', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const header = HEADER.replace('stato_candidatura,', '').replace(',importo_finanziamento', '');
    const p = file('candidature_senza_colonna_finanziate.csv', `${header.replace('codice_ipa', 'codice_ipa')}\n${body.ipaCode},${body.name}\n`);
    const report = await importOpenData(platform, [p]);
    expect(report.files[0].ok).to.equal(false);
    // Without stato_candidatura the file is not recognised as applications; with it but no amount, the column is named.
    const p2 = file('candidature_senza_importo_finanziate.csv', `${HEADER.replace(',importo_finanziamento', '')}\n`);
    const report2 = await importOpenData(platform, [p2]);
    expect(report2.files[0].ok).to.equal(false);
    expect(tm(report2.problems[0].message)).to.equal('Mancano le colonne obbligatorie importo_finanziamento: il file non è stato importato.');
    expect(report2.problems[0].line).to.equal(1);
    expect(await FundingProject.count({ where: { entityId: body.id } })).to.equal(0);
  });

  it('reads a semicolon-delimited file, reports an unknown state letter and a wrong CUP with their lines, keeps an empty CUP', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const semi = (r: string) => r.split(',').join(';');
    const good = row(body.ipaCode, body.name);
    const lines = [HEADER, good, row(body.ipaCode, body.name, { state: 'X' }), row(body.ipaCode, body.name, { cup: 'B51F2200840' }), row(body.ipaCode, body.name, { cup: '', window: '7' })].map((l) => semi(l.replace(/"/g, '')));
    const p = file('candidature_punto_e_virgola_finanziate.csv', lines.join('\r\n'));
    const report = await importOpenData(platform, [p]);
    const out = reportLines(report, tm);
    expect(report.files[0].ok).to.equal(true);
    expect(out.join('\n')).to.contain('usa «;» come separatore');
    expect(report.created).to.equal(2);
    expect(report.refused).to.equal(2);
    expect(report.problems.map((x) => x.line)).to.deep.equal([3, 4]);
    expect(tm(report.problems[0].message)).to.equal('Stato della candidatura sconosciuto «X» (sono previsti A, R, E): riga scartata.');
    expect(tm(report.problems[1].message)).to.contain('CUP non valido «B51F2200840»').and.contain('15 caratteri');
    expect(out.some((l) => l.includes('candidature_punto_e_virgola_finanziate.csv, riga 3:'))).to.equal(true);
    expect(await FundingProject.count({ where: { entityId: body.id, cup: null } })).to.equal(1);
  });

  it('reads a file in Windows-1252 and says so; accented names come out right', async () => {
    const { platform } = await testContext();
    const ipa = `x_${Date.now().toString(36)}`;
    const text = [HEADER, row(ipa, 'Comune di Patù')].join('\n') + '\n';
    const p = file('candidature_latin1_finanziate.csv', Buffer.from(text, 'latin1'));
    const report = await importOpenData(platform, [p]);
    expect(report.files[0].notes.map(tm).join(' ')).to.contain('non è codificato in UTF-8');
    const [ref] = await platform.sequelize.query<{ body_name: string }>('SELECT body_name FROM funding_reference_rows WHERE ipa_code = :ipa', { replacements: { ipa }, type: QueryTypes.SELECT });
    expect(ref.body_name).to.equal('Comune di Patù');
  });

  it('the demo comuni show their real funded projects from the open data', async () => {
    await testContext();
    const russi = (await findBodyByIpa('c_h642'))!;
    const projects = await FundingProject.findAll({ where: { entityId: russi.id }, order: [['cup', 'ASC']] });
    expect(projects.map((x) => [x.cup, x.state])).to.deep.include.members([
      ['B41J25000160006', 'paid'],
      ['B51F22008400006', 'paid'],
    ]);
    const potenza = (await findBodyByIpa('c_g942'))!;
    expect((await FundingProject.findAll({ where: { entityId: potenza.id } })).map((x) => x.cup)).to.include('B51J25002070006');
  });

  describe('with the whole shared file', function () {
    before(function () {
      if (!openDataFiles(SHARED_OPEN_DATA_DIR).length) {
        console.warn(`    skipped: PA digitale 2026 open data not found in ${SHARED_OPEN_DATA_DIR} (shared/ is not next to the repository)`);
        this.skip();
      }
    });

    it('imports every file again with nothing refused and no duplicate, and prints the counts and time', async () => {
      const { platform } = await testContext();
      const files = openDataFiles(SHARED_OPEN_DATA_DIR);
      const report = await importOpenData(platform, files);
      for (const line of reportLines(report, tm).filter((l) => !l.startsWith('  '))) console.log(`      ${line}`);
      expect(report.files.every((f) => f.ok)).to.equal(true);
      expect(report.refused).to.equal(0);
      const rows = report.files.reduce((n, f) => n + f.rows, 0);
      expect(report.created + report.updated + report.unchanged).to.equal(rows);
      const [{ n }] = await platform.sequelize.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM funding_projects WHERE import_key LIKE '%|1.3.1 Piattaforma Digitale Nazionale Dati%')
              + (SELECT count(*) FROM funding_reference_rows WHERE call_title LIKE '1.3.1 Piattaforma Digitale Nazionale Dati%') AS n`,
        { type: QueryTypes.SELECT },
      );
      expect(Number(n)).to.be.at.least(11_856);
    });
  });
});
