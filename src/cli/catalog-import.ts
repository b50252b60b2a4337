// npm run catalog:import -- [--dry-run] FILE...
//
// Imports publiccode.yml files into the catalogue: against DATABASE_URL when set, otherwise the
// embedded PostgreSQL under DATA_DIR (like `npm start`); migrations are applied first. Output and
// rules of one file: src/modules/catalog/batch-import.ts.
// Exit code: 0 when every file was imported, 1 when any was rejected, 2 on a usage error.
import { formatOutcome, importFile, parseArgs, summary, USAGE, type CliOutcome } from '../modules/catalog/index.js';
import { messageTranslator, translator } from '../platform/i18n.js';
import { withImportPlatform } from './import-platform.js';

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
  return withImportPlatform(async (platform) => {
    const outcomes: CliOutcome[] = [];
    for (const file of args.files) {
      const outcome = await importFile(platform, file, args.dryRun);
      outcomes.push(outcome);
      for (const line of formatOutcome(outcome)) console.log(line);
    }
    console.log(summary(outcomes, args.dryRun));
    return outcomes.every((o) => o.ok) ? 0 : 1;
  });
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    // Like the report, in Italian (src/modules/catalog/batch-import.ts); an error's message may be a Message.
    console.error(translator('it')('catalog:cli.failed'), err instanceof Error ? messageTranslator('it')(err.message) : err);
    process.exit(1);
  });
