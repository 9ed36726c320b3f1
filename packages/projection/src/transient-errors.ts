import { UnavailableError } from "@second-brain/contracts";

/**
 * SQLSTATE classes and codes that say the server or the connection failed, not the event:
 * 08 connection exception, 53 insufficient resources, 58 system (I/O) error, 40001 serialization
 * failure, 40P01 deadlock, 55P03 lock not available, 57014 statement timeout, 57P01-03 the server
 * is shutting down or starting, 25006 read-only transaction (a standby after a failover).
 * 42P01, 42703 and 42501 (a table or column missing, no privilege) fail for every event alike:
 * the schema or the grants are wrong, and parking every stream one by one would hide that.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(["08", "53", "58"]);
const TRANSIENT_SQLSTATES = new Set([
  "40001",
  "40P01",
  "55P03",
  "57014",
  "57P01",
  "57P02",
  "57P03",
  "25006",
  "42P01",
  "42703",
  "42501",
]);

/** Node socket and DNS failures. */
const TRANSIENT_NODE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Connection failures that `pg` and `ioredis` report without a code, by their (stable) messages;
 * MaxRetriesPerRequestError is ioredis giving up on a command while it reconnects.
 */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/,
  /connection error and is not queryable/,
  /timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /^Connection is closed\.?$/,
  /^Command timed out/,
  /^Stream isn't writeable/,
  /^PGlite is closed/,
];
const TRANSIENT_NAMES = new Set(["MaxRetriesPerRequestError"]);

/**
 * Whether retrying the same work later can succeed without anyone changing anything: the database,
 * the cache or the embedding provider was unreachable, overloaded or busy. Anything else (a value
 * the read model cannot store, malformed data, a decoder's TypeError, a constraint violation) fails
 * again for the same event, so the projection isolates and parks it instead of retrying forever.
 * Causes and aggregated errors are looked through: a wrapper around a lost connection is transient.
 */
export function isTransientError(error: unknown): boolean {
  return someCause(error, (candidate) => {
    if (candidate instanceof UnavailableError) return true;
    if (!(candidate instanceof Error)) return false;
    if (TRANSIENT_NAMES.has(candidate.name)) return true;
    if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(candidate.message))) return true;
    const code = (candidate as { code?: unknown }).code;
    if (typeof code !== "string") return false;
    if (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    return /^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  });
}

function someCause(error: unknown, test: (candidate: unknown) => boolean, depth = 0): boolean {
  if (depth > 5 || error === null || error === undefined) return false;
  if (test(error)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => someCause(inner, test, depth + 1)))
    return true;
  return error instanceof Error && someCause(error.cause, test, depth + 1);
}
