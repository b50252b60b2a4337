import { expect } from 'chai';
import type { PubliccodeAsset } from '../../../src/modules/catalog/publiccode.js';
import { docWith, fixture, lineOf, parseOk, warningAt } from './helpers.js';

interface UrlField {
  path: string;
  /** Builds the document with `value` in the field; the field's value sits on `line`. */
  doc: (value: string) => string;
  line: number;
  read: (asset: PubliccodeAsset) => unknown;
  empty: unknown;
}

const SHORT = '    shortDescription: Una descrizione breve';

/** Every URL-valued field of publiccode.yml. */
const URL_FIELDS: UrlField[] = [
  { path: 'landingURL', doc: (v) => docWith({}, [`landingURL: ${v}`]), line: 27, read: (a) => a.landingURL, empty: null },
  { path: 'logo', doc: (v) => docWith({}, [`logo: ${v}`]), line: 27, read: (a) => a.logo, empty: null },
  { path: 'roadmap', doc: (v) => docWith({}, [`roadmap: ${v}`]), line: 27, read: (a) => a.roadmap, empty: null },
  { path: 'isBasedOn[0]', doc: (v) => docWith({}, ['isBasedOn:', `  - ${v}`]), line: 28, read: (a) => a.isBasedOn, empty: [] },
  { path: 'description.it.documentation', doc: (v) => docWith({ [SHORT]: [SHORT, `    documentation: ${v}`] }), line: 13,
    read: (a) => a.descriptions.it.documentation, empty: null },
  { path: 'description.it.apiDocumentation', doc: (v) => docWith({ [SHORT]: [SHORT, `    apiDocumentation: ${v}`] }), line: 13,
    read: (a) => a.descriptions.it.apiDocumentation, empty: null },
  { path: 'description.it.screenshots[0]', doc: (v) => docWith({ [SHORT]: [SHORT, '    screenshots:', `      - ${v}`] }), line: 14,
    read: (a) => a.descriptions.it.screenshots, empty: [] },
  { path: 'description.it.videos[0]', doc: (v) => docWith({ [SHORT]: [SHORT, '    videos:', `      - ${v}`] }), line: 14,
    read: (a) => a.descriptions.it.videos, empty: [] },
  { path: 'legal.authorsFile', doc: (v) => docWith({ '  license: MIT': ['  license: MIT', `  authorsFile: ${v}`] }), line: 21,
    read: (a) => a.legal.authorsFile, empty: null },
  { path: 'maintenance.contractors[0].website',
    doc: (v) => docWith({ '  type: none': ['  type: contract', '  contractors:', '    - name: Fornitore', '      until: "2030-01-01"', `      website: ${v}`] }),
    line: 26, read: (a) => a.maintenance.contractors[0].website, empty: null },
  { path: 'fundedBy[0].uri', doc: (v) => docWith({}, ['fundedBy:', '  - name: Regione', `    uri: ${v}`]), line: 29,
    read: (a) => a.fundedBy[0].uri, empty: null },
  { path: 'organisation.uri', doc: (v) => docWith({}, ['organisation:', `  uri: ${v}`]), line: 28, read: (a) => a.organisation.uri, empty: null },
  { path: 'supports[0].id', doc: (v) => docWith({}, ['supports:', `  - id: ${v}`]), line: 28, read: (a) => a.supports, empty: [] },
];

const UNSAFE = [
  'javascript:alert(1)',
  'JavaScript:alert(document.cookie)',
  '" javascript:alert(1)"',
  '"java\\tscript:alert(1)"',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
];

describe('parsePubliccode: unsafe links', () => {
  for (const field of URL_FIELDS) {
    it(`drops non-http(s) schemes in ${field.path}, with a warning on its line`, () => {
      for (const value of UNSAFE) {
        const { asset, warnings } = parseOk(field.doc(value));
        expect(field.read(asset), `${field.path} = ${value}`).to.deep.equal(field.empty);
        const w = warningAt(warnings, field.path);
        expect(w.line, value).to.equal(field.line);
        expect(w.message, value).to.match(/scartato/);
        expect(JSON.stringify(asset), value).not.to.match(/script:|data:|file:/i);
      }
      const kept = parseOk(field.doc('https://example.org/ok'));
      expect(kept.warnings, field.path).to.deep.equal([]);
      expect(JSON.stringify(field.read(kept.asset))).to.include('https://example.org/ok');
    });
  }

  it('keeps nothing unsafe from a file with a javascript: or data: link in every URL field', () => {
    const text = fixture('unsafe-links.yml');
    const { asset, warnings } = parseOk(text);
    expect(JSON.stringify(asset)).not.to.match(/javascript|vbscript|data:|evil|\.\.\//i);
    expect(asset.landingURL).to.equal(null);
    expect(asset.logo).to.equal(null);
    expect(asset.roadmap).to.equal(null);
    expect(asset.isBasedOn).to.deep.equal(['https://github.com/example/original']);
    expect(asset.supports).to.deep.equal([]);
    expect(asset.organisation).to.deep.equal({ name: 'Ente di prova', uri: null });
    expect(asset.fundedBy).to.deep.equal([{ name: 'Finanziatore', uri: null }]);
    expect(asset.descriptions.it.documentation).to.equal(null);
    expect(asset.descriptions.it.apiDocumentation).to.equal(null);
    expect(asset.descriptions.it.screenshots).to.deep.equal([{ href: 'docs/ok.png', relative: true }]);
    expect(asset.descriptions.it.videos).to.deep.equal([]);
    expect(asset.legal.authorsFile).to.equal(null);
    expect(asset.maintenance.contractors[0].website).to.equal(null);
    expect(warningAt(warnings, 'landingURL')).to.deep.equal({
      path: 'landingURL', line: lineOf(text, 'landingURL:'),
      message: "L'indirizzo usa lo schema «javascript:», non ammesso (sono accettati solo http e https): scartato.",
    });
    expect(warningAt(warnings, 'description.it.screenshots[1]').message).to.include('«java\\nscript:alert(\'split\')»');
    expect(warningAt(warnings, 'description.it.screenshots[2]').line).to.equal(lineOf(text, '//evil.example.com'));
    expect(warningAt(warnings, 'description.it.screenshots[3]').line).to.equal(lineOf(text, '../../other-repo'));
    // organisation without a usable uri cannot be published as it is
    expect(asset.complete).to.equal(false);
  });

  it('keeps plain relative paths for logo, screenshots and authors file, marked as relative', () => {
    const { asset, warnings } = parseOk(docWith(
      { [SHORT]: [SHORT, '    screenshots:', '      - ./img/Scrivania Internauta.jpg', '      - /img/b.png', '      - img/c.png?raw=true'],
        '  license: MIT': ['  license: MIT', '  authorsFile: AUTHORS.txt'] },
      ['logo: docs/logo.svg'],
    ));
    expect(asset.logo).to.deep.equal({ href: 'docs/logo.svg', relative: true });
    expect(asset.legal.authorsFile).to.deep.equal({ href: 'AUTHORS.txt', relative: true });
    expect(asset.descriptions.it.screenshots).to.deep.equal([
      { href: 'img/Scrivania Internauta.jpg', relative: true },
      { href: 'img/b.png', relative: true },
    ]);
    expect(warningAt(warnings, 'description.it.screenshots[2]').line).to.equal(16);
    expect(warnings).to.have.length(1);
  });

  it('accepts only absolute http(s) URLs where a web address is required', () => {
    for (const [value, path] of [['docs/index.html', 'landingURL'], ['www.corvallis.it', 'landingURL'], ['"http;//www.nsi.it"', 'landingURL'],
      ['"https://example.org/<script>"', 'landingURL']] as const) {
      const { asset, warnings } = parseOk(docWith({}, [`landingURL: ${value}`]));
      expect(asset.landingURL, value).to.equal(null);
      expect(warningAt(warnings, path).line, value).to.equal(27);
    }
    const site = parseOk(docWith({ '  type: none': ['  type: contract', '  contractors:', '    - name: Fornitore', '      until: "2030-01-01"',
      '      website: www.corvallis.it'] }));
    expect(site.asset.maintenance.contractors[0].website).to.equal(null);
    expect(warningAt(site.warnings, 'maintenance.contractors[0].website').message).to.match(/«www\.corvallis\.it» non è un indirizzo http o https completo/);
  });
});
