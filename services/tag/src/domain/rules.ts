import { AlreadyExistsError, type Problems, type Limits } from "@second-brain/contracts";

/** Tag names are trimmed and lower-cased, like the tags on memories (API.md). */
export function normaliseTagName(value: unknown, field: string, limits: Limits, problems: Problems): string {
  if (typeof value !== "string") {
    problems.push({ field, message: `${field} must be a string` });
    return "";
  }
  const name = value.trim().toLowerCase();
  if (name === "") problems.push({ field, message: "a tag must not be empty" });
  else if (name.length > limits.maxTagChars) {
    problems.push({ field, message: `a tag must be at most ${limits.maxTagChars} characters` });
  }
  return name;
}

const COLOR = /^#[0-9a-f]{6}$/i;

/** A colour is `#rrggbb` (stored lower-case), or null for none. */
export function checkColor(value: unknown, problems: Problems): string | null {
  if (value === null) return null;
  if (typeof value === "string" && COLOR.test(value)) return value.toLowerCase();
  problems.push({ field: "color", message: "color must be #rrggbb or null" });
  return null;
}

/**
 * Checks a PATCH's colour and parent before anything is written, so a rename combined with a bad
 * colour is refused as a whole instead of renaming and then failing.
 */
export function checkStyling(
  name: string,
  changes: { color?: unknown; parent?: unknown },
  ancestorsOfParent: string[],
  limits: Limits,
): Problems {
  const problems: Problems = [];
  if (changes.color !== undefined) checkColor(changes.color, problems);
  if (changes.parent !== undefined && changes.parent !== null) {
    const parent = normaliseTagName(changes.parent, "parent", limits, problems);
    if (parent === name || ancestorsOfParent.includes(name)) {
      problems.push({ field: "parent", message: "a tag cannot be its own ancestor" });
    }
  }
  return problems;
}

/**
 * A rename onto a tag that already exists (in use, or with a colour or parent) would merge the
 * two; that is a merge, asked for as one (POST /api/v1/tags/:name/merge), never done silently.
 */
export function refuseRenameOntoExisting(into: string, intoExists: boolean): void {
  if (intoExists) {
    throw new AlreadyExistsError(
      `The tag "${into}" already exists; merge into it instead (POST /api/v1/tags/:name/merge).`,
    );
  }
}
