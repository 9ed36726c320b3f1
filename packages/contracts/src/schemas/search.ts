import { Type } from "@sinclair/typebox";
import { MAX_SEARCH_QUERY_CHARS, MAX_SEARCH_RESULTS } from "../limits.ts";
import { MEMORY_TYPES, VISIBLE_MEMORY_STATUSES } from "../memory.ts";
import { Strict, StringEnum, Uuid } from "./common.ts";
import { Memory } from "./memory.ts";
import { limitedBy } from "./with-limits.ts";

/** Search (API.md, Search). */
export const SEARCH_MODES = ["hybrid", "semantic", "keyword"] as const;

/** A date, or a date and time (ISO 8601); anchored and bounded, so it gives up within 40 characters. */
const IsoDate = (description: string) =>
  Type.String({
    maxLength: 40,
    pattern: "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:\\d{2})?)?$",
    examples: ["2026-01-31", "2026-01-31T12:00:00Z"],
    description,
  });

const Limit = Type.Integer({
  minimum: 1,
  maximum: MAX_SEARCH_RESULTS,
  description: "10 when not given.",
});

export const SearchBody = Strict({
  query: Type.String({ minLength: 1, maxLength: MAX_SEARCH_QUERY_CHARS }),
  mode: Type.Optional(
    StringEnum(SEARCH_MODES, {
      description:
        "hybrid when not given. semantic: nearest by meaning; keyword: full-text rank; hybrid: reciprocal-rank fusion of both.",
    }),
  ),
  limit: Type.Optional(Limit),
  filters: Type.Optional(
    Strict({
      tags: Type.Optional(
        Type.Array(Type.String({ minLength: 1, ...limitedBy("maxTagChars") }), {
          ...limitedBy("maxTags"),
          description: "Every one of these tags.",
        }),
      ),
      type: Type.Optional(StringEnum(MEMORY_TYPES)),
      status: Type.Optional(
        StringEnum(VISIBLE_MEMORY_STATUSES, {
          description: "active when not given. Deleted memories are never found.",
        }),
      ),
      sessionId: Type.Optional(Uuid()),
      from: Type.Optional(IsoDate("Created at or after.")),
      to: Type.Optional(IsoDate("Created at or before.")),
    }),
  ),
});
export const SearchParams = SearchBody;

export const SimilarQuery = Strict({ limit: Type.Optional(Limit) });
export const SimilarParams = Strict({ id: Uuid(), limit: Type.Optional(Limit) });

export const SearchResults = Type.Object({
  results: Type.Array(
    Type.Object({
      memory: Memory,
      score: Type.Number({
        description:
          "Higher is better; comparable within one response only (its meaning depends on the mode).",
      }),
      highlights: Type.Optional(
        Type.Array(Type.String(), {
          description:
            "Excerpts of the content as HTML: the text escaped (&amp; &lt; &gt; &quot; &#39;), the matched words in <mark>…</mark>, the only tags.",
        }),
      ),
    }),
  ),
  took: Type.Number({ description: "Milliseconds spent searching." }),
});
