// The importer of the PA digitale 2026 open data (teamdigitale/padigitale2026-opendata): `avvisi.csv`
// and every `candidature_*finanziate*.csv`. One importer, owned by this area and exposed through its
// face, so the coaching area reuses it rather than writing a second one.
//
// - Streamed: each file is read through csv-parse, never whole; rows are written in batches.
// - One transaction per file: a file lands whole or not at all.
// - Idempotent: a call is keyed on its title, an application on (codice_ipa, avviso, CUP) or, with
//   no CUP, (codice_ipa, avviso, window, protocol); a re-import updates states and dates, never
//   duplicates, and leaves the stage dates a body recorded by hand alone.
// - Bodies are matched by codice IPA through the entities' face: rows of adhering bodies become
//   projects; rows of any other body are kept as reference data (funding_reference_rows).
// - Imperfections are taken whole: an empty CUP, dates as `2023-08-22` or `2023-06-28T13:31:55.000+0000`
//   (or `22/08/2023`), ISTAT codes with their leading zeros, `;` or tab as delimiter, a file not in
//   UTF-8 (read as Windows-1252). A row that cannot be used is reported with its line and skipped.
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { DateTime } from 'luxon';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { msg, type Message } from '../../platform/messages.js';
import { bodiesByIpa, type Body } from '../entities/index.js';
import { validateCup } from '../tenders/index.js';
import { eligibleKindsFrom, stateFromOpenData } from './stages.js';

export const CALL_COLUMNS = ['titolo', 'misura', 'data_inizio_bando', 'data_fine_bando', 'totale_importo_stanziato', 'soggetti_destinatari'] as const;
export const APPLICATION_COLUMNS = ['codice_ipa', 'ente', 'importo_finanziamento', 'avviso', 'stato_candidatura'] as const;

export type Problem = { file: string; line: number; message: Message };

export type FileReport = {
  file: string;
  kind: 'calls' | 'applications' | 'unknown';
  ok: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows of bodies that do not adhere, kept as reference data. */
  reference: number;
  refused: number;
  /** The first lines kept as reference data (the report names a few, not thousands). */
  referenceLines: number[];
  /** Applications without a CUP (kept, keyed on window and protocol), and the first of their lines. */
  noCup: number;
  noCupLines: number[];
  /** Notes about the file as a whole (delimiter, encoding). */
  notes: Message[];
};

export type ImportReport = {
  files: FileReport[];
  problems: Problem[];
  created: number;
  updated: number;
  unchanged: number;
  reference: number;
  refused: number;
  ms: number;
};

const BATCH = 500;

// ---- Reading ----

/** The delimiter of the header line: the one of `,`, `;` and tab it holds most of. */
function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0][1] > 0 ? counts[0][0] : ',';
}

async function firstBytes(file: string, n = 65536): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Whether the whole file is valid UTF-8, read as a stream. */
export async function isUtf8(file: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(file)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

class Decode extends Transform {
  private readonly decoder: InstanceType<typeof TextDecoder>;
  constructor(encoding: string) {
    super({ decodeStrings: true, encoding: 'utf8' });
    this.decoder = new TextDecoder(encoding);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    done(null, this.decoder.decode(chunk, { stream: true }));
  }
  override _flush(done: TransformCallback): void {
    done(null, this.decoder.decode());
  }
}

/**
 * Writes `src` as UTF-8 to `dest` when it is not UTF-8 already (read as Windows-1252, like the
 * importer reads it), streamed. Returns the note for the report, or null when nothing was done.
 */
export async function toUtf8(src: string, dest: string): Promise<Message | null> {
  if (await isUtf8(src)) return null;
  await pipeline(createReadStream(src), new Decode('windows-1252'), createWriteStream(dest));
  return msg('funding:import.notUtf8');
}

type Row = { line: number; cells: Record<string, string> };

/** The header and then each row as { column → trimmed text }, with the line it ends on. */
async function* readCsv(file: string, report: FileReport): AsyncGenerator<{ header: string[] } | Row> {
  const head = await firstBytes(file);
  const utf8 = await isUtf8(file);
  if (!utf8) report.notes.push(msg('funding:import.notUtf8'));
  const firstLine = new TextDecoder(utf8 ? 'utf-8' : 'windows-1252').decode(head).replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const delimiter = detectDelimiter(firstLine);
  if (delimiter !== ',') report.notes.push(msg('funding:import.delimiter', { delimiter: delimiter === '\t' ? 'TAB' : delimiter }));
  const parser = createReadStream(file)
    .pipe(new Decode(utf8 ? 'utf-8' : 'windows-1252'))
    .pipe(parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true, relax_quotes: true }));
  let header: string[] | null = null;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const cells = item.record.map((c) => (c ?? '').trim());
    if (!header) {
      header = cells.map((c) => c.toLowerCase());
      yield { header };
      continue;
    }
    if (cells.length !== header.length) {
      report.refused++;
      yield { line: item.info.lines, cells: { __columns: String(cells.length), __expected: String(header.length) } };
      continue;
    }
    yield { line: item.info.lines, cells: Object.fromEntries(header.map((h, i) => [h, cells[i]])) };
  }
}

// ---- Values ----

/** A day from `2023-08-22`, `2023-06-28T13:31:55.000+0000` (the day in Rome) or `22/08/2023`; undefined when unreadable. */
export function parseDay(text: string | undefined): string | null | undefined {
  const v = (text ?? '').trim();
  if (!v) return null;
  let dt: DateTime;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) dt = DateTime.fromISO(v, { zone: 'utc' });
  else if (/^\d{4}-\d{2}-\d{2}T/.test(v)) dt = DateTime.fromISO(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'), { setZone: true }).setZone('Europe/Rome');
  else if (/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(v)) dt = DateTime.fromFormat(v, 'd/M/yyyy', { zone: 'utc' });
  else return undefined;
  return dt.isValid ? dt.toISODate()! : undefined;
}

/** Euro as the open data writes them ("20344.0", "9506.14", "2.373.876,00") in cents; undefined when unreadable. */
export function parseAmount(text: string | undefined): number | null | undefined {
  let v = (text ?? '').trim().replace(/\s|€/g, '');
  if (!v) return null;
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(v) || /^\d+,\d+$/.test(v)) v = v.replace(/\./g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(v)) return undefined;
  const cents = Math.round(Number(v) * 100);
  return Number.isSafeInteger(cents) && cents <= 100_000_000_000_000 ? cents : undefined;
}

/** The PNRR measure's code at the start of its name ("1.3.1 Piattaforma Digitale Nazionale Dati" → "1.3.1"). */
export function measureCode(text: string | undefined): string | null {
  return /^\s*(\d+(?:\.\d+)+)/.exec(text ?? '')?.[1] ?? null;
}

export function applicationKey(ipa: string, call: string, cup: string | null, windowNumber: string, protocol: string): string {
  return cup ? `${ipa}|${call}|${cup}` : `${ipa}|${call}|w${windowNumber}|p${protocol}`;
}

// ---- Writing ----

type CallRow = { title: string; measure: string | null; opens_on: string | null; closes_on: string | null; budget_cents: number | null; eligible_text: string; eligible_kinds: string[] };

async function upsertCalls(platform: Platform, rows: CallRow[], transaction: Transaction): Promise<Array<{ inserted: boolean }>> {
  if (!rows.length) return [];
  return platform.sequelize.query<{ inserted: boolean }>(
    `INSERT INTO funding_calls (source, origin, title, measure, opens_on, closes_on, budget_cents, eligible_text, eligible_kinds)
     SELECT 'pnrr', 'opendata', r.title, r.measure, r.opens_on, r.closes_on, r.budget_cents, r.eligible_text,
            ARRAY(SELECT jsonb_array_elements_text(r.eligible_kinds))
       FROM jsonb_to_recordset(:rows::jsonb) AS r(title text, measure text, opens_on date, closes_on date, budget_cents bigint, eligible_text text, eligible_kinds jsonb)
     ON CONFLICT (title) WHERE origin = 'opendata' DO UPDATE SET
       measure = EXCLUDED.measure, opens_on = EXCLUDED.opens_on, closes_on = EXCLUDED.closes_on, budget_cents = EXCLUDED.budget_cents,
       eligible_text = EXCLUDED.eligible_text, eligible_kinds = EXCLUDED.eligible_kinds, updated_at = now()
     WHERE (funding_calls.measure, funding_calls.opens_on, funding_calls.closes_on, funding_calls.budget_cents, funding_calls.eligible_text, funding_calls.eligible_kinds)
       IS DISTINCT FROM (EXCLUDED.measure, EXCLUDED.opens_on, EXCLUDED.closes_on, EXCLUDED.budget_cents, EXCLUDED.eligible_text, EXCLUDED.eligible_kinds)
     RETURNING (xmax = 0) AS inserted`,
    { replacements: { rows: JSON.stringify(rows) }, type: QueryTypes.SELECT, transaction },
  );
}

type ApplicationRow = {
  import_key: string;
  entity_id: number | null;
  ipa_code: string;
  body_name: string;
  body_kind: string;
  istat_code: string;
  province_code: string;
  region: string;
  call_title: string;
  measure: string | null;
  amount_cents: number;
  state: string;
  state_on: string | null;
  cup: string | null;
  decree: string | null;
  window_number: number | null;
  protocol: string | null;
  submitted_on: string | null;
  funded_on: string | null;
};

const PROJECT_DATA = ['amount_cents', 'state', 'state_on', 'cup', 'decree', 'window_number', 'protocol', 'submitted_on', 'funded_on'] as const;

async function upsertProjects(platform: Platform, rows: ApplicationRow[], transaction: Transaction): Promise<Array<{ inserted: boolean }>> {
  if (!rows.length) return [];
  const json = JSON.stringify(rows);
  const result = await platform.sequelize.query<{ inserted: boolean }>(
    `WITH r AS (
       SELECT r.*, c.id AS call_id
         FROM jsonb_to_recordset(:rows::jsonb) AS r(import_key text, entity_id int, call_title text, amount_cents bigint, state text, state_on date,
              cup text, decree text, window_number int, protocol text, submitted_on date, funded_on date)
         JOIN funding_calls c ON c.origin = 'opendata' AND c.title = r.call_title)
     INSERT INTO funding_projects (import_key, entity_id, call_id, ${PROJECT_DATA.join(', ')}, admitted_on, paid_on)
     SELECT import_key, entity_id, call_id, ${PROJECT_DATA.join(', ')}, funded_on, CASE WHEN state = 'paid' THEN state_on END FROM r
     ON CONFLICT (import_key) DO UPDATE SET
       ${PROJECT_DATA.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
       admitted_on = COALESCE(funding_projects.admitted_on, EXCLUDED.admitted_on),
       paid_on = COALESCE(EXCLUDED.paid_on, funding_projects.paid_on),
       updated_at = now()
     WHERE (${PROJECT_DATA.map((c) => `funding_projects.${c}`).join(', ')}) IS DISTINCT FROM (${PROJECT_DATA.map((c) => `EXCLUDED.${c}`).join(', ')})
     RETURNING (xmax = 0) AS inserted`,
    { replacements: { rows: json }, type: QueryTypes.SELECT, transaction },
  );
  // A body that has joined since an earlier import: its rows are projects now, no longer reference data.
  await platform.sequelize.query(
    `DELETE FROM funding_reference_rows WHERE import_key IN (SELECT jsonb_array_elements(:rows::jsonb)->>'import_key')`,
    { replacements: { rows: json }, transaction },
  );
  return result;
}

const REFERENCE_DATA = ['ipa_code', 'body_name', 'body_kind', 'istat_code', 'province_code', 'region', 'call_title', 'measure', 'amount_cents', 'state', 'state_on', 'funded_on', 'cup'] as const;

async function upsertReference(platform: Platform, rows: ApplicationRow[], transaction: Transaction): Promise<Array<{ inserted: boolean }>> {
  if (!rows.length) return [];
  return platform.sequelize.query<{ inserted: boolean }>(
    `INSERT INTO funding_reference_rows (import_key, call_id, ${REFERENCE_DATA.join(', ')})
     SELECT r.import_key, c.id, ${REFERENCE_DATA.map((col) => `r.${col}`).join(', ')}
       FROM jsonb_to_recordset(:rows::jsonb) AS r(import_key text, ipa_code text, body_name text, body_kind text, istat_code text, province_code text,
            region text, call_title text, measure text, amount_cents bigint, state text, state_on date, funded_on date, cup text)
       LEFT JOIN funding_calls c ON c.origin = 'opendata' AND c.title = r.call_title
     ON CONFLICT (import_key) DO UPDATE SET ${REFERENCE_DATA.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, call_id = EXCLUDED.call_id, updated_at = now()
     WHERE (${REFERENCE_DATA.map((c) => `funding_reference_rows.${c}`).join(', ')}, funding_reference_rows.call_id)
       IS DISTINCT FROM (${REFERENCE_DATA.map((c) => `EXCLUDED.${c}`).join(', ')}, EXCLUDED.call_id)
     RETURNING (xmax = 0) AS inserted`,
    { replacements: { rows: JSON.stringify(rows) }, type: QueryTypes.SELECT, transaction },
  );
}

function count(report: FileReport, results: Array<{ inserted: boolean }>, batchSize: number): void {
  const created = results.filter((r) => r.inserted).length;
  report.created += created;
  report.updated += results.length - created;
  report.unchanged += batchSize - results.length;
}

// ---- Files ----

const isCallsHeader = (header: string[]) => header.includes('titolo') && header.includes('data_fine_bando');
const isApplicationsHeader = (header: string[]) => header.includes('codice_ipa') && header.includes('stato_candidatura');

function missingColumns(header: string[], wanted: readonly string[]): string[] {
  return wanted.filter((c) => !header.includes(c));
}

/** A file to import: a path (its name is the file's own), or an upload kept under another name (with what was noticed on receiving it). */
export type OpenDataFile = string | { path: string; name: string; notes?: Message[] };

const emptyReport = (name: string): FileReport => ({ file: name, kind: 'unknown', ok: true, rows: 0, created: 0, updated: 0, unchanged: 0, reference: 0, refused: 0, referenceLines: [], noCup: 0, noCupLines: [], notes: [] });

/** An error of the CSV reader (csv-parse's codes start with CSV_), with the line it stopped at. */
const csvErrorOf = (err: unknown): { line: number; code: string } | null => {
  const e = err as { code?: unknown; lines?: unknown };
  return typeof e?.code === 'string' && e.code.startsWith('CSV_') ? { line: typeof e.lines === 'number' ? e.lines : 0, code: e.code } : null;
};

class RefusedWhole extends Error {}

/**
 * One file in one transaction: it lands whole, or (a missing column, an unreadable CSV, an empty
 * file) nothing of it does and the report says why. Rows that cannot be used are skipped and named.
 */
async function importFile(platform: Platform, input: OpenDataFile, bodies: Map<string, Body>, problems: Problem[]): Promise<FileReport> {
  const file = typeof input === 'string' ? input : input.path;
  const name = typeof input === 'string' ? path.basename(input) : input.name;
  const mine: Problem[] = [];
  let report = emptyReport(name);
  if (typeof input !== 'string' && input.notes) report.notes.push(...input.notes);
  try {
    await importRows(platform, file, name, report, bodies, mine);
  } catch (err) {
    const csv = csvErrorOf(err);
    if (!csv && !(err instanceof RefusedWhole)) throw err;
    // Rolled back: nothing of this file stays. The report keeps the reason and the file's notes.
    const notes = report.notes;
    const kind = report.kind;
    const reason = mine.filter((p) => p.line <= 1);
    report = { ...emptyReport(name), kind, notes, ok: false };
    mine.length = 0;
    if (csv) mine.push({ file: name, line: csv.line, message: msg('funding:import.unreadable', { line: csv.line }) });
    else mine.push(...reason);
  }
  problems.push(...mine);
  return report;
}

async function importRows(platform: Platform, file: string, name: string, report: FileReport, bodies: Map<string, Body>, problems: Problem[]): Promise<void> {
  const problem = (line: number, message: Message) => {
    problems.push({ file: name, line, message });
  };
  const refuse = (line: number, message: Message) => {
    report.refused++;
    problem(line, message);
  };

  await platform.sequelize.transaction(async (transaction) => {
    let calls: CallRow[] = [];
    let projects: ApplicationRow[] = [];
    let reference: ApplicationRow[] = [];
    const seen = new Map<string, number>();
    const knownCalls = new Set(
      (await platform.sequelize.query<{ title: string }>(`SELECT title FROM funding_calls WHERE origin = 'opendata'`, { type: QueryTypes.SELECT, transaction })).map((r) => r.title),
    );
    const flush = async (all = false) => {
      if (calls.length && (all || calls.length >= BATCH)) {
        count(report, await upsertCalls(platform, calls, transaction), calls.length);
        calls = [];
      }
      if (projects.length && (all || projects.length >= BATCH)) {
        count(report, await upsertProjects(platform, projects, transaction), projects.length);
        projects = [];
      }
      if (reference.length && (all || reference.length >= BATCH)) {
        const results = await upsertReference(platform, reference, transaction);
        report.reference += reference.length;
        report.created += results.filter((r) => r.inserted).length;
        report.updated += results.filter((r) => !r.inserted).length;
        report.unchanged += reference.length - results.length;
        reference = [];
      }
    };

    for await (const item of readCsv(file, report)) {
      if ('header' in item) {
        if (isCallsHeader(item.header)) report.kind = 'calls';
        else if (isApplicationsHeader(item.header)) report.kind = 'applications';
        const missing = missingColumns(item.header, report.kind === 'calls' ? CALL_COLUMNS : APPLICATION_COLUMNS);
        if (report.kind === 'unknown' || missing.length) {
          problem(1, report.kind === 'unknown' ? msg('funding:import.unknownFile', { columns: [...APPLICATION_COLUMNS].join(', ') }) : msg('funding:import.missingColumns', { columns: missing.join(', ') }));
          throw new RefusedWhole();
        }
        continue;
      }
      report.rows++;
      const { line, cells } = item;
      if ('__columns' in cells) {
        problem(line, msg('funding:import.columnCount', { count: Number(cells.__columns), expected: Number(cells.__expected) }));
        continue;
      }
      if (report.kind === 'calls') {
        const title = cells.titolo;
        const opensOn = parseDay(cells.data_inizio_bando);
        const closesOn = parseDay(cells.data_fine_bando);
        const budget = parseAmount(cells.totale_importo_stanziato);
        if (!title) refuse(line, msg('funding:import.noTitle'));
        else if (title.length > 300) refuse(line, msg('funding:import.titleTooLong'));
        else if (opensOn === undefined || closesOn === undefined) refuse(line, msg('funding:import.badDate', { value: opensOn === undefined ? cells.data_inizio_bando : cells.data_fine_bando }));
        else if (opensOn && closesOn && closesOn < opensOn) refuse(line, msg('funding:import.datesReversed'));
        else if (budget === undefined) refuse(line, msg('funding:import.badAmount', { value: cells.totale_importo_stanziato }));
        else if (seen.has(title)) refuse(line, msg('funding:import.duplicate', { line: seen.get(title)! }));
        else {
          seen.set(title, line);
          knownCalls.add(title);
          calls.push({ title, measure: measureCode(cells.misura), opens_on: opensOn, closes_on: closesOn, budget_cents: budget, eligible_text: cells.soggetti_destinatari ?? '', eligible_kinds: eligibleKindsFrom(cells.soggetti_destinatari ?? '') });
        }
      } else {
        const ipa = (cells.codice_ipa ?? '').toLowerCase();
        const callTitle = cells.avviso;
        const state = stateFromOpenData(cells.stato_candidatura);
        const amount = parseAmount(cells.importo_finanziamento);
        const dates = { submitted: parseDay(cells.data_invio_candidatura), funded: parseDay(cells.data_finanziamento), state: parseDay(cells.data_stato_candidatura) };
        const badDate = Object.entries(dates).find(([, v]) => v === undefined);
        const rawCup = cells.codice_cup ?? '';
        const cup = rawCup ? validateCup(rawCup) : null;
        if (!ipa) refuse(line, msg('funding:import.noIpa'));
        else if (!callTitle) refuse(line, msg('funding:import.noCall'));
        else if (!state) refuse(line, msg('funding:import.unknownState', { value: cells.stato_candidatura ?? '' }));
        else if (amount === undefined || amount === null) refuse(line, msg('funding:import.badAmount', { value: cells.importo_finanziamento ?? '' }));
        else if (badDate) refuse(line, msg('funding:import.badDate', { value: cells[{ submitted: 'data_invio_candidatura', funded: 'data_finanziamento', state: 'data_stato_candidatura' }[badDate[0]]!] }));
        else if (cup && !cup.ok) refuse(line, msg('funding:import.badCup', { value: rawCup, error: cup.error }));
        else {
          const cupValue = cup && cup.ok ? cup.value : null;
          const key = applicationKey(ipa, callTitle, cupValue, cells.numero_finestra_temporale ?? '', cells.numero_di_protocollo ?? '');
          if (seen.has(key)) {
            refuse(line, msg('funding:import.duplicate', { line: seen.get(key)! }));
            continue;
          }
          seen.set(key, line);
          if (!cupValue) {
            report.noCup++;
            if (report.noCupLines.length < 10) report.noCupLines.push(line);
          }
          if (!knownCalls.has(callTitle)) {
            // A call named only by its applications: created from what they say, its dates unknown.
            calls.push({ title: callTitle.slice(0, 300), measure: measureCode(cells.misura), opens_on: null, closes_on: null, budget_cents: null, eligible_text: cells.tipologia_ente ?? '', eligible_kinds: eligibleKindsFrom(cells.tipologia_ente ?? '') });
            knownCalls.add(callTitle);
            const results = await upsertCalls(platform, calls, transaction);
            calls = [];
            void results; // calls made on the way are not counted as rows of this file
          }
          const windowNumber = Number(cells.numero_finestra_temporale);
          const body = bodies.get(ipa);
          const row: ApplicationRow = {
            import_key: key,
            entity_id: body?.id ?? null,
            ipa_code: ipa,
            body_name: cells.ente ?? ipa,
            body_kind: cells.tipologia_ente ?? '',
            istat_code: cells.cod_comune ?? '',
            province_code: cells.provincia ?? '',
            region: cells.regione ?? '',
            call_title: callTitle,
            measure: measureCode(cells.misura),
            amount_cents: amount,
            state,
            state_on: dates.state ?? null,
            cup: cupValue,
            decree: cells.decreto_finanziamento || null,
            window_number: Number.isInteger(windowNumber) && windowNumber >= 0 && windowNumber <= 1000 && cells.numero_finestra_temporale ? windowNumber : null,
            protocol: cells.numero_di_protocollo || null,
            submitted_on: dates.submitted ?? null,
            funded_on: dates.funded ?? null,
          };
          if (body && body.membershipStatus === 'active') projects.push(row);
          else {
            if (report.referenceLines.length < 10) report.referenceLines.push(line);
            reference.push(row);
          }
        }
      }
      await flush();
    }
    await flush(true);
    if (report.kind === 'unknown') {
      problem(1, msg('funding:import.empty'));
      throw new RefusedWhole();
    }
  });
}

/**
 * Imports the files (calls first, whatever the order given) and reports what it did.
 * `actor` is who ran it (null: the command line), for the audit log.
 */
export async function importOpenData(platform: Platform, files: readonly OpenDataFile[], actor: Viewer = null): Promise<ImportReport> {
  const started = process.hrtime.bigint();
  const problems: Problem[] = [];
  const bodies = new Map([...(await bodiesByIpa())].map(([ipa, b]) => [ipa.toLowerCase(), b]));
  const nameOf = (f: OpenDataFile) => (typeof f === 'string' ? path.basename(f) : f.name);
  const ordered = [...files].sort((a, b) => Number(!/avvisi/i.test(nameOf(a))) - Number(!/avvisi/i.test(nameOf(b))));
  const reports: FileReport[] = [];
  for (const file of ordered) reports.push(await importFile(platform, file, bodies, problems));
  const sum = (k: 'created' | 'updated' | 'unchanged' | 'reference' | 'refused') => reports.reduce((n, r) => n + r[k], 0);
  const report: ImportReport = {
    files: reports,
    problems,
    created: sum('created'),
    updated: sum('updated'),
    unchanged: sum('unchanged'),
    reference: sum('reference'),
    refused: sum('refused'),
    ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
  };
  await platform.audit.record(actor, {
    action: 'funding.import',
    subjectType: 'funding_open_data',
    details: { files: reports.map((r) => ({ file: r.file, ok: r.ok, rows: r.rows, created: r.created, updated: r.updated, unchanged: r.unchanged, reference: r.reference, refused: r.refused })) },
  });
  return report;
}

/** The report as lines of text in one language (the command line prints them). */
export function reportLines(report: ImportReport, tm: (m: Message) => string): string[] {
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(tm(msg(f.ok ? 'funding:import.fileLine' : 'funding:import.fileRefused', { file: f.file, kind: msg(`funding:import.kind.${f.kind}`), rows: f.rows, created: f.created, updated: f.updated, unchanged: f.unchanged, reference: f.reference, refused: f.refused })));
    for (const note of f.notes) lines.push(`  ${tm(note)}`);
    if (f.reference) lines.push(`  ${tm(msg('funding:import.referenceLine', { count: f.reference, lines: f.referenceLines.join(', ') }))}`);
    if (f.noCup) lines.push(`  ${tm(msg('funding:import.noCupLine', { count: f.noCup, lines: f.noCupLines.join(', ') }))}`);
  }
  for (const p of report.problems) lines.push(`  ${tm(msg('funding:import.problemLine', { file: p.file, line: p.line, message: p.message }))}`);
  lines.push(tm(msg('funding:import.summary', { created: report.created, updated: report.updated, unchanged: report.unchanged, reference: report.reference, refused: report.refused, seconds: (report.ms / 1000).toFixed(1) })));
  return lines;
}
