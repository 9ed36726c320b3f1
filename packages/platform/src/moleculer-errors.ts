import { Errors, type ServiceSchema } from "moleculer";
import { AppError, UnavailableError, childField, refuseForbiddenText } from "@second-brain/contracts";
import { isInfrastructureFailure } from "./infrastructure-errors.ts";
import { createLogger, rateLimitedWarn } from "./logger.ts";

/**
 * AppErrors cross the broker (and RabbitMQ) as Moleculer errors, which Moleculer serialises by name
 * and rebuilds on the caller's side: a client error keeps status, code and details as `code`,
 * `type` and `data`. The gateway turns whatever arrives back into the REST error shape.
 */
export interface ErrorResponse {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

export function toMoleculerError(error: unknown): Error {
  if (isInfrastructureFailure(error))
    return toMoleculerError(new UnavailableError("A dependency is unavailable; please retry."));
  if (!(error instanceof AppError)) return error instanceof Error ? error : new Error(String(error));
  const ErrorClass = error.status < 500 ? Errors.MoleculerClientError : Errors.MoleculerError;
  const converted = new ErrorClass(error.message, error.status, error.code, error.details);
  converted.stack = error.stack ?? converted.stack;
  return converted;
}

const UNAVAILABLE_ERRORS = new Set([
  "ServiceNotFoundError",
  "ServiceNotAvailableError",
  "RequestTimeoutError",
  "BrokerDisconnectedError",
  "QueueIsFullError",
  "RequestRejectedError",
]);

const APP_CODE = /^[A-Z][A-Z0-9_]*$/;

interface MoleculerErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  data?: unknown;
}

export function errorFromMoleculer(error: unknown): ErrorResponse {
  if (error instanceof AppError) return withDetails(error.status, error.code, error.message, error.details);
  if (error === null || typeof error !== "object") return internal();
  const { name, message, code, type, data } = error as MoleculerErrorShape;
  const text = typeof message === "string" ? message : "";

  // A declared schema refused the params (schema-validator.ts): message and details are the API's.
  if (name === "ValidationError" && type === "VALIDATION_FAILED") return withDetails(400, type, text, data);
  // Params still written as fastest-validator rules.
  if (name === "ValidationError" && type === "VALIDATION_ERROR") {
    return withDetails(400, "VALIDATION_FAILED", "The request is not valid.", fieldProblems(data));
  }
  if (typeof name === "string" && UNAVAILABLE_ERRORS.has(name)) {
    return { status: 503, code: "UNAVAILABLE", message: "A service is unavailable; please retry." };
  }
  if (typeof code === "number" && typeof type === "string" && APP_CODE.test(type)) {
    if (name === "MoleculerClientError" && code >= 400 && code < 500)
      return withDetails(code, type, text, data);
    // Only our own 5xx AppErrors travel as a bare MoleculerError with a code; Moleculer's internal
    // failures use other classes and fall through to a generic 500.
    if (name === "MoleculerError" && code >= 500 && code < 600) return withDetails(code, type, text, data);
  }
  return internal();
}

function internal(): ErrorResponse {
  return {
    status: 500,
    code: "INTERNAL",
    message: "Something went wrong on our side; the request may be retried.",
  };
}

function withDetails(status: number, code: string, message: string, details: unknown): ErrorResponse {
  return details === undefined || details === null
    ? { status, code, message }
    : { status, code, message, details };
}

/** An error names at most this many unknown keys, so a body of many keys cannot inflate the answer. */
const MAX_NAMED_KEYS = 20;

type ValidatorProblem = {
  type?: unknown;
  field?: unknown;
  message?: unknown;
  expected?: unknown;
  actual?: unknown;
};

function fieldProblems(data: unknown): { field: string; message: string }[] {
  if (!Array.isArray(data)) return [];
  return data.flatMap((item: ValidatorProblem) => {
    const field = typeof item?.field === "string" ? item.field : "";
    const allowed = typeof item?.expected === "string" ? item.expected.replace(/^"|"$/g, "") : undefined;
    // fastest-validator names the object, not the key, for an unknown field ('' for the body) and
    // prints the allowed values where the refused one belongs: name each field, list what is allowed.
    if (item?.type === "objectStrict" && typeof item.actual === "string") {
      return item.actual.split(", ", MAX_NAMED_KEYS).map((key) => ({
        field: childField(field, key),
        message: `is not a known field${allowed ? `; known fields are ${allowed}` : ""}`,
      }));
    }
    if (item?.type === "enumValue" && allowed) return [{ field, message: `must be one of ${allowed}` }];
    return [{ field, message: typeof item?.message === "string" ? item.message : "is not valid" }];
  });
}

// The original error of a 503 stays in this process's log (the client only learns "unavailable").
const warnUnavailable = rateLimitedWarn(createLogger("dependencies"));

/**
 * Mix into every service so an AppError thrown by an action leaves the node as a Moleculer error.
 * It also holds every action to the text rule (packages/contracts, text-rule.ts) before its own
 * validation: the gateway applies it at the edge, and this cheap second check keeps a caller on
 * the broker, which skips the gateway, from appending what no read model can store.
 */
export const appErrorsMixin: Partial<ServiceSchema> = {
  hooks: {
    before: {
      "*": function (ctx: { params?: unknown }) {
        try {
          refuseForbiddenText(ctx.params, "params");
        } catch (error) {
          throw toMoleculerError(error);
        }
      },
    },
    error: {
      "*": function (this: { name?: string }, _ctx: unknown, error: unknown) {
        if (isInfrastructureFailure(error))
          warnUnavailable(`${this.name ?? "a service"}: a dependency failed; answered 503`, error);
        throw toMoleculerError(error);
      },
    },
  },
};
