import { expect } from 'chai';
import {
  CATEGORY_LABELS,
  DEVELOPMENT_STATUS_LABELS,
  ITALIAN_PLATFORM_LABELS,
  MAINTENANCE_TYPE_LABELS,
  PLATFORM_LABELS,
  PNRR_MEASURES,
  PUBLICCODE_CATEGORIES,
  PUBLICCODE_SCOPES,
  SCOPE_LABELS,
  SOFTWARE_TYPE_LABELS,
  SUPPORTS_ALIASES,
  isVocabularyValue,
  pnrrMeasure,
  vocabularyLabel,
} from '../../../src/modules/catalog/vocabulary.js';

describe('catalog vocabulary', () => {
  it('has the 106 publiccode categories and the 24 scopes, each with an Italian label', () => {
    expect(PUBLICCODE_CATEGORIES).to.have.length(106);
    expect(PUBLICCODE_SCOPES).to.have.length(24);
    expect(PUBLICCODE_CATEGORIES[0]).to.equal('accounting');
    expect(PUBLICCODE_CATEGORIES[105]).to.equal('other');
    expect(PUBLICCODE_CATEGORIES).to.include.members(['whistleblowing', 'payment-gateway', 'design-system', 'it-security']);
    for (const labels of [CATEGORY_LABELS, SCOPE_LABELS]) {
      for (const label of Object.values(labels)) expect(label).to.be.a('string').and.not.equal('');
    }
    expect(CATEGORY_LABELS['document-management']).to.equal('Gestione documentale');
    expect(SCOPE_LABELS['local-authorities']).to.equal('Enti locali');
  });

  it('labels the other enumerations in Italian', () => {
    expect(Object.keys(DEVELOPMENT_STATUS_LABELS)).to.deep.equal(['concept', 'development', 'beta', 'stable', 'obsolete']);
    expect(DEVELOPMENT_STATUS_LABELS.stable).to.equal('Stabile');
    expect(Object.keys(SOFTWARE_TYPE_LABELS)).to.have.length(9);
    expect(SOFTWARE_TYPE_LABELS['standalone/web']).to.equal('Applicazione web');
    expect(Object.keys(MAINTENANCE_TYPE_LABELS)).to.deep.equal(['internal', 'contract', 'community', 'none']);
    expect(Object.keys(PLATFORM_LABELS)).to.deep.equal(['web', 'windows', 'mac', 'linux', 'ios', 'android']);
    expect(Object.keys(ITALIAN_PLATFORM_LABELS)).to.deep.equal(['spid', 'cie', 'anpr', 'pagopa', 'io']);
    expect(SUPPORTS_ALIASES).to.deep.equal(['gdpr', 'eidas', 'nis2', 'cra', 'spid', 'cie', 'anpr', 'pagopa', 'io']);
  });

  it('lists the PNRR "PA digitale 2026" measures with their official labels', () => {
    expect(PNRR_MEASURES.map((m) => m.code)).to.deep.equal(['1.1', '1.2', '1.3.1', '1.4.1', '1.4.3', '1.4.4', '1.4.5']);
    expect(pnrrMeasure('1.4.3')?.label).to.equal('Adozione PagoPA e AppIO');
    expect(pnrrMeasure(' 1.4.4 ')?.calls).to.deep.equal(['Adozione SPID CIE', 'Adozione ANPR ANSC']);
    expect(pnrrMeasure('9.9')).to.equal(undefined);
  });

  it('checks membership and falls back to the raw value for labels', () => {
    expect(isVocabularyValue(CATEGORY_LABELS, 'blog')).to.equal(true);
    expect(isVocabularyValue(CATEGORY_LABELS, 'toString')).to.equal(false);
    expect(isVocabularyValue(CATEGORY_LABELS, 42)).to.equal(false);
    expect(vocabularyLabel(PLATFORM_LABELS, 'mac')).to.equal('macOS');
    expect(vocabularyLabel(PLATFORM_LABELS, 'Raspberry Pi')).to.equal('Raspberry Pi');
  });
});
