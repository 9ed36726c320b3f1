/** Whether an event continues a row's history, was already applied, or skips ahead (a bug). */
export function versionCheck(
  row: { version: number } | null,
  streamVersion: number,
): "apply" | "applied" | "gap" {
  if (!row) return "apply";
  if (streamVersion <= row.version) return "applied";
  return streamVersion === row.version + 1 ? "apply" : "gap";
}

/** The memory's stream skips versions: an event was lost or reordered, so projecting on would be wrong. */
export class StreamGapError extends Error {
  constructor(memoryId: string, rowVersion: number, eventVersion: number) {
    super(`Memory ${memoryId} is at version ${rowVersion} but the next event has version ${eventVersion}`);
    this.name = "StreamGapError";
  }
}
