// The one error hierarchy: services throw these, the web layer maps each to a page once (src/web/errors.ts).
// Messages are Messages (src/platform/messages.ts): keys translated at the edge, never Italian text.
export class AppError extends Error {
  readonly status: number = 500;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  override readonly status = 404;
  /**
   * `refused`: the record exists but belongs to someone the viewer may not see. It answers like a
   * missing one (no existence oracle) and is still audited as a permission refusal, under that action.
   */
  constructor(
    message = 'common:errors.notFound',
    readonly refused?: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
  constructor(
    message = 'common:errors.forbidden',
    readonly action?: string,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  override readonly status = 401;
  constructor(message = 'common:errors.unauthorized') {
    super(message);
  }
}

export type FieldErrors = Record<string, string>;

/** Bad input: `fields` maps a form field name to its Message; `message` is the summary. */
export class ValidationError extends AppError {
  override readonly status = 422;
  constructor(
    readonly fields: FieldErrors,
    message = 'common:errors.validation',
  ) {
    super(message);
  }
}

export class ConflictError extends AppError {
  override readonly status = 409;
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

/** The database (or another backing service) is unreachable: a 503, and the app recovers by itself. */
export class UnavailableError extends AppError {
  override readonly status = 503;
  constructor(message = 'common:errors.unavailable') {
    super(message);
  }
}

/**
 * An uploaded file that is refused (too large, too many, empty, of a type not allowed). A form shows
 * it next to its file field (`field`, or else the field of the upload the request carried) with 422.
 */
export class FileRejectedError extends AppError {
  override readonly status = 422;
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

/** A request body that cannot be read at all (a broken multipart form): 400, never a 500. */
export class BadRequestError extends AppError {
  override readonly status = 400;
  constructor(message = 'common:upload.malformed') {
    super(message);
  }
}

/** A link that existed but can no longer be used (expired, already used, withdrawn): 410. */
export class GoneError extends AppError {
  override readonly status = 410;
  constructor(
    message = 'common:gone.text',
    readonly reason: 'expired' | 'used' | 'revoked' = 'used',
  ) {
    super(message);
  }
}

/** Too many attempts of one kind from one address or for one account (login, password reset): 429. */
export class TooManyRequestsError extends AppError {
  override readonly status = 429;
  constructor(
    message = 'common:errors.tooManyAttempts',
    readonly retryAfterSeconds = 60,
  ) {
    super(message);
  }
}

/** Too many of a costly kind of request at once (uploads): 503 with a short Retry-After. */
export class BusyError extends UnavailableError {
  constructor(
    message = 'common:upload.busy',
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
}
