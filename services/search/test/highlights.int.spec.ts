import { expect } from "chai";
import fc from "fast-check";
import { forbiddenTextIn } from "@second-brain/contracts";
import { openEmbeddedDatabase, postgresPool, type SqlPool } from "@second-brain/platform";
import { TEST_POSTGRES_URL } from "@second-brain/testing";
import { highlightsOf } from "../src/adapters/keyword-sql.ts";

/** The five entities the highlights may hold, and what each stands for. */
const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

/**
 * What a highlight must be: escaped HTML whose only tags are `<mark>` and `</mark>`, in pairs and
 * never nested, and whose text is a piece of `content` as written. Returns that text and how many
 * words were marked.
 */
function checkHighlight(highlight: string, content: string): { text: string; marks: number } {
  const tags = highlight.match(/<\/?mark>/g) ?? [];
  tags.forEach((tag, index) => expect(tag, highlight).to.equal(index % 2 === 0 ? "<mark>" : "</mark>"));
  expect(tags.length % 2, highlight).to.equal(0);
  const escaped = highlight.replace(/<\/?mark>/g, "");
  expect(escaped, "no raw markup outside the marks").not.to.match(/[<>"']/);
  expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, ""), "no other entity").not.to.include("&");
  const text = escaped.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
  expect(content, `the excerpt ${JSON.stringify(text)}`).to.include(text);
  return { text, marks: tags.length / 2 };
}

/** Pieces a stored text is made of: markup, quotes, entities, URLs, compounds, any unicode. */
const piece = fc.oneof(
  fc.constantFrom(
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "<mark>",
    "</mark>",
    "<b>bold</b>",
    "a < b > c",
    "&",
    "&amp;",
    "&lt;",
    "&#39;",
    '"quoted"',
    "it's",
    "Léa’s café",
    "日本語のテキスト",
    "🌍🦄",
    "well-known",
    "https://example.com/a/b?c=d&e=<f>",
    "mail@example.com",
    "3.14",
    "\t",
    "\n",
    "\r\n",
    "  ",
  ),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);

/** Texts the API would store (the text rule), each holding the searched word at least once. */
const storedText = fc
  .tuple(fc.array(piece, { maxLength: 30 }), fc.array(piece, { maxLength: 30 }))
  .map(([before, after]) => `${before.join(" ")} orchid ${after.join(" ")}`)
  .filter((text) => text.isWellFormed() && forbiddenTextIn(text) === undefined);

const queries = fc.constantFrom("orchid", "orchid script", "orchid alert", "quoted orchid", "orchids");

for (const [engine, open] of [
  ["PostgreSQL", async () => postgresPool(TEST_POSTGRES_URL, 2)],
  ["PGlite", async () => openEmbeddedDatabase(undefined)],
] as const) {
  // ts_headline itself, on each engine a run mode uses, turned into the highlights' HTML.
  describe(`search highlights on ${engine}`, function () {
    this.timeout(120_000);
    let pool: SqlPool;
    before(async () => (pool = await open()));
    after(() => pool?.end());

    it("are escaped HTML whose only tags are <mark>, each a piece of the stored text", async () => {
      await fc.assert(
        fc.asyncProperty(storedText, queries, async (content, query) => {
          const highlights = await highlightsOf(pool, content, query);
          expect(highlights.length, "the searched word is in the text").to.be.greaterThan(0);
          const checked = highlights.map((highlight) => checkHighlight(highlight, content));
          expect(checked.reduce((sum, { marks }) => sum + marks, 0)).to.be.greaterThan(0);
        }),
        { numRuns: 200 },
      );
    });

    it("keeps markup in the text as text", async () => {
      const content = `Before <script>alert("hi & bye")</script> the orchid's <b>bloom</b>`;
      const [highlight] = await highlightsOf(pool, content, "orchid bloom");
      expect(highlight).to.equal(
        "Before &lt;script&gt;alert(&quot;hi &amp; bye&quot;)&lt;/script&gt; the <mark>orchid</mark>&#39;s " +
          "&lt;b&gt;<mark>bloom</mark>",
      );
    });
  });
}
