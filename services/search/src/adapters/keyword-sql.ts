import type { SqlPool } from "@second-brain/platform";
import {
  DOCUMENT_COLUMNS,
  documentFromRecord,
  type DocumentRecord,
  type SearchDocument,
} from "@second-brain/read-models";
import { HEADLINE_MARKS, highlightsFromHeadline } from "../domain/highlight-html.ts";
import type { NormalizedSearch } from "../domain/search-request.ts";
import { ownerFilterSql } from "./filter-sql.ts";
import type { Candidate } from "./semantic-sql.ts";

/**
 * Two readings of the query: `strict` (websearch syntax: every word, "quoted phrases", -excluded)
 * and `loose` (any of its words). Rows must match the loose one, so a question phrased in more
 * words than the note still finds it; rows matching the strict one rank first. ts_rank_cd runs on
 * the stored tsvector (docs/floors.md: p50 0.57 ms against 1.6 ms for an expression index).
 */
const QUERIES_SQL = `SELECT websearch_to_tsquery('english', $1) AS strict,
  NULLIF(replace(plainto_tsquery('english', $1)::text, ' & ', ' | '), '')::tsquery AS loose`;

export async function keywordCandidates(
  pool: Pick<SqlPool, "query">,
  table: string,
  ownerId: string,
  query: string,
  filters: NormalizedSearch["filters"],
  k: number,
): Promise<Candidate[]> {
  const where = ownerFilterSql(ownerId, filters, 3);
  const { rows } = await pool.query<{ memory_id: string; score: number }>(
    `WITH q AS (${QUERIES_SQL})
     SELECT d.memory_id,
            (d.search_text @@ q.strict)::int + ts_rank_cd(d.search_text, q.loose, 32) AS score
     FROM ${table} d, q
     WHERE ${where.sql} AND d.search_text @@ q.loose
     ORDER BY score DESC, d.memory_id
     LIMIT $2`,
    [query, k, ...where.params],
  );
  // rank with normalisation 32 is rank/(rank+1) in [0, 1); the strict match adds 1 above it.
  return rows.map((row) => ({ id: row.memory_id, score: Number(row.score) }));
}

export interface FetchedDocument {
  doc: SearchDocument;
  highlights: string[];
}

/** A control character as a PostgreSQL escape-string character (`\x02`). */
const sqlEscaped = (char: string) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;

/**
 * ts_headline of `content` for the loose query `q.loose`, marked as highlight-html.ts reads it: its
 * `<` replaced first, so ts_headline's parser sees no tag to drop and every excerpt is a piece of
 * the content as it was written.
 */
const headlineSql = (content: string) =>
  `ts_headline('english', replace(${content}, '<', E'${sqlEscaped(HEADLINE_MARKS.lessThan)}'), q.loose,
     E'MaxFragments=2, MaxWords=24, MinWords=8, StartSel="${sqlEscaped(HEADLINE_MARKS.start)}", ` +
  `StopSel="${sqlEscaped(HEADLINE_MARKS.stop)}", FragmentDelimiter="${sqlEscaped(HEADLINE_MARKS.fragmentDelimiter)}"')`;

/** Every column of a result but its vector, which the answer does not carry. */
const RESULT_COLUMNS = DOCUMENT_COLUMNS.filter((column) => column !== "embedding")
  .map((column) => `d.${column}`)
  .join(", ");

/**
 * The result rows, owner-scoped again (an id alone never reaches another owner's memory), with
 * ts_headline computed for these few rows only: it re-parses the whole content, which is too
 * costly to run on every candidate.
 */
export async function fetchDocuments(
  pool: Pick<SqlPool, "query">,
  table: string,
  ownerId: string,
  ids: readonly string[],
  highlightQuery: string | null,
): Promise<Map<string, FetchedDocument>> {
  if (ids.length === 0) return new Map();
  const { rows } = await pool.query<DocumentRecord & { headline: string | null }>(
    `WITH q AS (${QUERIES_SQL})
     SELECT ${RESULT_COLUMNS},
            CASE WHEN $3::boolean AND d.search_text @@ q.loose
                 THEN ${headlineSql("d.content")}
            END AS headline
     FROM ${table} d, q
     WHERE d.owner_id = $2 AND d.memory_id = ANY($4::uuid[])`,
    [highlightQuery ?? "", ownerId, highlightQuery !== null, ids],
  );
  return new Map(
    rows.map((row) => [
      row.memory_id,
      {
        doc: documentFromRecord(row),
        highlights: row.headline ? highlightsFromHeadline(row.headline) : [],
      },
    ]),
  );
}

/** The highlights a search for `query` gives a memory whose content is `text` (for tests). */
export async function highlightsOf(
  pool: Pick<SqlPool, "query">,
  text: string,
  query: string,
): Promise<string[]> {
  const { rows } = await pool.query<{ headline: string | null }>(
    `WITH q AS (${QUERIES_SQL})
     SELECT CASE WHEN to_tsvector('english', $2) @@ q.loose THEN ${headlineSql("$2::text")} END AS headline
     FROM q`,
    [query, text],
  );
  return rows[0]?.headline ? highlightsFromHeadline(rows[0].headline) : [];
}
