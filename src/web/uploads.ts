// The one upload adapter. multer parses a multipart form straight into temporary files under
// DATA_DIR/tmp/uploads (never into memory), with the size limit enforced while reading; the files
// are removed when the response ends, whatever happened. The file store then streams them into
// PostgreSQL in the transaction of their record. At most UPLOAD_CONCURRENCY bodies are being read at
// once in a process (more get a 503 with Retry-After).
//
// Refusals are typed: a file too large or too many files is a FileRejectedError, kept until the
// handler reads the files with `uploadedFiles(req)` (inside formAction, so the form comes back with
// 422, the message next to its file field and what the user typed); a body that is not a readable
// multipart form is a BadRequestError (400). The CSRF token of a multipart form is its first field,
// checked before any route (src/web/security.ts); a route checks its permission before this adapter,
// so a refused upload is never read.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Config } from '../config.js';
import type { Platform } from '../platform/context.js';
import { BadRequestError, BusyError, FileRejectedError } from '../platform/errors.js';
import { withoutControlCharacters } from './input.js';
import { msg } from '../platform/messages.js';

/** A file received with a form: on disk until the response ends. */
export type UploadedFile = { path: string; originalName: string; size: number };

export type UploadOptions = {
  /** The form's file field. */
  field: string;
  maxFiles: number;
  /** A smaller limit for this kind of file; never more than UPLOAD_MAX_MB. */
  maxBytes?: number;
};

const MB = 1024 * 1024;
const FIELD_MAX_BYTES = 200_000;
const REFUSAL = Symbol('upload refusal');
type UploadRequest = Request & { [REFUSAL]?: FileRejectedError };

/** Uploads being read in this process, per configuration (one per running app). */
const active = new WeakMap<Config, { count: number }>();

/** The largest upload allowed for a kind of file: its own limit, capped by UPLOAD_MAX_MB. */
export function uploadLimit(config: Config, maxBytes?: number): number {
  return Math.min(maxBytes ?? config.uploadMaxBytes, config.uploadMaxBytes);
}

export function uploadDir(config: Config): string {
  return path.join(config.dataDir, 'tmp', 'uploads');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the temporary files left by a process that was killed while reading an upload (each file
 * is named after the process that wrote it; other live processes may share the folder). Run at start.
 */
export async function removeStaleUploads(config: Config): Promise<number> {
  const names = await readdir(uploadDir(config)).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const file = path.join(uploadDir(config), name);
    const pid = Number(/^(\d+)-[0-9a-f]+\.upload$/.exec(name)?.[1]);
    // A name without its writer's pid (an older version wrote it): only once it is surely abandoned.
    const stale = pid ? pid !== process.pid && !alive(pid) : name.endsWith('.upload') && Date.now() - (await stat(file).then((st) => st.mtimeMs, () => Date.now())) > 3_600_000;
    if (stale) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

function refusal(err: multer.MulterError, field: string, maxFiles: number, maxBytes: number): FileRejectedError {
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return new FileRejectedError(msg('common:upload.tooLarge', { mb: Math.max(1, Math.round(maxBytes / MB)) }), field);
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return new FileRejectedError(msg('common:upload.tooMany', { max: maxFiles }), field);
    case 'LIMIT_FIELD_VALUE':
      return new FileRejectedError(msg('common:upload.fieldTooLong', { kb: Math.round(FIELD_MAX_BYTES / 1000) }), err.field ?? field);
    default:
      return new FileRejectedError(msg('common:upload.failed'), field);
  }
}

/** busboy's complaints about the body itself ("Unexpected end of form", "Malformed part header"...) carry no code. */
const isMalformedBody = (err: unknown) => err instanceof Error && typeof (err as { code?: unknown }).code !== 'string';

export function acceptUploads(platform: Platform, { field, maxFiles, maxBytes }: UploadOptions): RequestHandler {
  const { config } = platform;
  const limit = uploadLimit(config, maxBytes);
  const dir = uploadDir(config);
  const storage = multer.diskStorage({
    destination: (_req, _file, cb) => {
      mkdir(dir, { recursive: true }).then(() => cb(null, dir), (err: Error) => cb(err, dir));
    },
    filename: (_req, _file, cb) => cb(null, `${process.pid}-${randomBytes(16).toString('hex')}.upload`),
  });
  const parser = multer({
    storage,
    limits: { fileSize: limit, files: maxFiles, fields: 60, fieldSize: FIELD_MAX_BYTES, parts: maxFiles + 60 },
  }).array(field, maxFiles);

  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    // A client gone while the route's permission check ran: its 'close' has been emitted already and
    // would never give a slot back (four such and every upload of the process was a 503). Nobody
    // waits for an answer.
    if (req.destroyed || res.closed || req.socket?.destroyed) return;
    let slot = active.get(config);
    if (!slot) active.set(config, (slot = { count: 0 }));
    if (slot.count >= config.uploadConcurrency) {
      // Read and drop the body so the browser gets the page, then close the connection.
      res.setHeader('Connection', 'close');
      req.resume();
      return next(new BusyError());
    }
    slot.count++;
    res.locals.uploadField = field;
    // The slot bounds the bodies being read, not the requests being answered: it comes back as soon
    // as the body has been read (a form without files takes it for microseconds), else a handful of
    // slow writes would turn every further form of the process into a 503.
    let reading = true;
    const doneReading = () => {
      if (!reading) return;
      reading = false;
      slot.count--;
    };
    // The temporary files go as soon as the answer is sent, or the client has gone.
    let ended = false;
    const end = () => {
      doneReading();
      if (ended) return;
      ended = true;
      for (const f of Array.isArray(req.files) ? req.files : []) {
        rm(f.path, { force: true }).catch((err: unknown) => platform.log.warn({ err, path: f.path }, 'temporary upload not removed'));
      }
    };
    res.once('finish', end);
    res.once('close', end);
    parser(req, res, (err?: unknown) => {
      doneReading();
      // The text fields of a multipart form lose control characters like those of any other form.
      if (req.body && typeof req.body === 'object') req.body = withoutControlCharacters(req.body);
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        // multer has drained the rest of the body and removed what it had written.
        (req as UploadRequest)[REFUSAL] = refusal(err, field, maxFiles, limit);
        req.files = [];
        return next();
      }
      if (isMalformedBody(err)) {
        platform.log.info({ err: (err as Error).message, path: req.originalUrl }, 'malformed multipart body');
        return next(new BadRequestError());
      }
      next(err);
    });
  };
}

/** The files of the request; throws its upload refusal (too large, too many) if there was one. */
export function uploadedFiles(req: Request): UploadedFile[] {
  const refused = (req as UploadRequest)[REFUSAL];
  if (refused) throw refused;
  return (Array.isArray(req.files) ? req.files : []).map((f) => ({ path: f.path, originalName: f.originalname, size: f.size }));
}

/** The content of a small upload (a publiccode.yml, a CSV to import), read whole: only for files capped well below UPLOAD_MAX_MB. */
export function readUpload(file: UploadedFile): Promise<Buffer> {
  return readFile(file.path);
}

/**
 * The permission check of an upload route, run before `acceptUploads`: a refused request gets its
 * 404 or 403 before a byte of its files is read (the check sees the session and the URL only).
 */
export function permitUpload(check: (req: Request) => unknown): RequestHandler {
  return async (req, _res, next) => {
    await check(req);
    next();
  };
}
