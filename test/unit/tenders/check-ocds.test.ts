import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { buildRelease, buildReleasePackage } from '../../../src/modules/tenders/ocds.js';
import {
  DEFAULT_SCHEMAS_DIR,
  SchemasNotFoundError,
  main,
  parseArgs,
  run,
  validateReleasePackage,
} from '../../../scripts/check-ocds.js';
import { SAMPLE_PACKAGE_OPTIONS, SAMPLE_RELEASE_OPTIONS, sampleDossier } from './fixtures/sample-dossiers.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function capture(argv: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = run(argv, (line) => lines.push(line));
  return { code, lines };
}

describe('scripts/check-ocds', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'check-ocds-'));
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('defaults to the shared reference folder next to the repository', () => {
    expect(DEFAULT_SCHEMAS_DIR).to.equal(path.resolve(REPO_ROOT, '../shared/data/reference/ocds-1.1'));
    expect(parseArgs([])).to.deep.equal({ schemasDir: DEFAULT_SCHEMAS_DIR, files: [] });
    expect(parseArgs(['--schemas', 'x', 'a.json', 'b.json'])).to.deep.equal({
      schemasDir: path.resolve('x'),
      files: ['a.json', 'b.json'],
    });
  });

  it('accepts --from-app alone, and refuses unknown options or files with it', () => {
    expect(parseArgs(['--from-app'])).to.deep.equal({ schemasDir: DEFAULT_SCHEMAS_DIR, files: [], fromApp: true });
    expect(() => parseArgs(['--from-app', 'a.json'])).to.throw('--from-app non si combina con dei file');
    expect(() => parseArgs(['--bogus'])).to.throw('opzione sconosciuta --bogus');
    expect(capture(['--bogus']).code).to.equal(2);
  });

  it('with --from-app exits 2 when the schemas folder is missing, before starting anything', async () => {
    const lines: string[] = [];
    const code = await main(['--from-app', '--schemas', path.join(tmp, 'missing')], (l) => lines.push(l));
    expect(code).to.equal(2);
    expect(lines.join('\n')).to.contain('Schemi OCDS non trovati');
    expect(lines.join('\n')).to.not.contain('avvio di CIT Hub');
  });

  it('exits 2 when the schemas folder is missing', () => {
    const missing = path.join(tmp, 'nope');
    const { code, lines } = capture(['--schemas', missing]);
    expect(code).to.equal(2);
    expect(lines.join('\n')).to.contain(missing);
    expect(() => validateReleasePackage({}, missing)).to.throw(SchemasNotFoundError);
  });

  it('exits 2 when the folder lacks the release schema', () => {
    const empty = mkdtempSync(path.join(tmp, 'empty-'));
    expect(capture(['--schemas', empty]).code).to.equal(2);
  });

  describe('with the shared schemas', function () {
    before(function () {
      if (!existsSync(DEFAULT_SCHEMAS_DIR)) {
        console.warn(`    skipped: OCDS schemas not found in ${DEFAULT_SCHEMAS_DIR} (shared/ is not next to the repository)`);
        this.skip();
      }
    });

    it('validates the built-in samples of every phase and exits 0', () => {
      const { code, lines } = capture([]);
      expect(lines).to.have.length(9);
      for (const line of lines) expect(line).to.match(/^valido esempio fase /);
      expect(code).to.equal(0);
    });

    it('validates files, printing the errors of an invalid one with their paths, and exits 1', () => {
      const good = path.join(tmp, 'good.json');
      const bad = path.join(tmp, 'bad.json');
      const broken = path.join(tmp, 'broken.json');
      const pkg = buildReleasePackage([buildRelease(sampleDossier('awarded'), SAMPLE_RELEASE_OPTIONS)], SAMPLE_PACKAGE_OPTIONS);
      writeFileSync(good, JSON.stringify(pkg));
      const wrong = JSON.parse(JSON.stringify(pkg));
      wrong.releases[0].awards[0].status = 'aggiudicata';
      writeFileSync(bad, JSON.stringify(wrong));
      writeFileSync(broken, '{ "uri": ');
      const { code, lines } = capture([good, bad, broken]);
      expect(lines[0]).to.equal(`valido ${good}`);
      expect(lines[1]).to.match(new RegExp(`^NON VALIDO ${bad}: /releases/0/awards/0/status must be equal to one of the allowed values`));
      expect(lines[2]).to.match(new RegExp(`^ERRORE ${broken}: impossibile leggere il file`));
      expect(code).to.equal(1);
      expect(capture([good]).code).to.equal(0);
    });

    it('runs as a command with the documented exit codes', () => {
      const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
      const script = path.join(REPO_ROOT, 'scripts', 'check-ocds.ts');
      const ok = spawnSync(tsx, [script], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(ok.status, ok.stderr).to.equal(0);
      expect(ok.stdout).to.contain('valido esempio fase cancelled');
      const bad = path.join(tmp, 'invalid.json');
      writeFileSync(bad, JSON.stringify({ uri: 'x' }));
      expect(spawnSync(tsx, [script, bad], { cwd: REPO_ROOT, encoding: 'utf8' }).status).to.equal(1);
      const missing = spawnSync(tsx, [script, '--schemas', path.join(tmp, 'nope')], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(missing.status).to.equal(2);
    });
  });
});
