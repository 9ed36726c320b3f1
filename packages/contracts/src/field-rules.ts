import type { FieldProblem } from "./errors.ts";
import type { Limits } from "./limits.ts";

/**
 * Field rules more than one aggregate applies alike (a memory's and a session's title, their ids).
 * Like every check of the deciders, a check takes the raw value, records what is wrong in
 * `problems` (so one ValidationError lists every bad field) and returns the normalised value.
 */

/** Where a check records what is wrong with the fields it was given. */
export type Problems = FieldProblem[];

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/** Titles are trimmed; an empty title means no title. */
export function checkTitle(value: unknown, limits: Limits, problems: FieldProblem[]): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") {
    problems.push({ field: "title", message: "title must be a string or null" });
    return null;
  }
  const title = value.trim();
  if (title.length > limits.maxTitleChars) {
    problems.push({ field: "title", message: `title must be at most ${limits.maxTitleChars} characters` });
  }
  return title === "" ? null : title;
}

/**
 * A tag as a list or search filter names it: trimmed and lower-cased like the tags on memories. A
 * blank one is refused rather than read as "no filter" (which would answer every memory).
 */
export function checkTagFilter(value: string, field: string, problems: Problems): string {
  const tag = value.trim().toLowerCase();
  if (tag === "") problems.push({ field, message: "must name a tag; sent only white space" });
  return tag;
}
