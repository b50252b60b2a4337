// Uploaded files: type decided from content against an allow-list, stored in PostgreSQL with their SHA-256.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { msg } from './messages.js';

export type StoredFile = { id: string; sha256: string; size: number; mime: string; originalName: string; createdAt: Date };

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

function isUtf8Text(buffer: Buffer): boolean {
  if (buffer.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

/** The file's real type, or null when it is not on the allow-list (whatever its name says). */
export async function detectFileType(buffer: Buffer, originalName: string): Promise<{ mime: string; label: string } | null> {
  if (buffer.length === 0) return null;
  if (buffer[0] === 0x30 && buffer.subarray(0, 32).includes(SIGNED_DATA_OID)) return { mime: 'application/pkcs7-mime', label: 'P7M' };
  const detected = await fileTypeFromBuffer(buffer);
  if (detected) {
    const label = ALLOWED_BINARY.get(detected.mime);
    return label ? { mime: detected.mime, label } : null;
  }
  // Text has no magic number: accept it only as CSV or plain text, by name, and only when it is really text.
  const lower = originalName.toLowerCase();
  if ((lower.endsWith('.csv') || lower.endsWith('.txt')) && isUtf8Text(buffer)) {
    return lower.endsWith('.csv') ? { mime: 'text/csv', label: 'CSV' } : { mime: 'text/plain', label: 'TXT' };
  }
  return null;
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

/** Its message is a Message (msg()), so it can go straight into a ValidationError. */
export class FileRejectedError extends Error {}

export class FileStore {
  constructor(private readonly sequelize: Sequelize) {}

  /** Checks and stores a file; call it inside the transaction that stores the record pointing at it. */
  async save(
    input: { buffer: Buffer; originalName: string; uploadedBy: number | null },
    transaction?: Transaction,
  ): Promise<StoredFile> {
    const name = cleanFileName(input.originalName);
    if (input.buffer.length === 0) throw new FileRejectedError(msg('common:file.empty', { name }));
    const type = await detectFileType(input.buffer, name);
    if (!type) throw new FileRejectedError(msg('common:file.typeNotAllowed', { name }));
    const digest = sha256(input.buffer);
    const [row] = await this.sequelize.query<{ id: string; created_at: Date }>(
      `INSERT INTO stored_files (sha256, size, mime, original_name, content, uploaded_by)
       VALUES (:digest, :size, :mime, :name, :content, :uploadedBy) RETURNING id, created_at`,
      {
        replacements: { digest, size: input.buffer.length, mime: type.mime, name, content: input.buffer, uploadedBy: input.uploadedBy },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return { id: row.id, sha256: digest, size: input.buffer.length, mime: type.mime, originalName: name, createdAt: row.created_at };
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
