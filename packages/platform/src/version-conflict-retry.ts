import { VersionConflictError } from "@second-brain/contracts";

const ATTEMPTS = 10;
const MAX_PAUSE_MS = 100;

/**
 * For a command sent without an expected version (no If-Match): another writer appending between
 * its read and its append is no conflict for it, since it asked for the change whatever the
 * version; it is decided again on the stream as it now is. With an expected version the 409 stands
 * (ARCHITECTURE.md, invariant 2). Each attempt reads the stream afresh, so a command whose events
 * were stored by an earlier attempt answers as that attempt did instead of appending again.
 * A short random pause, growing with each try, spreads writers that keep meeting each other.
 */
export async function retryOnVersionConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || tries >= ATTEMPTS) throw error;
      const pause = Math.random() * Math.min(MAX_PAUSE_MS, 2 ** tries);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
