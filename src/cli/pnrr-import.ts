// npm run pnrr:import -- FILE...
//
// Imports the PA digitale 2026 open data (avvisi.csv and candidature_*finanziate*.csv) into the
// funding area: against DATABASE_URL when set, otherwise the embedded PostgreSQL under DATA_DIR (like
// `npm start`); migrations are applied first. Rules: src/modules/funding/opendata.ts.
// Exit code: 0 when every file was read (refused rows are reported, not fatal), 1 when a file was
// refused whole (a missing column, not an open-data file), 2 on a usage error.
import { existsSync } from 'node:fs';
import { importOpenData, reportLines } from '../modules/funding/index.js';
import { messageTranslator, translator } from '../platform/i18n.js';
import { withImportPlatform } from './import-platform.js';

async function main(argv: string[]): Promise<number> {
  const t = translator('it');
  const files = argv.filter((a) => a !== '--');
  if (!files.length || files.includes('--help') || files.includes('-h')) {
    console.log(t('funding:cli.usage'));
    return files.length ? 0 : 2;
  }
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    console.error(t('funding:cli.missingFiles', { files: missing.join(', ') }));
    return 2;
  }
  return withImportPlatform(async (platform) => {
    const report = await importOpenData(platform, files);
    for (const line of reportLines(report, messageTranslator('it'))) console.log(line);
    return report.files.every((f) => f.ok) ? 0 : 1;
  });
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(translator('it')('funding:cli.failed'), err instanceof Error ? messageTranslator('it')(err.message) : err);
    process.exit(1);
  });
