import { expect } from 'chai';
import { parse } from 'yaml';
import { exportPubliccode } from '../../../src/modules/catalog/publiccode-export.js';
import type { PubliccodeAsset } from '../../../src/modules/catalog/publiccode.js';
import { fixture, parseOk } from './helpers.js';

/** Exports, parses again and checks the result has no warnings and equals the asset (declared as 0.7). */
function roundTrip(asset: PubliccodeAsset, opts?: { cedentIpaCode?: string }): { yaml: string; again: PubliccodeAsset } {
  const yaml = exportPubliccode(asset, opts);
  const { asset: again, warnings } = parseOk(yaml);
  expect(warnings, yaml).to.deep.equal([]);
  return { yaml, again };
}

describe('exportPubliccode', () => {
  it('round-trips a complete 0.7 file exactly', () => {
    const { asset } = parseOk(fixture('v07-complete.yml'));
    const { yaml, again } = roundTrip(asset);
    expect(again).to.deep.equal(asset);
    expect(again.complete).to.equal(true);
    expect(yaml.startsWith('publiccodeYmlVersion: "0.7"\n')).to.equal(true);
  });

  it('upgrades a 0.2 file with the it section to organisation.uri, supports and the IT compliance flags', () => {
    const { asset } = parseOk(fixture('v02-riuso.yml'));
    const { yaml, again } = roundTrip(asset);
    expect(again).to.deep.equal({ ...asset, publiccodeYmlVersion: '0.7' });
    const doc = parse(yaml) as Record<string, unknown>;
    expect(doc.organisation).to.deep.equal({ uri: 'urn:x-italian-pa:c_b157' });
    expect(doc.supports).to.deep.equal([{ id: 'alias:spid' }, { id: 'alias:cie' }, { id: 'alias:gdpr' }]);
    expect(doc.IT).to.deep.equal({ countryExtensionVersion: '1.0', conforme: { lineeGuidaDesign: true, misureMinimeSicurezza: true } });
    expect(doc).not.to.have.property('it');
    expect(yaml).not.to.match(/riuso|piattaforme|codiceIPA/);
    expect(doc.logo).to.equal('docs/logo-protocollo.svg');
    expect((doc.description as Record<string, { screenshots: string[] }>).it.screenshots).to.deep.equal([
      'docs/screenshot-protocollo.png', 'https://raw.githubusercontent.com/comune-esempio/protocollo/main/docs/pec.png',
    ]);
  });

  it('round-trips CRLF and block-scalar files, and files whose types had to be coerced, with no warnings left', () => {
    for (const name of ['crlf-block-scalar.yml', 'wrong-types.yml', 'misplaced-keys.yml', 'html-descriptions.yml']) {
      const { asset, warnings } = parseOk(fixture(name));
      expect(asset.complete, name).to.equal(true);
      const { again } = roundTrip(asset);
      expect(again, name).to.deep.equal({ ...asset, publiccodeYmlVersion: '0.7' });
      if (name === 'wrong-types.yml') expect(warnings.length).to.be.greaterThan(0);
    }
  });

  it('quotes values a YAML parser would read as something other than text', () => {
    const { asset } = parseOk(fixture('wrong-types.yml'));
    const yaml = exportPubliccode({ ...asset, name: 'yes', softwareVersion: '1.10', applicationSuite: '0.7' });
    expect(yaml).to.include('name: "yes"');
    expect(yaml).to.include('softwareVersion: "1.10"');
    expect(yaml).to.include('phone: "0412501953"');
    expect(yaml).to.include('releaseDate: "2024-05-02"');
    const { asset: again } = parseOk(yaml);
    expect(again.name).to.equal('yes');
    expect(again.applicationSuite).to.equal('0.7');
  });

  it('completes an old minimal 0.2 file once its missing fields are filled', () => {
    const { asset } = parseOk(fixture('minimal-0.2.yml'));
    expect(asset.complete).to.equal(false);
    const filled: PubliccodeAsset = {
      ...asset,
      platforms: ['web'],
      categories: ['it-development'],
      developmentStatus: 'concept',
      softwareType: 'library',
      descriptions: {
        it: {
          localisedName: null, genericName: null,
          shortDescription: 'Un componente di esempio',
          longDescription: 'Un componente di esempio, importato da un vecchio file publiccode.yml 0.2 e completato a mano con i dati che mancavano, così da poter essere pubblicato nel catalogo del riuso.',
          documentation: null, apiDocumentation: null, features: ['Esempio'], screenshots: [], videos: [], awards: [],
        },
      },
      legal: { license: 'EUPL-1.2', licenseIsSpdx: true, mainCopyrightOwner: null, repoOwner: null, authorsFile: null },
      maintenance: { type: 'internal', contractors: [], contacts: [{ name: 'Anna Neri', email: 'anna.neri@example.it', phone: null, affiliation: null }] },
      localisation: { localisationReady: false, availableLanguages: ['it'] },
      cedentIpaCode: 'c_b157',
      organisation: { name: null, uri: 'urn:x-italian-pa:c_b157' },
      complete: true,
    };
    const { again } = roundTrip(filled);
    expect(again).to.deep.equal({ ...filled, publiccodeYmlVersion: '0.7' });
    expect(again.complete).to.equal(true);
  });

  it('takes the cedent IPA code from the options when given', () => {
    const { asset } = parseOk(fixture('v02-riuso.yml'));
    const { yaml, again } = roundTrip(asset, { cedentIpaCode: ' C_H501 ' });
    expect(yaml).to.include('uri: urn:x-italian-pa:c_h501');
    expect(again.cedentIpaCode).to.equal('c_h501');
    expect(again.organisation.uri).to.equal('urn:x-italian-pa:c_h501');
  });

  it('keeps texts with HTML verbatim and writes no empty keys', () => {
    const { asset } = parseOk(fixture('html-descriptions.yml'));
    const yaml = exportPubliccode(asset);
    const doc = parse(yaml) as { name: string; description: { it: Record<string, unknown> } };
    expect(doc.name).to.equal('<b>Nome</b> & co');
    expect(doc.description.it.longDescription).to.equal(asset.descriptions.it.longDescription);
    expect(yaml).not.to.match(/: null|: \[\]|: ""|organisation|supports|IT:/);
  });

  it('writes an incomplete asset with what it has', () => {
    const { asset } = parseOk(fixture('minimal-0.2.yml'));
    expect(parse(exportPubliccode(asset))).to.deep.equal({
      publiccodeYmlVersion: '0.7',
      name: 'My fery first component',
      url: 'https://example.com/italia/medusa.git',
      softwareVersion: 'dev',
      releaseDate: '2017-04-15',
    });
  });
});
