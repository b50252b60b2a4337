// Uploaded files: type decided from content against an allow-list, stored in PostgreSQL with their
// SHA-256, in the transaction of the record that points at them. A file is streamed from its
// temporary file into the row (COPY ... FROM STDIN), so its size never shows in the process memory.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { FileRejectedError } from './errors.js';
import { msg } from './messages.js';

export type StoredFile = { id: string; sha256: string; size: number; mime: string; originalName: string; createdAt: Date };

/** A file to store: on disk (an upload, src/web/uploads.ts) or, for small generated files, a buffer. */
export type FileSource = { originalName: string } & ({ path: string } | { buffer: Buffer });
export type FileInput = FileSource & { uploadedBy: number | null };

const ALLOWED_BINARY = new Map<string, string>([
  ['application/pdf', 'PDF'],
  ['application/vnd.oasis.opendocument.text', 'ODT'],
  ['application/vnd.oasis.opendocument.spreadsheet', 'ODS'],
  ['application/vnd.oasis.opendocument.presentation', 'ODP'],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'DOCX'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX'],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'PPTX'],
  ['image/png', 'PNG'],
  ['image/jpeg', 'JPEG'],
  ['image/gif', 'GIF'],
  ['image/webp', 'WebP'],
  ['application/zip', 'ZIP'],
]);

// CMS SignedData (a CAdES .p7m) in DER: the OID 1.2.840.113549.1.7.2 right after the outer SEQUENCE header.
const SIGNED_DATA_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);

/** One pass over the content: its SHA-256, its size, and whether it is UTF-8 text without NUL bytes. */
async function scan(content: Readable): Promise<{ sha256: string; size: number; text: boolean }> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  let text = true;
  for await (const chunk of content as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (!text) continue;
    try {
      if (chunk.includes(0)) text = false;
      else decoder.decode(chunk, { stream: true });
    } catch {
      text = false;
    }
  }
  try {
    if (text) decoder.decode();
  } catch {
    text = false;
  }
  return { sha256: hash.digest('hex'), size, text };
}

async function headOf(input: FileInput, bytes = 64): Promise<Buffer> {
  if ('buffer' in input) return input.buffer.subarray(0, bytes);
  const handle = await open(input.path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const contentOf = (input: FileInput): Readable => ('buffer' in input ? Readable.from([input.buffer]) : createReadStream(input.path, { highWaterMark: 256 * 1024 }));

const isSignedData = (der: Buffer) => der[0] === 0x30 && der.subarray(0, 32).includes(SIGNED_DATA_OID);

/**
 * Many Italian signing tools save the CAdES envelope Base64-encoded (optionally between PEM lines)
 * rather than in DER: still a .p7m, recognised by decoding its first bytes.
 */
function isBase64SignedData(head: Buffer): boolean {
  const text = head.toString('latin1').replace(/^-----BEGIN [A-Z0-9 ]+-----/, '').replace(/[\r\n\t ]/g, '');
  if (!/^[A-Za-z0-9+/]{44}/.test(text)) return false;
  return isSignedData(Buffer.from(text.slice(0, 44), 'base64'));
}

/** The real type of a file (buffer or path), or null when it is not on the allow-list, whatever its name says. */
async function typeOf(input: FileInput, name: string, isText: boolean): Promise<{ mime: string; label: string } | null> {
  const head = await headOf(input, 128);
  if (head.length === 0) return null;
  if (isSignedData(head)) return { mime: 'application/pkcs7-mime', label: 'P7M' };
  if (isText && name.toLowerCase().endsWith('.p7m') && isBase64SignedData(head)) return { mime: 'application/pkcs7-mime', label: 'P7M' };
  const detected = 'buffer' in input ? await fileTypeFromBuffer(input.buffer) : await fileTypeFromFile(input.path);
  if (detected) {
    const label = ALLOWED_BINARY.get(detected.mime);
    return label ? { mime: detected.mime, label } : null;
  }
  // Text has no magic number: accept it only as CSV or plain text, by name, and only when it is really text.
  const lower = name.toLowerCase();
  if ((lower.endsWith('.csv') || lower.endsWith('.txt')) && isText) {
    return lower.endsWith('.csv') ? { mime: 'text/csv', label: 'CSV' } : { mime: 'text/plain', label: 'TXT' };
  }
  return null;
}

/** The file's real type, or null when it is not on the allow-list (whatever its name says). */
export async function detectFileType(buffer: Buffer, originalName: string): Promise<{ mime: string; label: string } | null> {
  const input: FileInput = { buffer, originalName, uploadedBy: null };
  return typeOf(input, originalName, (await scan(contentOf(input))).text);
}

export function sha256(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}

/** A file name safe to show and to put in Content-Disposition (no path, no control characters). */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return cleaned || 'file';
}

/** A value in COPY's text format. */
const copyText = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

export class FileStore {
  constructor(private readonly sequelize: Sequelize) {}

  /**
   * Checks and stores a file; call it inside the transaction that stores the record pointing at it
   * (without one, the file is stored in a transaction of its own). Refusals are FileRejectedErrors.
   */
  async save(input: FileInput, transaction?: Transaction): Promise<StoredFile> {
    if (!transaction) return this.sequelize.transaction((t) => this.save(input, t));
    const name = cleanFileName(input.originalName);
    const { sha256: digest, size, text } = await scan(contentOf(input));
    if (size === 0) throw new FileRejectedError(msg('common:file.empty', { name }));
    const type = await typeOf(input, name, text);
    if (!type) throw new FileRejectedError(msg('common:file.typeNotAllowed', { name }));
    const id = randomUUID();
    // The row is one line of COPY text: the bytea goes last, as \\x and its hex, streamed chunk by chunk.
    const prefix = [id, digest, String(size), copyText(type.mime), copyText(name), input.uploadedBy === null ? '\\N' : String(input.uploadedBy)].join('\t');
    async function* row() {
      yield Buffer.from(`${prefix}\t\\\\x`);
      for await (const chunk of contentOf(input) as AsyncIterable<Buffer>) yield Buffer.from(chunk.toString('hex'));
      yield Buffer.from('\n');
    }
    const client = (transaction as unknown as { connection: ClientBase }).connection;
    await pipeline(Readable.from(row()), client.query(copyFrom('COPY stored_files (id, sha256, size, mime, original_name, uploaded_by, content) FROM STDIN')));
    const [stored] = await this.sequelize.query<{ created_at: Date }>('SELECT created_at FROM stored_files WHERE id = :id', {
      replacements: { id },
      type: QueryTypes.SELECT,
      transaction,
    });
    return { id, sha256: digest, size, mime: type.mime, originalName: name, createdAt: stored.created_at };
  }

  async meta(id: string): Promise<StoredFile | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = await this.sequelize.query<{ id: string; sha256: string; size: number; mime: string; original_name: string; created_at: Date }>(
      'SELECT id, sha256, size, mime, original_name, created_at FROM stored_files WHERE id = :id',
      { replacements: { id }, type: QueryTypes.SELECT },
    );
    const r = rows[0];
    return r ? { id: r.id, sha256: r.sha256, size: r.size, mime: r.mime, originalName: r.original_name, createdAt: r.created_at } : null;
  }

  /** Streams the content in chunks, so a large file is never read whole into memory. */
  stream(id: string, size: number, chunkSize = 256 * 1024): Readable {
    const sequelize = this.sequelize;
    let offset = 0;
    return new Readable({
      async read() {
        if (offset >= size) {
          this.push(null);
          return;
        }
        try {
          const [row] = await sequelize.query<{ chunk: Buffer }>(
            'SELECT substring(content FROM :from FOR :len) AS chunk FROM stored_files WHERE id = :id',
            { replacements: { id, from: offset + 1, len: chunkSize }, type: QueryTypes.SELECT },
          );
          offset += chunkSize;
          this.push(row?.chunk ?? null);
        } catch (err) {
          this.destroy(err as Error);
        }
      },
    });
  }
}
