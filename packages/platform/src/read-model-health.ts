/** A read model is degraded while any of its streams is parked (it skips their events). */
export interface ReadModelHealth {
  status: "ok" | "degraded";
  parkedStreams: number;
}

const parkedStreamCounts = new Map<string, () => Promise<number>>();

/**
 * Each running read model of the process registers how to count its parked streams, so the
 * process's health can report them without knowing which read models it runs. Returns how to
 * unregister (when the read model stops).
 */
export function registerReadModel(name: string, countParkedStreams: () => Promise<number>): () => void {
  parkedStreamCounts.set(name, countParkedStreams);
  return () => {
    if (parkedStreamCounts.get(name) === countParkedStreams) parkedStreamCounts.delete(name);
  };
}

/** The read models running in this process, by name; empty when it runs none. */
export async function readModelHealth(): Promise<Record<string, ReadModelHealth>> {
  const entries = await Promise.all(
    [...parkedStreamCounts].map(async ([name, count]) => {
      const parkedStreams = await count();
      return [name, { status: parkedStreams > 0 ? "degraded" : "ok", parkedStreams }] as const;
    }),
  );
  return Object.fromEntries(entries);
}
