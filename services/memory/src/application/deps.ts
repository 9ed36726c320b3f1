import type { Caller, Limits, MemoryUsage, Quotas } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import type { Keyring } from "@second-brain/platform";

/** Everything the memory write side needs from the outside world, passed in by the composition root. */
export interface MemoryDeps {
  store: EventStore;
  keyring: Keyring;
  limits: Limits;
  /** Absent: DEFAULT_QUOTAS. */
  quotas?: Quotas;
  /**
   * The caller's memories and stored bytes as the memories read model counts them (the
   * memory-views service, over the broker); undefined when it cannot answer. Absent, the
   * per-user quotas are not checked.
   */
  usageOf?: UsageOf;
  /**
   * Whether `sessionId` names one of the caller's sessions (the session service, over the broker).
   * Absent, a memory's sessionId is only checked for shape.
   */
  sessionExists?: SessionExists;
}

export type SessionExists = (caller: Caller, sessionId: string) => Promise<boolean>;

export type UsageOf = (caller: Caller) => Promise<MemoryUsage | undefined>;
