import type { SchemaOptions } from "@sinclair/typebox";
import { DEFAULT_LIMITS, type Limits } from "../limits.ts";

/**
 * A deployment may configure its limits (packages/platform/src/config.ts), so a schema node bound
 * by one states the default and names the limit under LIMIT_KEY; withLimits puts the deployment's
 * numbers in. The broker's validator, the gateway's request checks and the served /openapi.json
 * all go through it, so each states and enforces the same configured limit.
 */
export const LIMIT_KEY = "x-limit";

/** The JSON Schema keyword each limit sets. */
const KEYWORDS = {
  maxContentChars: "maxLength",
  maxTitleChars: "maxLength",
  maxTagChars: "maxLength",
  maxTags: "maxItems",
  maxListLimit: "maximum",
} as const satisfies Partial<Record<keyof Limits, string>>;

export type SchemaLimit = keyof typeof KEYWORDS;

const isSchemaLimit = (name: unknown): name is SchemaLimit => typeof name === "string" && name in KEYWORDS;

/** The options of a schema node bound by `limit`: its keyword with the default, and the limit's name. */
export function limitedBy(limit: SchemaLimit): SchemaOptions {
  return { [KEYWORDS[limit]]: DEFAULT_LIMITS[limit], [LIMIT_KEY]: limit };
}

/** One copy per schema and set of numbers, so a schema compiled twice with the same limits is one schema. */
const copies = new WeakMap<object, Map<string, unknown>>();

/** A copy of `schema` (or of a whole document) whose limit-bearing nodes state `limits`. */
export function withLimits<T>(schema: T, limits: Limits): T {
  if (schema === null || typeof schema !== "object") return schema;
  const key = Object.keys(KEYWORDS)
    .map((limit) => limits[limit as SchemaLimit])
    .join(",");
  let byNumbers = copies.get(schema);
  if (!byNumbers) copies.set(schema, (byNumbers = new Map()));
  if (!byNumbers.has(key)) byNumbers.set(key, copyWith(schema, limits));
  return byNumbers.get(key) as T;
}

/** Copies every own key, symbols too: TypeBox marks its schemas with them. */
function copyWith(value: unknown, limits: Limits): unknown {
  if (Array.isArray(value)) return value.map((item) => copyWith(item, limits));
  if (value === null || typeof value !== "object") return value;
  const node = value as Record<PropertyKey, unknown>;
  const copy: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(node)) copy[key] = copyWith(node[key], limits);
  const limit = node[LIMIT_KEY];
  if (isSchemaLimit(limit)) copy[KEYWORDS[limit]] = limits[limit];
  return copy;
}
