import type { ServerResponse } from "node:http";
import { AppError, type ErrorBody } from "@second-brain/contracts";
import { errorFromMoleculer, RETRY_AFTER_SECONDS, type ErrorResponse } from "@second-brain/platform";

/**
 * Every failure leaves the gateway as `{"error": {"code", "message", "details"}}`. Service errors
 * arrive as Moleculer errors (errorFromMoleculer maps them); moleculer-web raises a few of its own
 * while routing (an unknown path, a path parameter it cannot decode), recognised here by name and
 * HTTP code.
 */
const GATEWAY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  NotFoundError: { status: 404, code: "NOT_FOUND", message: "There is no such resource." },
  BadRequestError: { status: 400, code: "VALIDATION_FAILED", message: "The request is not valid." },
};

/** moleculer-web's error for a path parameter whose percent-encoding is not UTF-8 (e.g. `%FF`). */
const UNDECODABLE_PATH: ErrorResponse = {
  status: 400,
  code: "VALIDATION_FAILED",
  message: "The path is not valid percent-encoded UTF-8.",
  details: [{ field: "path", message: "is not valid percent-encoded UTF-8" }],
};

/** No instance of the action's service is registered: the call never left the gateway. */
const NO_SERVICE: ErrorResponse = {
  status: 503,
  code: "UNAVAILABLE",
  message: "A service is unavailable; the request had no effect.",
};

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof AppError) return errorFromMoleculer(error);
  const { name, code, type } = (error ?? {}) as { name?: unknown; code?: unknown; type?: unknown };
  if (name === "ServiceNotFoundError") return { ...NO_SERVICE };
  const known = typeof name === "string" ? GATEWAY_ERRORS[name] : undefined;
  if (known && code === known.status) {
    if (type === "UNABLE_DECODE_PARAM") return { ...UNDECODABLE_PATH };
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
