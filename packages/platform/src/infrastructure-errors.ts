/**
 * Failures of a server Second Brain depends on (PostgreSQL, Redis, the broker) rather than of the
 * request or the event: an API request answers 503 UNAVAILABLE with Retry-After, never 500, and a
 * projection retries with backoff instead of parking, because retrying later can succeed. A create
 * retried with the same Idempotency-Key appends once, so a 503 is safe to retry even when the
 * server went away after the write reached it.
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 53 (insufficient
 * resources: too many connections, out of memory or disk), 58 (system I/O error), 57P01–57P03
 * (shutting down, crashed, not accepting connections yet), 57014 (cancelled by statement_timeout),
 * 25006 (a read-only transaction: a standby after a failover).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|53...|58...|57P0[1-3]|57014|25006)$/;

/** What node-postgres, PGlite and ioredis say when a connection is lost, times out or is not open. */
const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
  /^Connection is closed\.?$/,
  /^Stream isn't writeable/,
  /^Command timed out/,
  /^Reached the max retries per request limit/,
  /^PGlite is closed/,
];

/** ioredis giving up on a command while it reconnects. */
const UNAVAILABLE_NAMES = new Set(["MaxRetriesPerRequestError"]);

/** Whether `error`, or an error it wraps (`cause`, AggregateError), is a server being unavailable. */
export function isInfrastructureFailure(error: unknown): boolean {
  return someCause(error, isUnavailableServer);
}

function isUnavailableServer(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  if (typeof name === "string" && UNAVAILABLE_NAMES.has(name)) return true;
  return typeof message === "string" && CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}

/** Looks through causes and aggregated errors, a few levels deep. */
export function someCause(error: unknown, test: (candidate: unknown) => boolean, depth = 0): boolean {
  if (depth > 5 || error === null || error === undefined) return false;
  if (test(error)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => someCause(inner, test, depth + 1)))
    return true;
  return error instanceof Error && someCause(error.cause, test, depth + 1);
}

/** Seconds a client is told to wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 2;
