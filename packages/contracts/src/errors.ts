/**
 * The few error kinds every part of Second Brain speaks. Each carries the HTTP status and the
 * UPPER_SNAKE code of the REST contract, so a domain error thrown deep in a service reaches the
 * client as `{"error": {"code", "message", "details"}}` without translation tables.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** One entry of `details` for a 400: which field and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, problems: FieldProblem[] = []) {
    super(400, "VALIDATION_FAILED", message, problems);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "Missing or invalid credentials.") {
    super(401, "UNAUTHENTICATED", message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You are not allowed to do this.") {
    super(403, "FORBIDDEN", message);
  }
}

/** Over a per-user or per-item quota (quotas.ts): nothing was changed. */
export class QuotaExceededError extends AppError {
  constructor(quota: string, limit: number, used: number) {
    super(403, "QUOTA_EXCEEDED", `This would go over the ${quota} quota of ${limit}.`, {
      quota,
      limit,
      used,
    });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, "NOT_FOUND", `${what} was not found.`);
  }
}

export class VersionConflictError extends AppError {
  constructor(expectedVersion: number | "none" | "any", currentVersion: number) {
    super(409, "VERSION_CONFLICT", "The resource has changed since the version you sent.", {
      expectedVersion,
      currentVersion,
    });
  }
}

export class AlreadyExistsError extends AppError {
  constructor(message: string) {
    super(409, "ALREADY_EXISTS", message);
  }
}

/** The command is well formed but the resource's state forbids it (e.g. editing a deleted memory). */
export class IllegalStateError extends AppError {
  constructor(message: string) {
    super(409, "ILLEGAL_STATE", message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super(413, "PAYLOAD_TOO_LARGE", message);
  }
}

export class PreconditionRequiredError extends AppError {
  constructor(message = "This request needs an If-Match header with the version you last read.") {
    super(428, "PRECONDITION_REQUIRED", message);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, "RATE_LIMITED", "Too many requests.", { retryAfterSeconds });
  }
}

export class UnavailableError extends AppError {
  constructor(message = "A dependency is unavailable; the request had no effect.") {
    super(503, "UNAVAILABLE", message);
  }
}

/** The wire shape of every error the gateway returns. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
