import type { Caller, Limits } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import type { Keyring, SqlPool } from "@second-brain/platform";

/**
 * What re-tagging needs of the memory service (its commands, over the broker, as the caller).
 * "gone" is a memory deleted since the work list was made; "unchanged" one that lacks `from`.
 * `commandId` identifies this step of the operation, so a retry of it appends once;
 * `correlationId` is the request's that started the operation, so the events it causes trace back.
 */
export interface MemoryCommands {
  retag(
    caller: Caller,
    memoryId: string,
    from: string,
    into: string,
    commandId: string,
    correlationId: string,
  ): Promise<"retagged" | "unchanged" | "gone">;
}

export interface TagDeps {
  store: EventStore;
  pool: SqlPool;
  /** Owners' data keys: tag names and colours are encrypted in the log. */
  keyring: Keyring;
  limits: Limits;
  memories: MemoryCommands;
}
