// multer with size and count limits, keeping files in memory until the service stores them in
// the same transaction as their record. (The CSRF token of a multipart form is in its action URL.)
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { ValidationError } from '../platform/errors.js';
import { msg } from '../platform/messages.js';

export type UploadLimits = { field: string; maxFiles: number; maxBytes: number };

export function acceptUploads({ field, maxFiles, maxBytes }: UploadLimits): RequestHandler {
  const parser = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: maxFiles, fields: 60, fieldSize: 200_000, parts: maxFiles + 60 },
  }).array(field, maxFiles);
  const mb = Math.round(maxBytes / (1024 * 1024));
  const parse: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    parser(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError) {
        const messages: Record<string, string> = {
          LIMIT_FILE_SIZE: msg('common:upload.tooLarge', { mb }),
          LIMIT_FILE_COUNT: msg('common:upload.tooMany', { max: maxFiles }),
          LIMIT_UNEXPECTED_FILE: msg('common:upload.tooMany', { max: maxFiles }),
          LIMIT_FIELD_VALUE: msg('common:upload.fieldTooLong'),
        };
        // Drain what is left of the body so the answer reaches the browser.
        req.resume();
        return next(Object.assign(new ValidationError({ [field]: messages[err.code] ?? msg('common:upload.failed') }), { uploadRejected: true }));
      }
      next(err);
    });
  };
  return parse;
}

export const uploadedFiles = (req: Request): Express.Multer.File[] => (Array.isArray(req.files) ? req.files : []);
