// The import report is made of Messages: each warning and refusal is a key with its values (the key
// path and line among them), so the same report reads in Italian or in English.
import { expect } from 'chai';
import { messageTranslator } from '../../../src/platform/i18n.js';
import { parseMessage } from '../../../src/platform/messages.js';
import { parsePubliccode } from '../../../src/modules/catalog/publiccode.js';
import { docWith } from './helpers.js';

const italian = messageTranslator('it');
const english = messageTranslator('en');

describe('parsePubliccode: the report in the reader’s language', () => {
  it('gives every warning as a Message carrying its key path and line', () => {
    const result = parsePubliccode(docWith({ 'legal:': ['legal:'], '  license: MIT': ['  license: GPL v3'], 'developmentStatus: stable': ['developmentStatus: finished'] }));
    if (!result.ok) expect.fail('accepted');
    expect(result.warnings.length).to.be.greaterThan(1);
    for (const w of result.warnings) {
      const { key, params } = parseMessage(w.message);
      expect(key, w.message).to.match(/^catalog:pc\./);
      expect(params.path, w.message).to.equal(w.path);
      expect(params.line ?? null, w.message).to.equal(w.line);
      expect(italian(w.message)).to.not.equal(w.message);
      expect(english(w.message)).to.not.equal(italian(w.message));
    }
    const licence = result.warnings.find((w) => w.path === 'legal.license')!;
    expect(italian(licence.message)).to.match(/^La licenza «GPL v3» non è un'espressione SPDX valida/);
    expect(english(licence.message)).to.match(/^The licence «GPL v3» is not a valid SPDX expression/);
    const status = result.warnings.find((w) => w.path === 'developmentStatus')!;
    expect(english(status.message)).to.equal('«finished» is not a value the publiccode.yml standard allows for «developmentStatus» (allowed: concept, development, beta, stable, obsolete): value ignored.');
  });

  it('translates the nested phrases of a message (what was found instead of a text)', () => {
    const result = parsePubliccode(docWith({ 'developmentStatus: stable': ['developmentStatus:', '  - stable'] }));
    if (!result.ok) expect.fail('accepted');
    const w = result.warnings.find((x) => x.path === 'developmentStatus')!;
    expect(italian(w.message)).to.equal('Era atteso un testo ma è stato trovato un elenco: valore ignorato.');
    expect(english(w.message)).to.equal('A text was expected but a list was found: value ignored.');
  });

  it('gives refusals as Messages too, YAML errors with their line, column and reason', () => {
    const result = parsePubliccode('name: Prova\nurl: https://example.org/x\n\tdescription: x\n');
    if (result.ok) expect.fail('rejected');
    expect(italian(result.reason)).to.match(/^YAML non valido alla riga 3, colonna 1: /);
    expect(english(result.reason)).to.match(/^Invalid YAML at line 3, column 1: /);
    expect(english(result.reason)).to.not.match(/riga|colonna|sintassi/);
  });
});
