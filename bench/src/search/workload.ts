import type { BenchMode, DirectQuery, DirectSql } from "./direct-sql.ts";
import { FILTER_TAG, TOPICS, type Random } from "./corpus.ts";

/**
 * The queries of one scenario kind for one owner, each with its exact top-10 when the kind has
 * one. Semantic queries are topic sentences: their embeddings are the cluster centroids the rows
 * were drawn around, so the service (which embeds the text with the same model) searches with a
 * known vector.
 */
export const KINDS = ["semantic", "keyword", "hybrid", "semantic+tag"] as const;
export type Kind = (typeof KINDS)[number];

export interface PreparedQuery {
  query: DirectQuery;
  truth: string[] | undefined;
}

export function modeOf(kind: Kind): BenchMode {
  return kind === "semantic+tag" ? "semantic" : kind;
}

export async function prepareQueries(
  direct: DirectSql,
  kind: Kind,
  ownerId: string,
  count: number,
  centroids: readonly (readonly number[])[],
  words: readonly string[],
  random: Random,
): Promise<PreparedQuery[]> {
  const prepared: PreparedQuery[] = [];
  for (let i = 0; i < count; i++) {
    const topic = Math.floor(random() * TOPICS.length);
    const keywordText = `${pick(words, random)} ${pick(words, random)}`;
    const query: DirectQuery = {
      ownerId,
      mode: modeOf(kind),
      text: kind === "keyword" ? keywordText : TOPICS[topic]!,
      vector: kind === "keyword" ? undefined : centroids[topic],
      filters: kind === "semantic+tag" ? { status: "active", tags: [FILTER_TAG] } : { status: "active" },
      limit: 10,
    };
    const truth =
      kind === "keyword"
        ? undefined
        : kind === "hybrid"
          ? await direct.exactHybridTop(query)
          : await direct.exactTop(query, 10);
    prepared.push({ query, truth });
  }
  return prepared;
}

let busted = 0;

/**
 * A `to` filter far in the future, different on every call: it matches every row, and it makes
 * each request new to the service's result cache, so what is measured is the search itself.
 */
export function cacheBuster(): string {
  busted++;
  return new Date(Date.UTC(2100, 0, 1) + busted * 1000).toISOString();
}

function pick<T>(values: readonly T[], random: Random): T {
  return values[Math.floor(random() * values.length)]!;
}
