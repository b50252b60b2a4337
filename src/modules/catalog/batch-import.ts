// The catalogue's batch import of publiccode.yml files, as the command line runs it
// (src/cli/catalog-import.ts: `npm run catalog:import -- [--dry-run] FILE...`).
//
// One line per file — `FILE: imported <slug> (N warnings)` or `FILE: rejected: <reason>` — followed
// by the file's warnings, then a summary. A complete file is published at once, one with problems is
// saved as a draft for staff to complete; the same repository url updates the existing asset.
import { readFileSync, statSync } from 'node:fs';
import type { Platform } from '../../platform/context.js';
import { findBodyByIpa } from '../entities/index.js';
import { IMPORT_MAX_BYTES, upsertFromPubliccode } from './importer.js';
import { MAX_PUBLICCODE_BYTES, parsePubliccode, type PubliccodeWarning } from './publiccode.js';

export const USAGE = 'uso: npm run catalog:import -- [--dry-run] FILE...';

export type CliOutcome =
  | { file: string; ok: true; slug: string; created: boolean; status: string; warnings: PubliccodeWarning[] }
  | { file: string; ok: false; reason: string };

export function parseArgs(argv: string[]): { dryRun: boolean; files: string[] } | { error: string } | { help: true } {
  let dryRun = false;
  const files: string[] = [];
  let onlyFiles = false;
  for (const arg of argv) {
    if (!onlyFiles && arg === '--') onlyFiles = true;
    else if (!onlyFiles && arg === '--dry-run') dryRun = true;
    else if (!onlyFiles && (arg === '--help' || arg === '-h')) return { help: true };
    else if (!onlyFiles && arg.startsWith('-') && arg !== '-') return { error: `opzione sconosciuta: ${arg}` };
    else files.push(arg);
  }
  if (!files.length) return { error: 'indica almeno un file publiccode.yml' };
  return { dryRun, files };
}

function readInput(file: string): Buffer | string {
  const stat = statSync(file);
  if (!stat.isFile()) throw new Error('non è un file');
  if (stat.size > Math.max(IMPORT_MAX_BYTES, MAX_PUBLICCODE_BYTES)) throw new Error(`Il file supera la dimensione massima di ${Math.round(MAX_PUBLICCODE_BYTES / 1024 / 1024)} MB.`);
  return readFileSync(file);
}

/** Imports one file (nothing is written with dryRun); never throws for bad input. */
export async function importFile(platform: Platform, file: string, dryRun: boolean): Promise<CliOutcome> {
  let content: Buffer | string;
  try {
    content = readInput(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file non trovato' : code === 'EACCES' ? 'file non leggibile (permessi)' : (err as Error).message;
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
  if (!o.ok) return [`${o.file}: rejected: ${o.reason}`];
  return [
    `${o.file}: imported ${o.slug} (${o.warnings.length} warnings)`,
    ...o.warnings.map((w) => `  ${o.file}:${w.line ?? '-'}: ${w.path}: ${w.message}`),
  ];
}

export function summary(outcomes: CliOutcome[], dryRun: boolean): string {
  const ok = outcomes.filter((o): o is Extract<CliOutcome, { ok: true }> => o.ok);
  const published = ok.filter((o) => o.status === 'published').length;
  const drafts = ok.filter((o) => o.status === 'draft').length;
  const updated = ok.filter((o) => !o.created).length;
  const rejected = outcomes.length - ok.length;
  return `${outcomes.length} file: ${ok.length} importati (${published} pubblicati, ${drafts} bozze${updated ? `, ${updated} aggiornamenti di asset esistenti` : ''}), ${rejected} rifiutati.${dryRun ? ' Prova senza salvare (--dry-run): il database non è stato modificato.' : ''}`;
}
