/**
 * Failures of a server Second Brain depends on (PostgreSQL, Redis, the broker) rather than of the
 * request: they answer 503 UNAVAILABLE with Retry-After, never 500, because retrying later can
 * succeed. A create retried with the same Idempotency-Key appends once, so a 503 is safe to retry
 * even when the server went away after the write reached it.
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
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01–57P03
 * (shutting down, crashed, not accepting connections yet), 57014 (cancelled by statement_timeout),
 * 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-3]|57014|53300)$/;

/** What node-postgres and ioredis say when a connection is lost, times out or is not open. */
const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
  /^Connection is closed\.?$/,
  /^Stream isn't writeable/,
  /^Command timed out$/,
  /^Reached the max retries per request limit/,
];

export function isInfrastructureFailure(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  return typeof message === "string" && CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}

/** Seconds a client is told to wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 2;
