/**
 * Retrieval quality measures for a labelled set: each query has a few relevant memory ids, the
 * search returns a ranked list of ids, and these functions say how well the list found them.
 * Pure functions, so the measures themselves are unit-tested apart from any search engine.
 */

export type QueryKind = "paraphrase" | "identifier" | "topical";
export const QUERY_KINDS: readonly QueryKind[] = ["paraphrase", "identifier", "topical"];

export interface LabelledMemory {
  id: string;
  title: string;
  content: string;
  tags: string[];
  type: "episodic" | "semantic" | "procedural" | "prospective" | "working";
}

export interface LabelledQuery {
  id: string;
  text: string;
  kind: QueryKind;
  relevant: string[];
}

export interface RetrievalSet {
  memories: LabelledMemory[];
  queries: LabelledQuery[];
}

/** Share of the relevant ids that appear in the first `k` ranked ids (1 when all do). */
export function recallAtK(ranked: readonly string[], relevant: readonly string[], k: number): number {
  if (relevant.length === 0) throw new Error("a query needs at least one relevant id");
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const top = new Set(ranked.slice(0, k));
  const wanted = new Set(relevant);
  let found = 0;
  for (const id of wanted) if (top.has(id)) found += 1;
  return found / wanted.size;
}

/** 1 / rank of the first relevant id among the first `k` (1-based), or 0 when none is there. */
export function reciprocalRank(
  ranked: readonly string[],
  relevant: readonly string[],
  k = Number.POSITIVE_INFINITY,
): number {
  if (relevant.length === 0) throw new Error("a query needs at least one relevant id");
  const wanted = new Set(relevant);
  const limit = Math.min(k, ranked.length);
  for (let i = 0; i < limit; i += 1) if (wanted.has(ranked[i]!)) return 1 / (i + 1);
  return 0;
}

/** Arithmetic mean of `value` over `items`; a mean over nothing is an error, not 0 or NaN. */
export function meanOver<T>(items: readonly T[], value: (item: T) => number): number {
  if (items.length === 0) throw new Error("cannot average over no items");
  let sum = 0;
  for (const item of items) sum += value(item);
  return sum / items.length;
}

/** What one query returned, as ranked fixture ids. */
export interface QueryOutcome {
  query: LabelledQuery;
  ranked: string[];
}

export interface QualityFigures {
  queries: number;
  recallAt10: number;
  mrr: number;
}

/** Recall@10 and MRR@10 over all outcomes, and over the outcomes of each kind that has any. */
export function summarize(outcomes: readonly QueryOutcome[]): {
  overall: QualityFigures;
  byKind: Partial<Record<QueryKind, QualityFigures>>;
} {
  const figures = (subset: readonly QueryOutcome[]): QualityFigures => ({
    queries: subset.length,
    recallAt10: meanOver(subset, (o) => recallAtK(o.ranked, o.query.relevant, 10)),
    mrr: meanOver(subset, (o) => reciprocalRank(o.ranked, o.query.relevant, 10)),
  });
  const byKind: Partial<Record<QueryKind, QualityFigures>> = {};
  for (const kind of QUERY_KINDS) {
    const subset = outcomes.filter((o) => o.query.kind === kind);
    if (subset.length > 0) byKind[kind] = figures(subset);
  }
  return { overall: figures(outcomes), byKind };
}

/**
 * Everything wrong with a labelled set, as sentences (empty when it is sound): duplicate ids,
 * relevant ids that name no memory, empty or oversized relevance lists, unknown kinds.
 */
export function problemsOf(set: RetrievalSet): string[] {
  const problems: string[] = [];
  const memoryIds = new Set<string>();
  for (const memory of set.memories) {
    if (memoryIds.has(memory.id)) problems.push(`duplicate memory id ${memory.id}`);
    memoryIds.add(memory.id);
    if (!memory.title.trim() || !memory.content.trim()) problems.push(`memory ${memory.id} is empty`);
  }
  const queryIds = new Set<string>();
  for (const query of set.queries) {
    if (queryIds.has(query.id)) problems.push(`duplicate query id ${query.id}`);
    queryIds.add(query.id);
    if (!QUERY_KINDS.includes(query.kind)) problems.push(`query ${query.id} has unknown kind ${query.kind}`);
    if (query.relevant.length < 1 || query.relevant.length > 3)
      problems.push(`query ${query.id} has ${query.relevant.length} relevant ids (want 1–3)`);
    if (new Set(query.relevant).size !== query.relevant.length)
      problems.push(`query ${query.id} repeats a relevant id`);
    for (const id of query.relevant)
      if (!memoryIds.has(id)) problems.push(`query ${query.id} names unknown memory ${id}`);
  }
  return problems;
}

/** Fixed-width text table of figures, one row per mode and query kind. */
export function formatQualityTable(
  rows: readonly { mode: string; kind: string; figures: QualityFigures }[],
): string {
  const header = ["mode", "queries", "recall@10", "MRR@10"];
  const lines = rows.map((r) => [
    `${r.mode} / ${r.kind}`,
    String(r.figures.queries),
    r.figures.recallAt10.toFixed(3),
    r.figures.mrr.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(render)].join("\n");
}
