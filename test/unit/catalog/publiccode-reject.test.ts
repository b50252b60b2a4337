import { expect } from 'chai';
import { MAX_PUBLICCODE_BYTES } from '../../../src/modules/catalog/publiccode.js';
import { parseOk, parseRejected } from './helpers.js';

const MINIMAL = 'name: Prova\nurl: https://github.com/example/prova\n';

describe('parsePubliccode: rejections', () => {
  it('rejects binary input (NUL bytes)', () => {
    const r = parseRejected(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x00, 0x01, 0x02]));
    expect(r.reason).to.match(/binario/);
    expect(parseRejected('name: a\u0000b\nurl: https://x.example\n').reason).to.match(/binario/);
  });

  it('rejects invalid UTF-8 and UTF-16', () => {
    const latin1 = Buffer.concat([Buffer.from('name: Citt'), Buffer.from([0xe0]), Buffer.from('\nurl: https://x.example\n')]);
    expect(parseRejected(latin1).reason).to.match(/UTF-8/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MINIMAL, 'utf16le')]);
    expect(parseRejected(utf16).reason).to.match(/UTF-16/);
    expect(parseRejected('name: \ud800x\nurl: https://x.example\n').reason).to.match(/UTF-8/);
  });

  it('accepts a UTF-8 buffer with a BOM', () => {
    const { asset } = parseOk(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: Città\nurl: https://x.example\n')]));
    expect(asset.name).to.equal('Città');
  });

  it('rejects files larger than 1 MB, as buffer or string, and accepts one just under', () => {
    const big = MINIMAL + `# ${'x'.repeat(MAX_PUBLICCODE_BYTES)}\n`;
    expect(parseRejected(big).reason).to.match(/1 MB/);
    expect(parseRejected(Buffer.from(big)).reason).to.match(/1 MB/);
    const justUnder = MINIMAL + `#${'x'.repeat(MAX_PUBLICCODE_BYTES - Buffer.byteLength(MINIMAL) - 2)}\n`;
    expect(Buffer.byteLength(justUnder)).to.equal(MAX_PUBLICCODE_BYTES);
    expect(parseOk(justUnder).asset.name).to.equal('Prova');
  });

  it('rejects empty files and files with only comments', () => {
    expect(parseRejected('').reason).to.equal('Il file è vuoto.');
    expect(parseRejected(Buffer.alloc(0)).reason).to.equal('Il file è vuoto.');
    expect(parseRejected('  \n\n\t\n').reason).to.equal('Il file è vuoto.');
    expect(parseRejected('# solo un commento\n# e un altro\n').reason).to.match(/vuoto.*commenti/);
  });

  it('rejects invalid YAML with the line and column of the error, in Italian', () => {
    const tab = parseRejected('name: Foo\nurl: https://example.com/x\nplatforms:\n\t- web\n');
    expect(tab).to.include({ line: 4, column: 1 });
    expect(tab.reason).to.equal('YAML non valido alla riga 4, colonna 1: tabulazione usata per indentare (sono ammessi solo spazi).');
    const nested = parseRejected('name: Foo\n  url: https://example.com/x\n');
    expect(nested).to.include({ line: 1, column: 7 });
    expect(nested.reason).to.match(/^YAML non valido alla riga 1, colonna 7: /);
    const flow = parseRejected('name: Foo\nurl: https://example.com/x\ncategories: [a, b\nplatforms: web\n');
    expect(flow.line).to.equal(4);
    expect(flow.column).to.equal(1);
    expect(parseRejected('name: Foo\nurl: https://example.com/x\n---\nname: Bar\n').reason).to.match(/più documenti YAML/);
  });

  it('rejects a YAML list or scalar instead of a mapping', () => {
    expect(parseRejected('- name: Foo\n- url: https://x.example\n').reason).to.match(/elenco YAML/);
    expect(parseRejected('solo un testo\n').reason).to.match(/singolo valore/);
    expect(parseRejected('42\n').reason).to.match(/singolo valore/);
  });

  it('rejects a missing or empty name', () => {
    const missing = parseRejected('url: https://github.com/example/prova\n');
    expect(missing.reason).to.equal('Manca il nome del software (chiave «name»).');
    expect(missing.line).to.equal(undefined);
    const empty = parseRejected('name: ""\nurl: https://github.com/example/prova\n');
    expect(empty.reason).to.match(/«name»/);
    expect(empty.line).to.equal(1);
    expect(parseRejected('name: [a, b]\nurl: https://github.com/example/prova\n').reason).to.match(/non è un testo/);
  });

  it('rejects a missing url, or one that is not http(s)', () => {
    expect(parseRejected('name: Prova\n').reason).to.match(/«url»/);
    for (const url of ['ftp://example.com/repo', 'git@github.com:example/prova.git', 'javascript:alert(1)', 'github.com/example/prova', 'https://']) {
      const r = parseRejected(`name: Prova\nurl: "${url}"\n`);
      expect(r.reason, url).to.match(/http o https/);
      expect(r.line, url).to.equal(2);
    }
  });

  it('rejects documents that expand to a huge tree through aliases', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, next] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) {
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    expect(parseRejected(`${MINIMAL}${levels.join('\n')}\n`).reason).to.match(/troppo complessa/);
  });
});
