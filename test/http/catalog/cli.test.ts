// npm run catalog:import -- [--dry-run] FILE...: output and exit codes, on the project's own fixtures.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Asset } from '../../../src/modules/catalog/models.js';
import { testDatabaseUrl } from '../../helpers/db.js';
import { testContext } from '../../helpers/app.js';
import { FIXTURES } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cithub-cli-'));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/catalog-import.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, DATABASE_URL: dbUrl, DATA_DIR: tmp, SESSION_SECRET: 'cli-test-secret-cli-test-secret-cli-test-0123', LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let dbUrl = '';
const f = (name: string) => path.join(FIXTURES, name);
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const cleanSlug = async () => (await Asset.findOne({ where: { urlKey: 'git.example.org/comune-prova/protocollo-semplice' } }))!.slug;

describe('catalogue: the import command', function () {
  this.timeout(120_000);

  before(async () => {
    await testContext();
    dbUrl = await testDatabaseUrl();
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 2 with the usage on a usage error', async () => {
    const none = await run([]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('uso: npm run catalog:import -- [--dry-run] FILE...');
    const unknown = await run(['--force', f('complete.yml')]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('opzione sconosciuta: --force');
  });

  it('exits 0 when every file is imported: one line per file, then its warnings; clean files published, the others drafts', async () => {
    const res = await run([f('complete.yml'), f('messy.yml')]);
    expect(res.code, res.stderr).to.equal(0);
    const lines = res.stdout.trim().split('\n');
    // Slugs come from the names; another test may already own the plain one.
    expect(lines[0]).to.match(new RegExp(`^${esc(f('complete.yml'))}: imported protocollo-semplice(-\\d+)? \\(0 warnings\\)$`));
    expect(lines[1]).to.match(new RegExp(`^${esc(f('messy.yml'))}: imported gestione-mense-scolastiche(-\\d+)? \\(12 warnings\\)$`));
    expect(lines[2]).to.equal(`  ${f('messy.yml')}:1: publiccodeYmlVersion: Era atteso un testo ma è stato trovato un numero (0.2): convertito nel testo «0.2».`);
    expect(lines).to.include(`  ${f('messy.yml')}:-: softwareType: Manca la chiave obbligatoria «softwareType».`);
    expect(lines.at(-1)).to.equal('2 file: 2 importati (1 pubblicati, 1 bozze), 0 rifiutati.');
    const clean = (await Asset.findOne({ where: { urlKey: 'git.example.org/comune-prova/protocollo-semplice' } }))!;
    expect(lines[0]).to.contain(`imported ${clean.slug} `);
    expect(clean.status).to.equal('published');
    expect(clean.source).to.equal('cli');
    expect((await Asset.findOne({ where: { urlKey: 'git.example.org/comune-prova/mense' } }))!.status).to.equal('draft');
  });

  it('importing the same url again updates the asset (no duplicate)', async () => {
    const copy = path.join(tmp, 'publiccode.yml');
    writeFileSync(copy, readFileSync(f('complete.yml'), 'utf8').replace('softwareVersion: 1.0.0', 'softwareVersion: 1.2.0'));
    const res = await run([copy]);
    expect(res.code).to.equal(0);
    expect(res.stdout).to.contain(`${copy}: imported ${await cleanSlug()} (0 warnings)`);
    expect(res.stdout).to.contain('1 aggiornamenti di soluzioni esistenti');
    expect(await Asset.count({ where: { urlKey: 'git.example.org/comune-prova/protocollo-semplice' } })).to.equal(1);
    expect((await Asset.findOne({ where: { slug: await cleanSlug() } }))!.softwareVersion).to.equal('1.2.0');
  });

  it('exits 1 when any file is rejected, with the reason on the file’s line', async () => {
    const res = await run([f('not-yaml.yml'), f('list.yml'), f('binary.yml'), f('ftp-url.yml'), path.join(tmp, 'manca.yml'), f('complete.yml')]);
    expect(res.code).to.equal(1);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).to.equal(`${f('not-yaml.yml')}: rejected: YAML non valido alla riga 7, colonna 1: carattere mancante (per esempio «:» dopo una chiave o la chiusura di una parentesi o di un apice).`);
    expect(lines[1]).to.equal(`${f('list.yml')}: rejected: Il file contiene un elenco YAML, mentre publiccode.yml deve essere una mappa di chiavi (name, url, …).`);
    expect(lines[2]).to.equal(`${f('binary.yml')}: rejected: Il file sembra binario (contiene byte nulli): non è un publiccode.yml.`);
    expect(lines[3]).to.match(/ftp-url\.yml: rejected: L'indirizzo del repository \(chiave «url»\) deve essere un indirizzo http o https/);
    expect(lines[4]).to.equal(`${path.join(tmp, 'manca.yml')}: rejected: file non trovato`);
    expect(lines[5]).to.equal(`${f('complete.yml')}: imported ${await cleanSlug()} (0 warnings)`);
    expect(lines.at(-1)).to.equal('6 file: 1 importati (1 pubblicati, 0 bozze, 1 aggiornamenti di soluzioni esistenti), 5 rifiutati.');
  });

  it('--dry-run prints the same report and changes nothing', async () => {
    const copy = path.join(tmp, 'dry.yml');
    writeFileSync(copy, readFileSync(f('complete.yml'), 'utf8').replace('git.example.org/comune-prova/protocollo-semplice', 'git.example.org/comune-prova/solo-prova'));
    const before = await Asset.count();
    const res = await run(['--dry-run', copy]);
    expect(res.code).to.equal(0);
    expect(res.stdout).to.match(new RegExp(`${esc(copy)}: imported protocollo-semplice-\\d+ \\(0 warnings\\)`));
    expect(res.stdout).to.contain('il database non è stato modificato');
    expect(await Asset.count()).to.equal(before);
  });
});
