import {
  canonicalJson,
  checkJsonObject,
  isPlainObject,
  isUuid,
  MEMORY_TYPES,
  type Problems,
  type Limits,
  type MemoryType,
  type Metadata,
} from "@second-brain/contracts";

/**
 * Field rules of a memory. Each check takes the raw value, records what is wrong in `problems`
 * (so one ValidationError can list every bad field) and returns the normalised value.
 */

export const DEFAULT_IMPORTANCE = 0.5;
/** What a person writes down is taken as true unless they say otherwise. */
export const DEFAULT_CONFIDENCE = 1;
export const DEFAULT_MEMORY_TYPE: MemoryType = "semantic";
export const MAX_SOURCE_URL_CHARS = 2048;
export const MAX_LINK_TYPE_CHARS = 64;

export function checkContent(value: unknown, limits: Limits, problems: Problems): string {
  if (typeof value !== "string") {
    problems.push({ field: "content", message: "content is required and must be a string" });
    return "";
  }
  if (value.trim() === "") problems.push({ field: "content", message: "content must not be empty" });
  else if (value.length > limits.maxContentChars) {
    problems.push({
      field: "content",
      message: `content must be at most ${limits.maxContentChars} characters`,
    });
  }
  return value;
}

export function checkType(value: unknown, problems: Problems): MemoryType {
  if (value === undefined) return DEFAULT_MEMORY_TYPE;
  if (typeof value === "string" && (MEMORY_TYPES as readonly string[]).includes(value))
    return value as MemoryType;
  problems.push({ field: "type", message: `type must be one of ${MEMORY_TYPES.join(", ")}` });
  return DEFAULT_MEMORY_TYPE;
}

/** The statuses a client may set directly; archived and deleted have their own commands. */
export function checkSettableStatus(value: unknown, problems: Problems): "draft" | "active" {
  if (value === undefined || value === "active") return "active";
  if (value === "draft") return "draft";
  problems.push({ field: "status", message: "status must be draft or active" });
  return "active";
}

export function checkUnitNumber(field: string, value: unknown, fallback: number, problems: Problems): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    problems.push({ field, message: `${field} must be a number from 0 to 1` });
    return fallback;
  }
  // Read models keep it as a PostgreSQL real, which refuses what it cannot hold (1e-323 is "out of
  // range" and would halt every projection that applies the event): six decimal places, no more.
  return Math.round(value * 1e6) / 1e6;
}

/** Trimmed, lower-cased, de-duplicated, in the order first given. */
export function checkTags(value: unknown, limits: Limits, problems: Problems): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ field: "tags", message: "tags must be an array of strings" });
    return [];
  }
  const tags: string[] = [];
  value.forEach((raw, index) => {
    const field = `tags[${index}]`;
    if (typeof raw !== "string") return problems.push({ field, message: "a tag must be a string" });
    const tag = raw.trim().toLowerCase();
    if (tag === "") return problems.push({ field, message: "a tag must not be empty" });
    if (tag.length > limits.maxTagChars) {
      return problems.push({ field, message: `a tag must be at most ${limits.maxTagChars} characters` });
    }
    if (!tags.includes(tag)) tags.push(tag);
  });
  if (tags.length > limits.maxTags) {
    problems.push({ field: "tags", message: `a memory has at most ${limits.maxTags} tags` });
  }
  return tags;
}

export function checkMetadata(value: unknown, limits: Limits, problems: Problems): Metadata {
  return checkJsonObject("metadata", value, limits.maxMetadataBytes, problems);
}

export function checkSourceUrl(value: unknown, problems: Problems): string | null {
  if (value === null || value === undefined) return null;
  const problem = { field: "sourceUrl", message: "sourceUrl must be an http(s) URL or null" };
  if (typeof value !== "string" || value.length > MAX_SOURCE_URL_CHARS) {
    problems.push(problem);
    return null;
  }
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // reported below
  }
  problems.push(problem);
  return null;
}

export function checkOptionalUuid(field: string, value: unknown, problems: Problems): string | null {
  if (value === null || value === undefined) return null;
  if (isUuid(value)) return value.toLowerCase();
  problems.push({ field, message: `${field} must be a UUID` });
  return null;
}

export function checkLinkType(value: unknown, problems: Problems): string {
  const linkType = typeof value === "string" ? value.trim() : "";
  if (linkType === "" || linkType.length > MAX_LINK_TYPE_CHARS) {
    problems.push({ field: "type", message: `a link type must be 1 to ${MAX_LINK_TYPE_CHARS} characters` });
  }
  return linkType;
}

export { canonicalJson, isPlainObject };
