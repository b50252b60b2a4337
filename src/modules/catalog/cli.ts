// npm run catalog:import -- [--dry-run] FILE...
//
// Imports publiccode.yml files into the catalogue: against DATABASE_URL when set, otherwise the
// embedded PostgreSQL under DATA_DIR (like `npm start`); migrations are applied first. One line per
// file — `FILE: imported <slug> (N warnings)` or `FILE: rejected: <reason>` — followed by the file's
// warnings, then a summary. A complete file is published at once, one with problems is saved as a
// draft for staff to complete; the same repository url updates the existing asset.
// Exit code: 0 when every file was imported, 1 when any was rejected, 2 on a usage error.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Op } from 'sequelize';
import { ConfigError, loadConfig } from '../../config.js';
import { openDatabase } from '../../db/boot.js';
import { migrate } from '../../db/migrate.js';
import { createSequelize } from '../../db/sequelize.js';
import { AuditLog } from '../../platform/audit.js';
import type { Platform } from '../../platform/context.js';
import { FileStore } from '../../platform/files.js';
import { createLogger } from '../../platform/logger.js';
import { modules } from '../index.js';
import { Entity } from '../entities/models.js';
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
  const cedent = result.asset.cedentIpaCode
    ? await Entity.findOne({ where: { ipaCode: { [Op.iLike]: result.asset.cedentIpaCode } }, attributes: ['id'] })
    : null;
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

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    console.log(USAGE);
    return 0;
  }
  if ('error' in args) {
    console.error(`${args.error}\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const { url, embedded } = await openDatabase(config, log);
  const sequelize = createSequelize(url, log, 3);
  try {
    for (const m of modules) m.initModels?.(sequelize);
    await migrate(sequelize, log);
    // The command needs no job queue or mail: imports by the command line notify nobody.
    const platform = { config, log, sequelize, databaseUrl: url, audit: new AuditLog(sequelize), files: new FileStore(sequelize) } as unknown as Platform;
    const outcomes: CliOutcome[] = [];
    for (const file of args.files) {
      const outcome = await importFile(platform, file, args.dryRun);
      outcomes.push(outcome);
      for (const line of formatOutcome(outcome)) console.log(line);
    }
    console.log(summary(outcomes, args.dryRun));
    return outcomes.every((o) => o.ok) ? 0 : 1;
  } finally {
    await sequelize.close();
    await embedded?.stop();
  }
}

const invokedDirectly = !!process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err) => {
      console.error('Importazione non riuscita:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
