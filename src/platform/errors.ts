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
  constructor(message = 'common:errors.notFound') {
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
