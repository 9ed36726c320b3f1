import { expect } from "chai";
import fc from "fast-check";
import { findForbiddenText, forbiddenTextIn, refuseForbiddenText, ValidationError } from "../src/index.ts";

/** One allowed character: tab, LF, CR, or any code point from U+0020 up that is not a surrogate. */
const allowedChar = fc.oneof(
  fc.constantFrom("\t", "\n", "\r"),
  fc.integer({ min: 0x20, max: 0xd7ff }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0xe000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
);
const allowedText = fc.string({ unit: allowedChar, maxLength: 40 });

/** One forbidden code unit: a C0 control but tab, LF and CR, or a surrogate on its own. */
const forbiddenUnit = fc.oneof(
  fc
    .integer({ min: 0, max: 0x1f })
    .filter((code) => code !== 0x09 && code !== 0x0a && code !== 0x0d)
    .map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
);
/** Allowed text with exactly one forbidden unit somewhere (whole code points around it). */
const forbiddenText = fc
  .tuple(allowedText, forbiddenUnit, allowedText)
  .map(([before, bad, after]) => before + bad + after);

const cleanJson = fc.jsonValue({ stringUnit: allowedChar, maxDepth: 3 });
const plainKey = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,9}$/);
type Step = { key: string } | { index: number };
const steps = fc.array(fc.oneof(fc.record({ key: plainKey }), fc.record({ index: fc.nat(4) })), {
  maxLength: 5,
});

/** `leaf` at the end of `path`, with clean siblings at every level before it. */
function place(path: Step[], leaf: unknown, sibling: unknown): unknown {
  return path.reduceRight<unknown>((inner, step) => {
    if ("key" in step) return { ["~sibling"]: sibling, [step.key]: inner };
    return [...Array.from({ length: step.index }, () => sibling), inner, sibling];
  }, leaf);
}

function fieldOf(path: Step[], whole: string): string {
  const field = path
    .map((step) => ("key" in step ? `.${step.key}` : `[${step.index}]`))
    .join("")
    .replace(/^\./, "");
  return field || whole;
}

describe("the text rule", () => {
  it("accepts every string made of allowed characters", () => {
    fc.assert(fc.property(allowedText, (text) => forbiddenTextIn(text) === undefined));
  });

  it("refuses every string holding one control character or lone surrogate", () => {
    fc.assert(fc.property(forbiddenText, (text) => forbiddenTextIn(text) !== undefined));
  });

  it("names the control character it found", () => {
    expect(forbiddenTextIn("nul\u0000byte")).to.equal("contains the control character U+0000");
    expect(forbiddenTextIn("a\u001fb")).to.equal("contains the control character U+001F");
    expect(forbiddenTextIn("\ud800")).to.match(/lone surrogate/);
    expect(forbiddenTextIn("\udc00\ud83d\ude00")).to.match(/lone surrogate/);
    expect(forbiddenTextIn("tab\tline\nreturn\r \u007f \u0085 \ud83d\ude00")).to.equal(undefined);
  });

  it("accepts every JSON value whose strings and keys are all allowed", () => {
    fc.assert(fc.property(cleanJson, (value) => findForbiddenText(value, "body") === undefined));
  });

  it("finds a forbidden string anywhere in a JSON value and names its path", () => {
    fc.assert(
      fc.property(steps, forbiddenText, cleanJson, (path, bad, sibling) => {
        const found = findForbiddenText(place(path, bad, sibling), "body");
        expect(found?.field).to.equal(fieldOf(path, "body"));
      }),
    );
  });

  it("finds a forbidden key and names the object that holds it", () => {
    fc.assert(
      fc.property(steps, forbiddenText, cleanJson, (path, badKey, sibling) => {
        const found = findForbiddenText(place(path, { [badKey]: sibling }, sibling), "body");
        expect(found?.field).to.equal(fieldOf(path, "body"));
        expect(found?.message).to.match(/^has a key that contains/);
      }),
    );
  });

  it("quotes keys that are not plain names, and cuts long ones", () => {
    expect(findForbiddenText({ metadata: { "a b": ["x", "\u0000"] } }, "body")?.field).to.equal(
      'metadata["a b"][1]',
    );
    const long = "k".repeat(100);
    expect(findForbiddenText({ [long]: "\u0001" }, "body")?.field).to.equal(`["${"k".repeat(64)}…"]`);
  });

  it("walks a value nested far deeper than the call stack would allow", () => {
    let deep: unknown = "\u0000";
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(findForbiddenText(deep, "body")?.field).to.equal(`${"[0]".repeat(100_000)}`);
  });

  it("reports arrays and objects nested deeper than asked, by the path of the first one", () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 1, max: 8 }), (path, maxDepth) => {
        const depthOfLeaf = path.length + 1; // the leaf below is an object at this level
        const found = findForbiddenText(place(path, { leaf: "ok" }, "clean"), "body", maxDepth);
        if (depthOfLeaf <= maxDepth) expect(found).to.equal(undefined);
        else {
          expect(found?.kind).to.equal("depth");
          expect(found?.field).to.equal(fieldOf(path.slice(0, maxDepth), "body"));
        }
      }),
    );
  });

  it("refuses with a 400 VALIDATION_FAILED naming the field", () => {
    let thrown: unknown;
    try {
      refuseForbiddenText({ tags: ["ok", "b\u0000d"] }, "body");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(ValidationError);
    expect(thrown).to.include({ status: 400, code: "VALIDATION_FAILED" });
    expect((thrown as ValidationError).details).to.deep.equal([
      { field: "tags[1]", message: "contains the control character U+0000" },
    ]);
  });

  it("stays linear: four times the text takes about four times as long, a mebibyte milliseconds", () => {
    const textOf = (pairs: number) => `${"a\ud83d\ude00".repeat(pairs)}\u0000`;
    // The best of five, as other work may share the machine.
    const bestTime = (text: string) =>
      Math.min(
        ...[0, 1, 2, 3, 4].map(() => {
          const started = performance.now();
          expect(forbiddenTextIn(text)).to.equal("contains the control character U+0000");
          return performance.now() - started;
        }),
      );
    const quarter = bestTime(textOf(128 * 1024));
    const whole = bestTime(textOf(512 * 1024));
    // Linear gives a ratio near 4 and quadratic near 16; the bound leaves room for a noisy machine.
    expect(
      whole / Math.max(quarter, 0.5),
      `${quarter.toFixed(1)} ms, then ${whole.toFixed(1)} ms`,
    ).to.be.below(8);
    expect(whole).to.be.below(1000);
  });
});
