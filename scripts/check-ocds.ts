// Validates OCDS 1.1 release packages against the official JSON Schemas (draft-04).
//
//   tsx scripts/check-ocds.ts [--schemas DIR] [FILE.json ...]
//   tsx scripts/check-ocds.ts [--schemas DIR] --from-app
//
// With no FILE it validates packages built from the sample dossiers, one per phase. With
// --from-app it starts a scratch CIT Hub with the demo data (an embedded PostgreSQL in a temporary
// folder, or a fresh database on BENCH_DATABASE_URL's server), fetches /gare/ocds.json and each
// public dossier's /gare/:id/ocds.json over HTTP and validates what the app really serves.
// Exit status: 0 all valid, 1 some package invalid, unreadable or not served, 2 schemas folder
// missing or unusable.
// The schemas stay in the shared reference folder (a sibling of the repository in CI), never
// copied here, so they are updated in one place.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import { buildRelease, buildReleasePackage } from '../src/modules/tenders/ocds.js';
import {
  SAMPLE_PACKAGE_OPTIONS,
  SAMPLE_RELEASE_OPTIONS,
  sampleDossiers,
} from '../test/unit/tenders/fixtures/sample-dossiers.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SCHEMAS_DIR = path.resolve(REPO_ROOT, '../shared/data/reference/ocds-1.1');

const RELEASE_SCHEMA = 'release-schema.json';
const PACKAGE_SCHEMA = 'release-package-schema.json';

export class SchemasNotFoundError extends Error {
  constructor(dir: string, detail: string) {
    super(`Schemi OCDS non trovati o non utilizzabili in ${dir}: ${detail}`);
    this.name = 'SchemasNotFoundError';
  }
}

export interface ValidationIssue {
  /** JSON pointer of the offending value, "" for the package itself. */
  path: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
}

// OCDS annotates its schemas with keywords of its own (merge rules, codelists, deprecation).
// Declaring them keeps ajv strict about everything else, such as a misspelt standard keyword.
const OCDS_KEYWORDS = ['codelist', 'openCodelist', 'omitWhenMerged', 'wholeListMerge', 'versionId', 'deprecated', 'deprecatedVersion'];

// RFC 3339 date-time, as JSON Schema's "date-time" format requires.
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isDateTime(s: string): boolean {
  const m = DATE_TIME_RE.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60;
}

// An absolute URI (RFC 3986): a scheme, no spaces, and parseable by WHATWG URL.
function isUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s) && URL.canParse(s);
}

const validators = new Map<string, ValidateFunction>();

function loadSchema(dir: string, file: string): { id: string; schema: Record<string, unknown> } {
  const full = path.join(dir, file);
  if (!existsSync(full)) throw new SchemasNotFoundError(dir, `manca ${file}`);
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new SchemasNotFoundError(dir, `${file} non è JSON valido (${(err as Error).message})`);
  }
  if (typeof schema.id !== 'string') throw new SchemasNotFoundError(dir, `${file} non ha un id`);
  return { id: schema.id, schema };
}

function validatorFor(schemasDir: string): ValidateFunction {
  const dir = path.resolve(schemasDir);
  const cached = validators.get(dir);
  if (cached) return cached;
  if (!existsSync(dir)) throw new SchemasNotFoundError(dir, 'la cartella non esiste');
  const release = loadSchema(dir, RELEASE_SCHEMA);
  const pkg = loadSchema(dir, PACKAGE_SCHEMA);

  // ajv-draft-04 is CommonJS: under NodeNext its class is the default export's `default`.
  const ajv = new Ajv04.default({ allErrors: true, strict: true, allowUnionTypes: true });
  for (const keyword of OCDS_KEYWORDS) ajv.addKeyword(keyword);
  ajv.addFormat('date-time', isDateTime);
  ajv.addFormat('uri', isUri);
  // The package schema refers to the release schema by its URL: registered under that id, the
  // reference resolves locally and nothing is fetched.
  ajv.addSchema(release.schema, release.id);
  const validate = ajv.compile(pkg.schema);
  validators.set(dir, validate);
  return validate;
}

function toIssue(e: ErrorObject): ValidationIssue {
  let message = e.message ?? 'non valido';
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
    message += `: ${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  } else if (e.keyword === 'additionalProperties') {
    message += `: ${String(e.params.additionalProperty)}`;
  }
  return { path: e.instancePath, message };
}

/** Validates one release package; throws SchemasNotFoundError when the schemas cannot be read. */
export function validateReleasePackage(pkg: unknown, schemasDir: string = DEFAULT_SCHEMAS_DIR): ValidationResult {
  const validate = validatorFor(schemasDir);
  const valid = validate(pkg) as boolean;
  return { valid, errors: valid ? [] : (validate.errors ?? []).map(toIssue) };
}

export function samplePackages(): Array<{ label: string; pkg: unknown }> {
  return sampleDossiers().map((dossier) => ({
    label: `esempio fase ${dossier.phase}`,
    pkg: buildReleasePackage([buildRelease(dossier, SAMPLE_RELEASE_OPTIONS)], SAMPLE_PACKAGE_OPTIONS),
  }));
}

export type CheckArgs = { schemasDir: string; files: string[]; fromApp?: true };

export function parseArgs(argv: readonly string[]): CheckArgs {
  let schemasDir = DEFAULT_SCHEMAS_DIR;
  const files: string[] = [];
  let fromApp = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--schemas') {
      const dir = argv[i + 1];
      if (!dir) throw new Error('--schemas richiede una cartella');
      schemasDir = path.resolve(dir);
      i += 1;
    } else if (arg.startsWith('--schemas=')) {
      schemasDir = path.resolve(arg.slice('--schemas='.length));
    } else if (arg === '--from-app') {
      fromApp = true;
    } else if (arg.startsWith('--')) {
      throw new Error(`opzione sconosciuta ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (fromApp && files.length) throw new Error('--from-app non si combina con dei file');
  return fromApp ? { schemasDir, files, fromApp: true } : { schemasDir, files };
}

const USAGE = 'uso: tsx scripts/check-ocds.ts [--schemas DIR] [FILE.json ... | --from-app]';

/** Runs the check and returns the exit status; output goes through `log`. */
export function run(argv: readonly string[], log: (line: string) => void = console.log): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (err) {
    log(`${USAGE} (${(err as Error).message})`);
    return 2;
  }
  if (args.fromApp) {
    log(`${USAGE}: --from-app è asincrono, usa runFromApp()`);
    return 2;
  }
  try {
    validatorFor(args.schemasDir);
  } catch (err) {
    if (err instanceof SchemasNotFoundError) {
      log(err.message);
      return 2;
    }
    throw err;
  }

  const inputs: Array<{ label: string; pkg?: unknown; readError?: string }> =
    args.files.length === 0
      ? samplePackages()
      : args.files.map((file) => {
          try {
            return { label: file, pkg: JSON.parse(readFileSync(file, 'utf8')) as unknown };
          } catch (err) {
            return { label: file, readError: (err as Error).message };
          }
        });

  let allValid = true;
  for (const input of inputs) {
    if (input.readError !== undefined) {
      allValid = false;
      log(`ERRORE ${input.label}: impossibile leggere il file (${input.readError})`);
      continue;
    }
    const result = validateReleasePackage(input.pkg, args.schemasDir);
    if (result.valid) {
      log(`valido ${input.label}`);
    } else {
      allValid = false;
      const details = result.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
      log(`NON VALIDO ${input.label}: ${details}`);
    }
  }
  return allValid ? 0 : 1;
}

function report(label: string, pkg: unknown, schemasDir: string, log: (line: string) => void): boolean {
  const result = validateReleasePackage(pkg, schemasDir);
  if (result.valid) {
    log(`valido ${label}`);
    return true;
  }
  log(`NON VALIDO ${label}: ${result.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  return false;
}

/**
 * Starts a scratch app with the demo data and validates the OCDS it serves: the package of all
 * public dossiers and the package of each one. Returns the exit status.
 */
export async function runFromApp(schemasDir: string = DEFAULT_SCHEMAS_DIR, log: (line: string) => void = console.log): Promise<number> {
  try {
    validatorFor(schemasDir);
  } catch (err) {
    if (err instanceof SchemasNotFoundError) {
      log(err.message);
      return 2;
    }
    throw err;
  }
  log('avvio di CIT Hub con i dati dimostrativi…');
  const { startScratch } = await import('../bench/lib.js');
  const scratch = await startScratch();
  let allValid = true;
  try {
    const fetchJson = async (p: string): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(`${scratch.baseUrl}${p}`, { headers: { Accept: 'application/json' } });
      const text = await res.text();
      try {
        return { status: res.status, body: JSON.parse(text) as unknown };
      } catch {
        return { status: res.status, body: undefined };
      }
    };
    const all = await fetchJson('/gare/ocds.json');
    if (all.status !== 200 || all.body === undefined) {
      log(`ERRORE /gare/ocds.json: risposta ${all.status}`);
      allValid = false;
    } else {
      allValid = report('/gare/ocds.json', all.body, schemasDir, log) && allValid;
    }
    const [rows] = await scratch.platform.sequelize.query('SELECT id, title FROM tender_dossiers WHERE is_public ORDER BY id');
    const dossiers = rows as Array<{ id: number; title: string }>;
    if (dossiers.length === 0) {
      log('ERRORE nessuna gara pubblica nei dati dimostrativi');
      allValid = false;
    }
    const released = new Set(((all.body as { releases?: Array<{ tender?: { id?: string } }> } | undefined)?.releases ?? []).map((r) => r.tender?.id));
    for (const d of dossiers) {
      const p = `/gare/${d.id}/ocds.json`;
      const one = await fetchJson(p);
      if (one.status !== 200 || one.body === undefined) {
        log(`ERRORE ${p}: risposta ${one.status}`);
        allValid = false;
        continue;
      }
      allValid = report(`${p} (${d.title})`, one.body, schemasDir, log) && allValid;
      if (!released.has(String(d.id))) {
        log(`ERRORE /gare/ocds.json non contiene la gara ${d.id}`);
        allValid = false;
      }
    }
  } finally {
    await scratch.stop();
  }
  return allValid ? 0 : 1;
}

export async function main(argv: readonly string[], log: (line: string) => void = console.log): Promise<number> {
  let args: CheckArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    log(`${USAGE} (${(err as Error).message})`);
    return 2;
  }
  return args.fromApp ? runFromApp(args.schemasDir, log) : run(argv, log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error('ERRORE', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
