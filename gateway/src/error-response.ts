import type { ServerResponse } from "node:http";
import { AppError, type ErrorBody } from "@second-brain/contracts";
import { errorFromMoleculer, RETRY_AFTER_SECONDS, type ErrorResponse } from "@second-brain/platform";
import { isCutShortMultipart, uploadCutShort } from "./multipart-body.ts";

/**
 * Every failure leaves the gateway as `{"error": {"code", "message", "details"}}`. Service errors
 * arrive as Moleculer errors (errorFromMoleculer maps them); moleculer-web raises a few of its own
 * while routing, recognised here by name and HTTP code.
 */
const GATEWAY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  NotFoundError: { status: 404, code: "NOT_FOUND", message: "There is no such resource." },
  ServiceUnavailableError: {
    status: 503,
    code: "UNAVAILABLE",
    message: "A service is unavailable; the request had no effect.",
  },
  BadRequestError: { status: 400, code: "VALIDATION_FAILED", message: "The request is not valid." },
  PayloadTooLarge: { status: 413, code: "PAYLOAD_TOO_LARGE", message: "The request body is too large." },
  RateLimitExceeded: { status: 429, code: "RATE_LIMITED", message: "Too many requests." },
  ForbiddenError: { status: 403, code: "FORBIDDEN", message: "You are not allowed to do this." },
};

/** moleculer-web's error for a path parameter whose percent-encoding is not UTF-8 (e.g. `%FF`). */
const UNDECODABLE_PATH: ErrorResponse = {
  status: 400,
  code: "VALIDATION_FAILED",
  message: "The path is not valid percent-encoded UTF-8.",
  details: [{ field: "path", message: "is not valid percent-encoded UTF-8" }],
};

/**
 * moleculer-web's multipart alias when busboy found no file part (e.g. a file name holding a line
 * break, which busboy does not take for a file): a client error without a code of ours.
 */
const FILE_MISSING: ErrorResponse = {
  status: 400,
  code: "VALIDATION_FAILED",
  message: "The request must be multipart/form-data with the file in the field `file`.",
  details: [{ field: "file", message: "is required" }],
};

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof AppError) return errorFromMoleculer(error);
  if (isCutShortMultipart(error)) return errorFromMoleculer(uploadCutShort());
  const name = (error as { name?: unknown } | null)?.name;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (name === "MoleculerClientError" && code === 400 && message === "File missing in the request")
    return { ...FILE_MISSING };
  const known = typeof name === "string" ? GATEWAY_ERRORS[name] : undefined;
  if (known && (error as { code?: unknown }).code === known.status) {
    if ((error as { type?: unknown }).type === "UNABLE_DECODE_PARAM") return { ...UNDECODABLE_PATH };
    return { ...known };
  }
  return errorFromMoleculer(error);
}

export class MethodNotAllowedError extends AppError {
  constructor(allowed: string[]) {
    super(405, "METHOD_NOT_ALLOWED", "This path does not accept this method.", { allowed });
  }
}

export function writeErrorResponse(res: ServerResponse, response: ErrorResponse): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body: ErrorBody = {
    error: {
      code: response.code,
      message: response.message,
      ...(response.details === undefined ? {} : { details: response.details }),
    },
  };
  res.statusCode = response.status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  const details = response.details as { retryAfterSeconds?: unknown; allowed?: unknown } | undefined;
  if (response.status === 429 && typeof details?.retryAfterSeconds === "number") {
    res.setHeader("Retry-After", String(Math.ceil(details.retryAfterSeconds)));
  }
  // Every 503 is worth retrying: the dependency that refused it is expected back.
  if (response.status === 503) res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS));
  if (response.status === 405 && Array.isArray(details?.allowed))
    res.setHeader("Allow", details.allowed.join(", "));
  res.end(JSON.stringify(body));
}
