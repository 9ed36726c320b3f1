import fc from "fast-check";

/**
 * Hostile values for the input sweep (tests/test/hostile-input.e2e.spec.ts), and the test's own
 * statement of the text rule (ARCHITECTURE.md, invariant 7), written independently of the
 * server's (packages/contracts, text-rule.ts): what the API must refuse with a 400.
 */
export function breaksTextRule(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are the point here
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) || !text.isWellFormed();
}

/** Strings that have broken other services: SQL, markup, paths, operators, formats, odd Unicode. */
export const INJECTIONS = [
  "",
  " ",
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "..\\..\\windows\\win.ini",
  '{"$gt":""}',
  "${jndi:ldap://127.0.0.1/a}",
  "%s%n%x%d",
  "%00",
  "\\u0000",
  "__proto__",
  "constructor",
  "null",
  "NaN",
  "-1",
  "1e309",
  "\u202eevil",
  "\ufeff",
  "😀",
  "a\tb\nc\rd",
  "\u007f\u0085\u2028",
  "SELECT pg_sleep(10)",
  "ada@example.com",
  `${"a".repeat(64)}@${"b".repeat(200)}.com`,
];

const c0Unit = fc
  .integer({ min: 0, max: 0x1f })
  .filter((code) => code !== 0x09 && code !== 0x0a && code !== 0x0d)
  .map((code) => String.fromCharCode(code));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const visibleAscii = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode),
  maxLength: 12,
});

/** Text with one C0 control character in it: what can travel in a URL or (raw) in a header. */
export const controlText = fc.tuple(visibleAscii, c0Unit, visibleAscii).map((parts) => parts.join(""));

/** Text with a C0 control or a lone surrogate in it. */
export const ruleBreakingText = fc
  .tuple(fc.string({ unit: "binary", maxLength: 12 }), fc.oneof(c0Unit, loneSurrogate), visibleAscii)
  .map((parts) => parts.join(""));

/** One of many kinds of hostile string; some break the text rule, most do not. */
export function hostileString(otherUsersValues: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...INJECTIONS), weight: 3 },
    { arbitrary: ruleBreakingText, weight: 3 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 24 }), weight: 2 },
    { arbitrary: fc.constantFrom(300, 1_025, 70_000, 400_000).map((n) => "x".repeat(n)), weight: 1 },
    { arbitrary: fc.constantFrom(...otherUsersValues), weight: 2 },
  );
}

const hostileKey = fc.oneof(
  fc.constantFrom("$gt", "__proto__", "constructor", "a.b", "", " ", "id", "ownerId"),
  fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
  ruleBreakingText,
);

/** Arrays nested this deep, with a string at the bottom. */
function nested(depth: number, leaf: string): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/**
 * A JSON number beyond a double's range, which JSON.parse reads as Infinity. JSON.stringify cannot
 * write one, so it is written as a marked string that the sweep swaps for the bare number
 * (`rawJson`). The API must refuse it with a 400 naming its field.
 */
export class OutOfRangeNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toJSON() {
    return `${OUT_OF_RANGE_MARK}${this.text}`;
  }
}

const OUT_OF_RANGE_MARK = "out-of-range-number:";

/** JSON text for `value`, with every OutOfRangeNumber written as the bare number it stands for. */
export function rawJson(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(
    new RegExp(`"${OUT_OF_RANGE_MARK}([-+.0-9e]+)"`, "g"),
    (_, text: string) => text,
  );
}

export const outOfRangeNumber = fc
  .constantFrom("1e309", "-1e309", "1e999999", "17976931348623159e292")
  .map((text) => new OutOfRangeNumber(text));

/** Any JSON value where a field is expected: hostile strings and every wrong type and shape. */
export function hostileJson(strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: strings, weight: 6 },
    { arbitrary: outOfRangeNumber, weight: 1 },
    { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)), weight: 2 },
    { arbitrary: fc.array(strings, { maxLength: 3 }), weight: 2 },
    { arbitrary: fc.dictionary(hostileKey, fc.oneof(strings, fc.integer()), { maxKeys: 3 }), weight: 2 },
    { arbitrary: fc.constantFrom({ $gt: "" }, { $ne: null }, [], {}), weight: 1 },
    { arbitrary: fc.constantFrom(16, 40, 2_000).map((depth) => nested(depth, "deep")), weight: 1 },
  );
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/** How the API names a field below `parent` (API.md: `metadata.foo`, `tags[2]`). */
export function childField(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (PLAIN_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
}

/**
 * The field the API must name for the first problem in `value`, depth first in order (keys of an
 * object before its values): a string that breaks the rule, a number out of a double's range, or an
 * array or object nested deeper than `maxDepth` (the value itself is level 1). Undefined when there
 * is none.
 */
export function firstRuleBreak(
  value: unknown,
  field: string,
  whole: string,
  maxDepth = Infinity,
  depth = 1,
): string | undefined {
  if (typeof value === "string") return breaksTextRule(value) ? field || whole : undefined;
  if (value instanceof OutOfRangeNumber) return field || whole;
  if (typeof value !== "object" || value === null) return undefined;
  if (depth > maxDepth) return field || whole;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = firstRuleBreak(value[index], childField(field, index), whole, maxDepth, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const entries = Object.entries(value);
  if (entries.some(([key]) => breaksTextRule(key))) return field || whole;
  for (const [key, child] of entries) {
    const found = firstRuleBreak(child, childField(field, key), whole, maxDepth, depth + 1);
    if (found) return found;
  }
  return undefined;
}
