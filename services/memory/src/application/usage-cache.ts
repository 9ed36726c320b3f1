import { storedBytesOf, type MemoryUsage, type Quotas } from "@second-brain/contracts";
import type { UsageOf } from "./deps.ts";

export interface UsageCacheOptions {
  /** How long a count read from the read side is reused; default 1 s. */
  maxAgeMs?: number;
  /** Reused only while every count is below this share of its limit; default 0.9. */
  headroom?: number;
  /** Owners remembered at most (the oldest answer goes first); default 10,000. */
  maxOwners?: number;
  now?: () => number;
}

export interface UsageCache {
  /** `read`, answered from the cache when it may be. */
  reuse(read: UsageOf): UsageOf;
  /** A memory this process has just created: added to the owner's kept count. */
  created(ownerId: string, memory: Parameters<typeof storedBytesOf>[0]): void;
  /** Any other write that may change the owner's counts: the next one is read afresh. */
  forget(ownerId: string): void;
}

/**
 * Reuses an owner's usage, as the memories read model last counted it plus what this process has
 * created since, for writes that follow within a second while the owner is well under every quota:
 * a create then costs no broker call to the read side. Near a limit each write asks afresh. The
 * counts come from a read model that lags the log anyway (docs/API.md, "Quotas": a burst can
 * overshoot by what is in flight); reuse adds at most a second of other processes' writes, far
 * below the headroom at any rate the per-user rate limit lets through. An answer of "unknown" (the
 * read side did not answer) is never kept.
 */
export function usageCache(quotas: Quotas, options: UsageCacheOptions = {}): UsageCache {
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  const headroom = options.headroom ?? 0.9;
  const maxOwners = options.maxOwners ?? 10_000;
  const now = options.now ?? Date.now;
  const kept = new Map<string, { usage: MemoryUsage; at: number }>();

  const farFromLimits = (usage: MemoryUsage) =>
    (quotas.memories === 0 || usage.memories < quotas.memories * headroom) &&
    (quotas.storedBytes === 0 || usage.storedBytes < quotas.storedBytes * headroom);

  return {
    reuse: (read) => async (caller) => {
      const entry = kept.get(caller.userId);
      if (entry && now() - entry.at < maxAgeMs && farFromLimits(entry.usage)) return { ...entry.usage };
      kept.delete(caller.userId);
      const usage = await read(caller);
      if (usage && farFromLimits(usage)) {
        kept.set(caller.userId, { usage: { ...usage }, at: now() });
        if (kept.size > maxOwners) kept.delete(kept.keys().next().value!);
      }
      return usage;
    },
    created(ownerId, memory) {
      const entry = kept.get(ownerId);
      if (!entry) return;
      entry.usage.memories += 1;
      entry.usage.storedBytes += storedBytesOf(memory);
    },
    forget(ownerId) {
      kept.delete(ownerId);
    },
  };
}
