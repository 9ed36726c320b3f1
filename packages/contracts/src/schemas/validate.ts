import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { KindGuard, type TSchema } from "@sinclair/typebox";
import { ValidationError, type FieldProblem } from "../errors.ts";
import { childField } from "../text-rule.ts";
import { isEmailAddress } from "../email.ts";
import { MAX_EMAIL_CHARS, type Limits } from "../limits.ts";
import { withLimits } from "./with-limits.ts";

/**
 * Every schema of the API is compiled here, by Ajv, for the broker's validator and the gateway
 * alike, and every refusal is worded here: the field, what was sent and what is allowed.
 */
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** A string with at least one character that is not white space. */
export const NON_BLANK = "\\S";

function newAjv(coerceTypes: boolean): Ajv {
  // allErrors: one answer lists every bad field. strict off: OpenAPI keywords (`example`) are allowed.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, coerceTypes });
  addFormats(ajv, ["uuid", "date-time", "uri"]);
  ajv.addFormat("email", isEmailAddress);
  ajv.addFormat("binary", true);
  return ajv;
}

/** Bodies and action params: JSON arrives typed, nothing is converted. */
const exact = newAjv(false);
/** Path, query and header values arrive as strings: `?limit=5` is the number 5. */
const coercing = newAjv(true);

export type Check = (value: unknown) => FieldProblem[];

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * A reusable check of values against `schema`; `[]` when the value is valid. With `limits`, the
 * limits the schema names (with-limits.ts) are the deployment's; without, the defaults it states.
 * Ajv compiles the schema on the first check, not here: a process declares a check for every
 * action and route as it starts, and compiling them all took most of a second of its start-up.
 */
export function compileCheck(
  declared: TSchema,
  options: { coerce?: boolean; limits?: Limits | undefined } = {},
): Check {
  let run: ValidateFunction | undefined;
  const validator = (): ValidateFunction => {
    const schema = options.limits ? withLimits(declared, options.limits) : declared;
    if (options.coerce) return coercing.compile(schema);
    const validate = compiled.get(schema) ?? exact.compile(schema);
    compiled.set(schema, validate);
    return validate;
  };
  return (value) => {
    run ??= validator();
    return run(value) ? [] : problemsOf(run.errors ?? []);
  };
}

/** Throws the one 400 of the API (VALIDATION_FAILED) naming every bad field. */
export function assertValid(check: Check, value: unknown, where = ""): void {
  const problems = check(value).map((problem) =>
    where ? { ...problem, field: problem.field ? `${where}.${problem.field}` : where } : problem,
  );
  if (problems.length > 0) throw new ValidationError(summaryOf(problems), problems);
}

export function summaryOf(problems: FieldProblem[]): string {
  const [first] = problems;
  if (!first) return "The request is not valid.";
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return `${first.field || "The request"} ${first.message}${more}.`;
}

/** An answer names at most this many problems, so a body of many keys cannot inflate it. */
const MAX_PROBLEMS = 20;

/** One problem per field, the first Ajv found, in the order of the schema. */
export function problemsOf(errors: readonly ErrorObject[]): FieldProblem[] {
  const byField = new Map<string, string>();
  const hasSpecific = new Set(errors.filter((e) => !COMBINATORS.has(e.keyword)).map((e) => e.instancePath));
  for (const error of errors) {
    if (COMBINATORS.has(error.keyword) && hasSpecific.has(error.instancePath)) continue;
    const { field, message } = describe(error);
    if (!byField.has(field)) byField.set(field, message);
    if (byField.size >= MAX_PROBLEMS) break;
  }
  return [...byField].map(([field, message]) => ({ field: field || "body", message }));
}

const COMBINATORS = new Set(["anyOf", "oneOf", "if", "not"]);

function fieldOf(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce(
      (field, segment) => (/^\d+$/.test(segment) ? `${field}[${segment}]` : childField(field, segment)),
      "",
    );
}

const FORMATS: Record<string, string> = {
  uuid: "a UUID",
  "date-time": "a date and time (ISO 8601, e.g. 2026-01-31T12:00:00Z)",
  uri: "an absolute URL",
  email: `an email address (at most ${MAX_EMAIL_CHARS} characters)`,
};

function describe(error: ErrorObject): FieldProblem {
  const field = fieldOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const sent = error.data;
  const schema = error.schema as unknown;
  switch (error.keyword) {
    case "required":
      return { field: childField(field, String(params.missingProperty)), message: "is required" };
    case "additionalProperties": {
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      return {
        field: childField(field, String(params.additionalProperty)),
        message: known.length
          ? `is not a known field; known fields are ${known.join(", ")}`
          : "is not a known field; none are accepted here",
      };
    }
    case "type":
      return { field, message: `must be ${typeNames(params.type)}; sent ${shown(sent)}` };
    case "enum":
      return {
        field,
        message: `must be one of ${(params.allowedValues as unknown[]).join(", ")}; sent ${shown(sent)}`,
      };
    case "const":
      return { field, message: `must be ${JSON.stringify(params.allowedValue)}; sent ${shown(sent)}` };
    case "minLength":
    case "maxLength":
      return {
        field,
        message: `must be ${bound(error.keyword)} ${plural(Number(schema), "character")}; sent ${lengthOf(sent)}`,
      };
    case "minItems":
    case "maxItems":
      return {
        field,
        message: `must have ${bound(error.keyword)} ${plural(Number(schema), "item")}; sent ${(sent as unknown[]).length}`,
      };
    case "minProperties":
      return { field, message: `must name at least ${plural(Number(schema), "field")}; sent none` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return {
        field,
        message: `must be ${COMPARISONS[String(params.comparison)]} ${String(params.limit)}; sent ${shown(sent)}`,
      };
    case "format":
      return {
        field,
        message: `must be ${FORMATS[String(params.format)] ?? String(params.format)}; sent ${shown(sent)}`,
      };
    case "pattern":
      return {
        field,
        message:
          params.pattern === NON_BLANK
            ? "must contain a character that is not white space"
            : `must match ${String(params.pattern)}; sent ${shown(sent)}`,
      };
    default:
      return { field, message: `${error.message ?? "is not valid"}; sent ${shown(sent)}` };
  }
}

const COMPARISONS: Record<string, string> = { "<=": "at most", ">=": "at least", "<": "below", ">": "above" };

const bound = (keyword: string) => (keyword.startsWith("min") ? "at least" : "at most");

function typeNames(type: unknown): string {
  const names: Record<string, string> = {
    string: "a string",
    number: "a number",
    integer: "a whole number",
    boolean: "true or false",
    object: "a JSON object",
    array: "an array",
    null: "null",
  };
  return String(type)
    .split(",")
    .map((name) => names[name] ?? name)
    .join(" or ");
}

/** What was sent, short: never a long text (it may be personal, and it would inflate the answer). */
function shown(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return String(value);
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

function lengthOf(value: unknown): string {
  return typeof value === "string" ? `${value.length}` : shown(value);
}

/** A schema declared with TypeBox (as opposed to a fastest-validator rule set). */
export function isDeclaredSchema(value: unknown): value is TSchema {
  return KindGuard.IsSchema(value);
}
