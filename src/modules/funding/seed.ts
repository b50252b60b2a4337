// Demo data: the real PA digitale 2026 open data, so the demo comuni (Russi, Potenza, Lecce and the
// Salento comuni) show their real funded projects on first start. The whole shared file when it sits
// beside the repository (../shared/data/padigitale2026), else the excerpt shipped in seed-data/. The
// test run always loads the excerpt (the demo bodies' rows, unchanged): the whole file takes seconds
// at every start and the tests that need it import it themselves.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Platform } from '../../platform/context.js';
import { ROOT } from '../../platform/paths.js';
import { addDays, todayInRome } from '../tenders/index.js';
import { FundingCall } from './models.js';
import { importOpenData } from './opendata.js';

export const SHARED_OPEN_DATA_DIR = path.resolve(ROOT, '..', 'shared', 'data', 'padigitale2026');
export const DEMO_REGIONAL_TITLE = 'Bando regionale per il lavoro agile nei comuni e nelle unioni (smart working)';
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
  const shared = platform.config.env === 'test' ? [] : openDataFiles(SHARED_OPEN_DATA_DIR);
  const files = shared.length ? shared : openDataFiles(EXCERPT_DIR);
  const report = await importOpenData(platform, files);
  // A regional call entered by hand, open on a fresh instance (dates relative to the day of loading):
  // modelled on the Emilia-Romagna smart-working call, 70 % of the costs, first come first served.
  const today = todayInRome();
  await FundingCall.findOrCreate({
    where: { title: DEMO_REGIONAL_TITLE, origin: 'manual' },
    defaults: {
      source: 'regional',
      measure: null,
      title: DEMO_REGIONAL_TITLE,
      eligibleKinds: ['comune', 'unione'],
      eligibleText: null,
      opensOn: addDays(today, -10),
      closesOn: addDays(today, 50),
      budgetCents: 200_000_000,
      amountRule: 'percent',
      amountFixedCents: null,
      amountPercent: 70,
      amountCapCents: 4_000_000,
      amountBands: [],
      firstCome: true,
      url: null,
      rules: { contractDays: 90, completionDays: 240 },
      origin: 'manual',
      createdBy: null,
    },
  });
  platform.log.info({ created: report.created, updated: report.updated, reference: report.reference, refused: report.refused, ms: report.ms }, 'funding: open data loaded');
}
