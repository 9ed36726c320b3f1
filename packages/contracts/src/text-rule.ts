import { ValidationError, type FieldProblem } from "./errors.ts";

/**
 * The one rule for every string the API accepts (ARCHITECTURE.md, invariant 7): no C0 control
 * character but tab, line feed and carriage return, and no lone surrogate. PostgreSQL can store
 * neither (a NUL in text, or `\ud800` in jsonb, fails every statement that touches it), so a value
 * that breaks the rule would be appended to the log and then fail every read model that applies it.
 * Each check is one pass over the UTF-16 code units: linear, and no regular expression.
 */

/** What is wrong with `text`, or undefined when it follows the rule. */
export function forbiddenTextIn(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x20) {
      if (unit === 0x09 || unit === 0x0a || unit === 0x0d) continue;
      return `contains the control character U+${unit.toString(16).toUpperCase().padStart(4, "0")}`;
    }
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = index + 1 < text.length ? text.charCodeAt(index + 1) : 0;
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      index++; // a surrogate pair: one character outside the basic plane
      continue;
    }
    return "contains a lone surrogate (text that is not valid Unicode)";
  }
  return undefined;
}

/** Where a value breaks the rule: `field` like `metadata.foo`, `tags[2]`, or the whole value's name. */
export interface ForbiddenText {
  field: string;
  message: string;
  /** `depth` when the value is nested deeper than allowed rather than holding a bad string. */
  kind: "text" | "depth";
}

/**
 * The first string inside `value` (any JSON value: object keys included, in order) that breaks the
 * rule, named by its path: `content`, `metadata.foo`, `tags[2]`; `whole` names the value itself
 * (a header's name, or `body` for a key of the body). With `maxDepth`, an array or object nested
 * deeper than that is reported too (the value itself counts as level 1): serialisers and
 * PostgreSQL's JSON parser recurse, so a request must not nest without bound. Walks with its own
 * stack, so however deep the value, the walk cannot overflow the call stack.
 */
export function findForbiddenText(
  value: unknown,
  whole: string,
  maxDepth = Infinity,
): ForbiddenText | undefined {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: "", depth: 1 }];
  while (stack.length > 0) {
    const { value: current, field, depth } = stack.pop()!;
    if (typeof current === "string") {
      const problem = forbiddenTextIn(current);
      if (problem) return { field: field || whole, message: problem, kind: "text" };
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    if (depth > maxDepth)
      return { field: field || whole, message: `is nested more than ${maxDepth} levels deep`, kind: "depth" };
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--)
        stack.push({ value: current[index], field: `${field}[${index}]`, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(current);
    for (const [key] of entries) {
      const problem = forbiddenTextIn(key);
      if (problem) return { field: field || whole, message: `has a key that ${problem}`, kind: "text" };
    }
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index]!;
      stack.push({ value: child, field: childField(field, key), depth: depth + 1 });
    }
  }
  return undefined;
}

/** Throws the 400 VALIDATION_FAILED that names the field, when `value` breaks the rule. */
export function refuseForbiddenText(value: unknown, whole: string, maxDepth = Infinity): void {
  const found = findForbiddenText(value, whole, maxDepth);
  if (!found) return;
  const problem: FieldProblem = { field: found.field, message: found.message };
  throw new ValidationError(
    found.kind === "depth"
      ? `${found.field} ${found.message}; JSON is accepted up to ${maxDepth} levels of arrays and objects.`
      : `${found.field} ${found.message}; control characters other than tab, line feed and carriage return, and lone surrogates, are not accepted.`,
    [problem],
  );
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/**
 * `a.b` for a plain key, `a["odd key"]` otherwise, so the path reads back unambiguously; a key
 * longer than 64 characters is cut, so an error never echoes a huge key.
 */
export function childField(parent: string, key: string): string {
  // PLAIN_KEY is anchored and bounded, so it gives up after at most 65 characters.
  if (PLAIN_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
}
