// Demo data: the real PA digitale 2026 open data, so the demo comuni (Russi, Potenza, Lecce and the
// Salento comuni) show their real funded projects on first start. The whole shared file when it sits
// beside the repository (../shared/data/padigitale2026), else the excerpt shipped in seed-data/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Platform } from '../../platform/context.js';
import { ROOT } from '../../platform/paths.js';
import { importOpenData } from './opendata.js';

export const SHARED_OPEN_DATA_DIR = path.resolve(ROOT, '..', 'shared', 'data', 'padigitale2026');
export const EXCERPT_DIR = path.join(ROOT, 'src', 'modules', 'funding', 'seed-data');

/** `avvisi.csv` and every `candidature_*finanziate*.csv` of a folder in the shared layout. */
export function openDataFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f === 'avvisi.csv' || /^candidature_.*finanziate.*\.csv$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

export async function seedFunding(platform: Platform): Promise<void> {
  const shared = openDataFiles(SHARED_OPEN_DATA_DIR);
  const files = shared.length ? shared : openDataFiles(EXCERPT_DIR);
  const report = await importOpenData(platform, files);
  platform.log.info({ created: report.created, updated: report.updated, reference: report.reference, refused: report.refused, ms: report.ms }, 'funding: open data loaded');
}
