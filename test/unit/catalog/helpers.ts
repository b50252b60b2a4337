// Shared helpers of the catalogue tests: fixtures, line lookup, result unwrapping.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { messageTranslator } from '../../../src/platform/i18n.js';
import {
  parsePubliccode,
  type PubliccodeAsset,
  type PubliccodeWarning,
} from '../../../src/modules/catalog/publiccode.js';

export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));
}

/** 1-based number of the `occurrence`-th line of `text` that contains `needle`. */
export function lineOf(text: string | Buffer, needle: string, occurrence = 1): number {
  const lines = text.toString().split(/\r?\n/);
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`"${needle}" not found ${occurrence} time(s)`);
}

const italian = messageTranslator('it');

/** Parses an accepted file; warnings come back as the Italian report reads them (their Messages translated). */
export function parseOk(input: string | Buffer): { asset: PubliccodeAsset; warnings: PubliccodeWarning[] } {
  const result = parsePubliccode(input);
  if (!result.ok) expect.fail(`expected the file to be accepted, got: ${italian(result.reason)}`);
  return { asset: result.asset, warnings: result.warnings.map((w) => ({ ...w, message: italian(w.message) })) };
}

/** Parses a refused file; the reason comes back in Italian. */
export function parseRejected(input: string | Buffer): { reason: string; line?: number; column?: number } {
  const result = parsePubliccode(input);
  if (result.ok) expect.fail('expected the file to be rejected');
  return { ...result, reason: italian(result.reason) };
}

/** The only warning at `path`; fails if there is none or more than one. */
export function warningAt(warnings: PubliccodeWarning[], path: string): PubliccodeWarning {
  const found = warnings.filter((w) => w.path === path);
  expect(found, `warnings at ${path}: ${JSON.stringify(warnings, null, 1)}`).to.have.length(1);
  return found[0];
}

/** A valid, complete 0.4 document whose lines can be replaced or extended by a test. */
export const COMPLETE_DOC = [
  'publiccodeYmlVersion: "0.4"',
  'name: Prova',
  'url: https://github.com/example/prova',
  'platforms:',
  '  - web',
  'categories:',
  '  - office',
  'developmentStatus: stable',
  'softwareType: standalone/web',
  'description:',
  '  it:',
  '    shortDescription: Una descrizione breve',
  '    longDescription: >',
  '      Una descrizione estesa abbastanza lunga da superare i centocinquanta',
  '      caratteri richiesti dallo standard per la descrizione estesa del software,',
  '      così non produce alcun avviso.',
  '    features:',
  '      - Una funzionalità',
  'legal:',
  '  license: MIT',
  'maintenance:',
  '  type: none',
  'localisation:',
  '  localisationReady: false',
  '  availableLanguages:',
  '    - it',
];

/** COMPLETE_DOC with each line equal to a key of `replace` swapped for the given lines, plus `append` at the end. */
export function docWith(replace: Record<string, string[]> = {}, append: string[] = []): string {
  const lines = COMPLETE_DOC.flatMap((line) => (Object.prototype.hasOwnProperty.call(replace, line) ? replace[line] : [line]));
  return [...lines, ...append].join('\n') + '\n';
}
