// Validates OCDS 1.1 release packages against the official JSON Schemas (draft-04).
//
//   tsx scripts/check-ocds.ts [--schemas DIR] [FILE.json ...]
//
// With no FILE it validates packages built from the sample dossiers, one per phase. Exit status:
// 0 all valid, 1 some package invalid or unreadable, 2 schemas folder missing or unusable.
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

export function parseArgs(argv: readonly string[]): { schemasDir: string; files: string[] } {
  let schemasDir = DEFAULT_SCHEMAS_DIR;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--schemas') {
      const dir = argv[i + 1];
      if (!dir) throw new Error('--schemas richiede una cartella');
      schemasDir = path.resolve(dir);
      i += 1;
    } else if (arg.startsWith('--schemas=')) {
      schemasDir = path.resolve(arg.slice('--schemas='.length));
    } else {
      files.push(arg);
    }
  }
  return { schemasDir, files };
}

/** Runs the check and returns the exit status; output goes through `log`. */
export function run(argv: readonly string[], log: (line: string) => void = console.log): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (err) {
    log(`uso: tsx scripts/check-ocds.ts [--schemas DIR] [FILE.json ...] (${(err as Error).message})`);
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

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = run(process.argv.slice(2));
}
