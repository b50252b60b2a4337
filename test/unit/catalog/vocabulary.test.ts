import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { translator } from '../../../src/platform/i18n.js';
import { pnrrKey } from '../../../src/modules/catalog/search.js';
import {
  CONFORMITY_FLAGS,
  DEVELOPMENT_STATUSES,
  ITALIAN_PLATFORMS,
  MAINTENANCE_TYPES,
  PLATFORMS,
  PNRR_MEASURES,
  PUBLICCODE_CATEGORIES,
  PUBLICCODE_SCOPES,
  SOFTWARE_TYPES,
  SUPPORTS_ALIASES,
  isVocabularyValue,
  pnrrMeasure,
  vocabularyKey,
} from '../../../src/modules/catalog/vocabulary.js';

const tIt = translator('it');
const tEn = translator('en');
const catalogLocale = (lang: string) => JSON.parse(readFileSync(new URL(`../../../locales/${lang}/catalog.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** Every leaf key of a nested locale object, as dotted paths. */
function leafKeys(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

describe('catalog vocabulary', () => {
  it('has the 106 publiccode categories and the 24 scopes, each labelled in Italian and in English', () => {
    expect(PUBLICCODE_CATEGORIES).to.have.length(106);
    expect(PUBLICCODE_SCOPES).to.have.length(24);
    expect(PUBLICCODE_CATEGORIES[0]).to.equal('accounting');
    expect(PUBLICCODE_CATEGORIES[105]).to.equal('other');
    expect(PUBLICCODE_CATEGORIES).to.include.members(['whistleblowing', 'payment-gateway', 'design-system', 'it-security']);
    for (const [section, codes] of [['category', PUBLICCODE_CATEGORIES], ['scope', PUBLICCODE_SCOPES]] as const) {
      for (const code of codes) {
        const key = `catalog:${section}.${code}`;
        expect(tIt(key), key).to.be.a('string').and.not.equal('').and.not.equal(`${section}.${code}`);
        expect(tEn(key), key).to.be.a('string').and.not.equal('').and.not.equal(`${section}.${code}`);
      }
    }
    expect(tIt('catalog:category.document-management')).to.equal('Gestione documentale');
    expect(tEn('catalog:category.document-management')).to.equal('Document management');
    expect(tIt('catalog:scope.local-authorities')).to.equal('Enti locali');
    expect(tEn('catalog:scope.local-authorities')).to.equal('Local authorities');
  });

  it('keeps the codes of the other enumerations, with their labels in the locales', () => {
    expect(DEVELOPMENT_STATUSES).to.deep.equal(['concept', 'development', 'beta', 'stable', 'obsolete']);
    expect(tIt('catalog:devStatus.stable')).to.equal('Stabile');
    expect(tEn('catalog:devStatus.stable')).to.equal('Stable');
    expect(SOFTWARE_TYPES).to.have.length(9);
    expect(tIt('catalog:softwareType.standalone/web')).to.equal('Applicazione web');
    expect(MAINTENANCE_TYPES).to.deep.equal(['internal', 'contract', 'community', 'none']);
    expect(PLATFORMS).to.deep.equal(['web', 'windows', 'mac', 'linux', 'ios', 'android']);
    expect(ITALIAN_PLATFORMS).to.deep.equal(['spid', 'cie', 'anpr', 'pagopa', 'io']);
    expect(SUPPORTS_ALIASES).to.deep.equal(['gdpr', 'eidas', 'nis2', 'cra', 'spid', 'cie', 'anpr', 'pagopa', 'io']);
    const sections: Array<[string, readonly string[]]> = [
      ['devStatus', DEVELOPMENT_STATUSES], ['softwareType', SOFTWARE_TYPES], ['maintenance', MAINTENANCE_TYPES],
      ['platform', PLATFORMS], ['italianPlatform', ITALIAN_PLATFORMS], ['conformity', CONFORMITY_FLAGS],
    ];
    for (const [section, codes] of sections) {
      for (const code of codes) for (const t of [tIt, tEn]) expect(t(`catalog:${section}.${code}`), `${section}.${code}`).not.to.equal(`${section}.${code}`);
    }
  });

  it('lists the PNRR "PA digitale 2026" measures, labelled in both languages', () => {
    expect(PNRR_MEASURES.map((m) => m.code)).to.deep.equal(['1.1', '1.2', '1.3.1', '1.4.1', '1.4.3', '1.4.4', '1.4.5']);
    expect(pnrrMeasure(' 1.4.4 ')?.calls).to.deep.equal(['Adozione SPID CIE', 'Adozione ANPR ANSC']);
    expect(pnrrMeasure('9.9')).to.equal(undefined);
    expect(tIt(pnrrKey('1.4.3'))).to.equal('Adozione PagoPA e AppIO');
    expect(tEn(pnrrKey('1.4.3'))).to.equal('Adoption of pagoPA and the IO app');
    for (const m of PNRR_MEASURES) expect(tEn(pnrrKey(m.code)), m.code).not.to.contain('pnrr.');
  });

  it('checks membership and gives a label key only to values of the vocabulary', () => {
    expect(isVocabularyValue(PUBLICCODE_CATEGORIES, 'blog')).to.equal(true);
    expect(isVocabularyValue(PUBLICCODE_CATEGORIES, 'toString')).to.equal(false);
    expect(isVocabularyValue(PUBLICCODE_CATEGORIES, 42)).to.equal(false);
    expect(vocabularyKey('platform', PLATFORMS, 'mac')).to.equal('catalog:platform.mac');
    expect(tIt(vocabularyKey('platform', PLATFORMS, 'mac')!)).to.equal('macOS');
    expect(vocabularyKey('platform', PLATFORMS, 'Raspberry Pi')).to.equal(null);
  });

  it('has the same keys in the Italian and the English catalogue locale, none of them empty', () => {
    const itKeys = leafKeys(catalogLocale('it')).sort();
    const enKeys = leafKeys(catalogLocale('en')).sort();
    expect(enKeys).to.deep.equal(itKeys);
    for (const key of itKeys) {
      expect(tIt(`catalog:${key}`), key).to.not.equal('');
      expect(tEn(`catalog:${key}`), key).to.not.equal('');
    }
  });
});
