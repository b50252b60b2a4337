// The one error hierarchy: services throw these, the web layer maps each to a page once (src/web/errors.ts).
export class AppError extends Error {
  readonly status: number = 500;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  override readonly status = 404;
  constructor(message = 'La pagina o la risorsa richiesta non esiste.') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
  constructor(
    message = 'Non hai i permessi per questa operazione.',
    readonly action?: string,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  override readonly status = 401;
  constructor(message = 'Accedi per continuare.') {
    super(message);
  }
}

export type FieldErrors = Record<string, string>;

/** Bad input: `fields` maps a form field name to its Italian message; `message` is the summary. */
export class ValidationError extends AppError {
  override readonly status = 422;
  constructor(
    readonly fields: FieldErrors,
    message = 'Alcuni campi non sono validi: correggili e invia di nuovo.',
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
  constructor(message = 'Il servizio è temporaneamente non disponibile.') {
    super(message);
  }
}
