// One responder per kind of answer that is not a page: a stored file, a CSV export, an ICS calendar, a PDF,
// an editable office document made on the fly.
// Every area answers these through here, so the headers, the streaming and the failure handling are
// the same everywhere (DESIGN.md §6, "One way for each edge task").
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import type { ICalCalendar } from 'ical-generator';
import PDFDocument from 'pdfkit';
import { NotFoundError } from '../platform/errors.js';
import type { BuiltExport, ExportEncoding, ExportState, StoredExport } from '../platform/exports.js';
import type { StoredFile } from '../platform/files.js';
import type { Platform } from '../platform/context.js';
import type { Logger } from '../platform/logger.js';

/** A client that went away mid-answer is not an error of ours. */
function isClientAbort(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE';
}

/**
 * Streams `source` into the response. A failure before the first byte rethrows (the error handler
 * answers with a page); after it, the response is cut (the client sees a truncated download, never a
 * whole-looking file) and the failure is logged: never an uncaught exception.
 */
async function streamInto(res: Response, source: Readable, log: Logger, what: Record<string, unknown>): Promise<void> {
  try {
    await pipeline(source, res);
  } catch (err) {
    if (!res.headersSent) {
      for (const h of ['Content-Type', 'Content-Length', 'Content-Disposition']) res.removeHeader(h);
      throw err;
    }
    if (isClientAbort(err)) log.debug({ ...what }, 'client left during a download');
    else log.error({ err, ...what }, 'download failed mid-stream');
    res.destroy();
  }
}

/**
 * Content-Disposition for a file name: always a quoted ASCII `filename` (accents and quotes become
 * «_»), plus the exact name as RFC 5987 `filename*` when it is not plain ASCII.
 */
export function contentDisposition(name: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  if (ascii === name) return `${type}; filename="${name}"`;
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

// ---- stored files ----

export type StoredFileOptions = {
  /** The name offered to the browser; the stored original name by default. */
  name?: string;
  /** Public files may be cached briefly; by default nothing is kept. */
  cacheControl?: string;
};

/** A stored file (its record, or its id) as an attachment (never inline), streamed in chunks from the file store. */
export async function sendStoredFile(platform: Platform, res: Response, stored: StoredFile | string, options: StoredFileOptions = {}): Promise<void> {
  const file = typeof stored === 'string' ? await platform.files.meta(stored) : stored;
  if (!file) throw new NotFoundError();
  res.setHeader('Content-Disposition', contentDisposition(options.name ?? file.originalName));
  res.setHeader('Content-Type', file.mime);
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', options.cacheControl ?? 'private, no-store');
  await streamInto(res, platform.files.stream(file.id, file.size), platform.log, { fileId: file.id });
}

// ---- CSV ----

/**
 * The one CSV rule of CIT Hub: fields separated by «;» (what spreadsheets set to Italian expect, and
 * the decimal comma of the figures stays unquoted), UTF-8 with a BOM (so Excel reads accents right),
 * CRLF line ends, quotes only where needed.
 */
export const CSV_DELIMITER = ';';

/** A cell a spreadsheet would read as a formula (= + - @, or a leading tab/CR) gets a leading apostrophe. */
export function csvCell(value: string | null | undefined): string {
  if (value == null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export type CsvRow = Record<string, unknown> | unknown[];

export type CsvOptions = {
  filename: string;
  /** Column names (the header line; object rows are read by these keys). Omit when the first row is the header. */
  columns?: readonly string[];
  rows: AsyncIterable<CsvRow> | Iterable<CsvRow>;
};

/** Yields the first item (already read) and then the rest of the iterator. */
async function* withFirst<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  try {
    for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
  } finally {
    // The client left or the stream failed: stop the producer (its database cursor) at once.
    await rest.return?.();
  }
}

/**
 * A CSV export, streamed with back-pressure: rows are pulled from `rows` only as fast as the client
 * reads, a client that leaves stops the iteration, and every text cell goes through the formula guard.
 * The first row is read before any header is sent, so a refusal at the start is still an error page.
 */
export async function sendCsv(platform: Platform, res: Response, options: CsvOptions): Promise<void> {
  const source = options.rows;
  const iterator: AsyncIterator<CsvRow> =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (async function* () {
          yield* source;
        })();
  const first = await iterator.next();
  res.setHeader('Content-Disposition', contentDisposition(options.filename));
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Cache-Control', 'private, no-store');
  const csv = stringify({
    delimiter: CSV_DELIMITER,
    record_delimiter: 'windows',
    bom: true,
    header: Boolean(options.columns),
    columns: options.columns ? [...options.columns] : undefined,
    cast: { string: (v) => csvCell(v) },
  });
  const rows = Readable.from(withFirst(first, iterator), { objectMode: true });
  try {
    await pipeline(rows, csv, res);
  } catch (err) {
    if (!res.headersSent) throw err;
    if (isClientAbort(err)) platform.log.debug({ file: options.filename }, 'client left during a CSV export');
    else platform.log.error({ err, file: options.filename }, 'CSV export failed mid-stream');
    res.destroy();
  }
}

// ---- JSON downloads ----

export type JsonStreamOptions = {
  filename: string;
  disposition?: 'inline' | 'attachment';
  /** The document in pieces, in order (a head, batches of items, a tail), pulled as the client reads. */
  chunks: AsyncIterable<string>;
};

/**
 * A JSON document too big to build in memory, streamed with back-pressure through pipeline (the
 * compression middleware then compresses it when accepted: a handler waiting for `drain` on the
 * response itself would leave one listener on the compressor per wait). The first piece is read
 * before any header is sent, so a refusal at the start is still an error page.
 */
export async function sendJsonStream(platform: Platform, res: Response, options: JsonStreamOptions): Promise<void> {
  const iterator = options.chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Disposition', contentDisposition(options.filename, options.disposition ?? 'attachment'));
  await streamInto(res, Readable.from(withFirst(first, iterator), { objectMode: false }), platform.log, { file: options.filename });
}

// ---- Built exports ----

export type BuiltExportOptions = {
  cacheControl: string;
  /** Headers every answer carries (CORS of open data, for instance). */
  headers?: Record<string, string>;
};

/** Brotli, then gzip, then the plain file: what the client accepts (an Accept-Encoding q=0 refuses). */
function encodingFor(req: Request): ExportEncoding {
  if (req.acceptsEncodings('br') === 'br') return 'br';
  if (req.acceptsEncodings('gzip') === 'gzip') return 'gzip';
  return 'identity';
}

function validators(res: Response, etag: string, lastModified: Date): void {
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', lastModified.toUTCString());
}

/**
 * A bulk export of src/platform/exports.ts: 304 from the data's state alone (If-None-Match, else
 * If-Modified-Since, nothing built), otherwise the stored file in the encoding the client accepts,
 * streamed, with `Vary: Accept-Encoding`. False when there is nothing to export (nothing sent: the
 * caller says so in its own way).
 */
export async function sendBuiltExport(platform: Platform, req: Request, res: Response, exp: StoredExport, options: BuiltExportOptions): Promise<boolean> {
  for (const [k, v] of Object.entries(options.headers ?? {})) res.setHeader(k, v);
  res.setHeader('Vary', 'Accept-Encoding');
  const state: ExportState = await exp.state(platform.sequelize);
  validators(res, exp.etagOf(state), state.lastModified);
  res.setHeader('Cache-Control', options.cacheControl);
  if (req.fresh) {
    res.status(304).end();
    return true;
  }
  const built: BuiltExport | null = await exp.get(platform.sequelize, state);
  if (!built) {
    for (const h of ['ETag', 'Last-Modified', 'Cache-Control']) res.removeHeader(h);
    return false;
  }
  // The build may have seen a later state than the check above: the answer names its own.
  validators(res, built.etag, built.lastModified);
  const encoding = encodingFor(req);
  const file = built.files[encoding];
  res.setHeader('Content-Type', built.contentType);
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', String(file.size));
  await streamInto(res, createReadStream(file.path), platform.log, { file: file.path });
  return true;
}

// ---- ICS ----

export type IcsOptions = {
  filename: string;
  /** A subscription feed is shown inline; a one-off export is an attachment. */
  disposition?: 'inline' | 'attachment';
};

/** An iCalendar answer: the calendar built with src/platform/ics.ts, never cached. */
export function icsResponse(res: Response, calendar: ICalCalendar, options: IcsOptions): void {
  res.setHeader('Content-Disposition', contentDisposition(options.filename, options.disposition ?? 'attachment'));
  res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(calendar.toString());
}

// ---- PDF ----

export type PdfDocument = InstanceType<typeof PDFDocument>;

export type PdfOptions = {
  filename: string;
  /** The document's title (its metadata, what a reader shows in the window's title bar). */
  title: string;
  author?: string;
  /** Shown inline (a reader opens it) or offered as a download. */
  disposition?: 'inline' | 'attachment';
};

/**
 * A PDF made with pdfkit (real text, A4, 50 pt margins), streamed as it is written. `build` writes the
 * pages with the document's API (text, moveDown, addPage…); the standard fonts cover Italian text
 * (accents, «», €). A failure while building, before the first byte, is an error page.
 */
export async function sendPdf(platform: Platform, res: Response, options: PdfOptions, build: (doc: PdfDocument) => void): Promise<void> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: options.title, Author: options.author ?? 'CIT Hub' }, displayTitle: true, lang: 'it-IT', pdfVersion: '1.7' });
  build(doc);
  res.setHeader('Content-Disposition', contentDisposition(options.filename, options.disposition ?? 'attachment'));
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  doc.end();
  await streamInto(res, doc as unknown as Readable, platform.log, { file: options.filename });
}

// ---- Editable office documents ----

export const OFFICE_DOCUMENT_TYPES = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
} as const;

export type OfficeDocumentOptions = {
  /** The name offered to the browser; it should end with the format's extension. */
  filename: string;
  format: keyof typeof OFFICE_DOCUMENT_TYPES;
  content: Buffer;
};

/**
 * An editable document made for this request (a template filled with a record's data, for
 * instance): always an attachment, never cached, never sniffed into something else.
 */
export function sendOfficeDocument(res: Response, options: OfficeDocumentOptions): void {
  res.setHeader('Content-Disposition', contentDisposition(options.filename));
  res.setHeader('Content-Type', OFFICE_DOCUMENT_TYPES[options.format]);
  res.setHeader('Content-Length', String(options.content.length));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(options.content);
}
