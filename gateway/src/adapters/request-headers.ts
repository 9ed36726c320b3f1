import type { IncomingHttpHeaders } from "node:http";
import { UnauthenticatedError, ValidationError } from "@second-brain/contracts";

/** Reads `Authorization: Bearer <token>`; anything else is a 401, never a 400. */
export function bearerToken(headers: IncomingHttpHeaders): string {
  const header = headers.authorization;
  const match = header === undefined ? null : /^Bearer +([^\s]+) *$/i.exec(header);
  if (!match) throw new UnauthenticatedError("Send an access token as `Authorization: Bearer <token>`.");
  return match[1]!;
}

/**
 * `If-Match: 3` or the entity-tag form `If-Match: "3"`: the stream version the client last read.
 * Absent → undefined (the service decides whether it is required).
 */
export function ifMatchVersion(headers: IncomingHttpHeaders): number | undefined {
  const header = headers["if-match"];
  if (header === undefined) return undefined;
  const match = /^\s*(?:"(\d{1,15})"|(\d{1,15}))\s*$/.exec(header);
  if (!match) {
    throw new ValidationError("If-Match must be the version you last read, e.g. `If-Match: 3`.", [
      { field: "If-Match", message: "must be a non-negative integer version" },
    ]);
  }
  return Number(match[1] ?? match[2]);
}

/** 1–200 visible ASCII characters; a key a client could not have meant is refused, not truncated. */
export function idempotencyKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers["idempotency-key"];
  if (header === undefined) return undefined;
  if (typeof header !== "string" || !/^[\x21-\x7e]{1,200}$/.test(header)) {
    throw new ValidationError("Idempotency-Key must be 1 to 200 visible ASCII characters.", [
      { field: "Idempotency-Key", message: "must be 1 to 200 visible ASCII characters" },
    ]);
  }
  return header;
}

/** A client-chosen X-Request-ID is kept only when it is safe to echo and to log. */
export function acceptableRequestId(value: string | string[] | undefined): boolean {
  return typeof value === "string" && /^[A-Za-z0-9._:-]{1,128}$/.test(value);
}

/**
 * Removes an X-Request-ID or X-Correlation-ID that is not acceptable before anything reads it, so
 * the request gets an id of the gateway's own instead (and the text rule is not applied to a
 * header the client may leave out).
 */
export function dropUnacceptableRequestIds(headers: IncomingHttpHeaders): void {
  for (const header of ["x-request-id", "x-correlation-id"]) {
    if (headers[header] !== undefined && !acceptableRequestId(headers[header])) delete headers[header];
  }
}
