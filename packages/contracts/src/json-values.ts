import type { FieldProblem } from "./errors.ts";

/** Pure helpers for the JSON values commands carry (metadata, context); shared by the domains. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Key-order-independent JSON, so equal objects compare (and hash) equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * A JSON object field of at most `maxBytes` serialised; `{}` when absent. Problems are reported
 * under `field`. What is kept is what JSON keeps (no undefined values, functions or instances).
 */
export function checkJsonObject(
  field: string,
  value: unknown,
  maxBytes: number,
  problems: FieldProblem[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.push({ field, message: `${field} must be a JSON object` });
    return {};
  }
  let serialised: string;
  try {
    serialised = JSON.stringify(value);
  } catch {
    problems.push({ field, message: `${field} must be serialisable as JSON` });
    return {};
  }
  if (Buffer.byteLength(serialised, "utf8") > maxBytes) {
    problems.push({ field, message: `${field} must be at most ${maxBytes} bytes as JSON` });
    return {};
  }
  return JSON.parse(serialised) as Record<string, unknown>;
}
