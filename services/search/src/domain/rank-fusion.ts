/**
 * Reciprocal-rank fusion (Cormack et al. 2009): each list adds 1 / (k + rank) for every id it
 * holds, rank counted from 1. It needs no calibration between the lists' scores (a cosine
 * similarity and a ts_rank_cd are not comparable), and k = 60 is the value the paper found robust.
 * Ties keep the order of first appearance, so fusing one list returns that list.
 */
export const RRF_K = 60;

export interface FusedItem {
  id: string;
  score: number;
}

/** An id in a ranked list, with how much its vote counts (1 unless the list says otherwise). */
export interface RankedVote {
  id: string;
  weight?: number;
}

export function fuseByReciprocalRank(
  lists: readonly (readonly (string | RankedVote)[])[],
  k = RRF_K,
): FusedItem[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((entry, index) => {
      const { id, weight = 1 } = typeof entry === "string" ? { id: entry } : entry;
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + index + 1));
    });
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
