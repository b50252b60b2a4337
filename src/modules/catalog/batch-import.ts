// The catalogue's batch import of publiccode.yml files, as the command line runs it
// (src/cli/catalog-import.ts: `npm run catalog:import -- [--dry-run] FILE...`).
//
// One line per file — `FILE: imported <slug> (N warnings)` or `FILE: rejected: <reason>` — followed
// by the file's warnings, then a summary. A complete file is published at once, one with problems is
// saved as a draft for staff to complete; the same repository url updates the existing asset.
// The report reads in Italian: reasons and warnings are Messages, translated here with
// messageTranslator('it'); the command's own words are keys of catalog:cli.
import { readFileSync, statSync } from 'node:fs';
import type { Platform } from '../../platform/context.js';
import { messageTranslator, translator } from '../../platform/i18n.js';
import { msg, type Message } from '../../platform/messages.js';
import { findBodyByIpa } from '../entities/index.js';
import { IMPORT_MAX_BYTES, upsertFromPubliccode } from './importer.js';
import { MAX_PUBLICCODE_BYTES, parsePubliccode, type PubliccodeWarning } from './publiccode.js';

const t = translator('it');
const tm = messageTranslator('it');

export const USAGE = t('catalog:cli.usage', { command: 'npm run catalog:import -- [--dry-run] FILE...' });

export type CliOutcome =
  | { file: string; ok: true; slug: string; created: boolean; status: string; warnings: PubliccodeWarning[] }
  | { file: string; ok: false; reason: Message };

export function parseArgs(argv: string[]): { dryRun: boolean; files: string[] } | { error: string } | { help: true } {
  let dryRun = false;
  const files: string[] = [];
  let onlyFiles = false;
  for (const arg of argv) {
    if (!onlyFiles && arg === '--') onlyFiles = true;
    else if (!onlyFiles && arg === '--dry-run') dryRun = true;
    else if (!onlyFiles && (arg === '--help' || arg === '-h')) return { help: true };
    else if (!onlyFiles && arg.startsWith('-') && arg !== '-') return { error: t('catalog:cli.unknownOption', { option: arg }) };
    else files.push(arg);
  }
  if (!files.length) return { error: t('catalog:cli.noFiles') };
  return { dryRun, files };
}

function readInput(file: string): Buffer | string {
  const stat = statSync(file);
  if (!stat.isFile()) throw new Error(msg('catalog:cli.notAFile'));
  if (stat.size > Math.max(IMPORT_MAX_BYTES, MAX_PUBLICCODE_BYTES)) throw new Error(msg('catalog:reject.tooBig', { mb: Math.round(MAX_PUBLICCODE_BYTES / 1024 / 1024) }));
  return readFileSync(file);
}

/** Imports one file (nothing is written with dryRun); never throws for bad input. */
export async function importFile(platform: Platform, file: string, dryRun: boolean): Promise<CliOutcome> {
  let content: Buffer | string;
  try {
    content = readInput(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? msg('catalog:cli.notFound') : code === 'EACCES' ? msg('catalog:cli.notReadable') : (err as Error).message;
    return { file, ok: false, reason };
  }
  const result = parsePubliccode(content);
  if (!result.ok) return { file, ok: false, reason: result.reason };
  const cedent = await findBodyByIpa(result.asset.cedentIpaCode);
  try {
    const { asset, created } = await upsertFromPubliccode(platform, null, {
      asset: result.asset,
      warnings: result.warnings,
      source: 'cli',
      entityId: cedent?.id ?? null,
      // Complete files are published at once; the others wait as drafts; archived stays archived.
      status: (existing, complete) => (existing?.status === 'archived' ? 'archived' : complete ? 'published' : 'draft'),
      fileName: file.split(/[\\/]/).pop() ?? file,
      dryRun,
    });
    return { file, ok: true, slug: asset.slug, created, status: asset.status, warnings: result.warnings };
  } catch (err) {
    return { file, ok: false, reason: (err as Error).message };
  }
}

export function formatOutcome(o: CliOutcome): string[] {
  // The `imported` / `rejected` / `warnings` words are the format scripts parse, not prose: they stay as they are.
  if (!o.ok) return [`${o.file}: rejected: ${tm(o.reason)}`];
  return [
    `${o.file}: imported ${o.slug} (${o.warnings.length} warnings)`,
    ...o.warnings.map((w) => `  ${o.file}:${w.line ?? '-'}: ${w.path}: ${tm(w.message)}`),
  ];
}

export function summary(outcomes: CliOutcome[], dryRun: boolean): string {
  const ok = outcomes.filter((o): o is Extract<CliOutcome, { ok: true }> => o.ok);
  const published = ok.filter((o) => o.status === 'published').length;
  const drafts = ok.filter((o) => o.status === 'draft').length;
  const updated = ok.filter((o) => !o.created).length;
  const rejected = outcomes.length - ok.length;
  const line = t(updated ? 'catalog:cli.summaryUpdated' : 'catalog:cli.summary', { files: outcomes.length, imported: ok.length, published, drafts, updated, rejected });
  return dryRun ? `${line} ${t('catalog:cli.dryRun')}` : line;
}
