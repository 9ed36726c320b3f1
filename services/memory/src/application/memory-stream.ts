import {
  MEMORY_EVENT_SCHEMA_VERSION,
  MEMORY_PERSONAL_FIELDS,
  NotFoundError,
  memoryStreamId,
  type Caller,
  type MemoryEvent,
} from "@second-brain/contracts";
import { commandHandler, type CommandHandler, type LoadedStream } from "@second-brain/command-handling";
import { memoryDecider, type MemoryCommand } from "../domain/decide.ts";
import type { MemoryState } from "../domain/memory.ts";
import type { MemoryDeps } from "./deps.ts";

/** A memory's stream as its owner may see it: events with personal fields decrypted, and the fold. */
export type LoadedMemory = LoadedStream<MemoryEvent, MemoryState>;

/** The command path of memory streams (see @second-brain/command-handling). */
export function memoryHandler(deps: MemoryDeps): CommandHandler<MemoryCommand, MemoryEvent, MemoryState> {
  return commandHandler({
    decider: memoryDecider(deps.limits, deps.quotas),
    store: deps.store,
    schemaVersion: MEMORY_EVENT_SCHEMA_VERSION,
    notFound: () => new NotFoundError("Memory"),
    encryption: { keyring: deps.keyring, personalFields: MEMORY_PERSONAL_FIELDS },
    exists: (state) => state !== null && !state.deleted,
  });
}

/**
 * Reads and decrypts a memory's stream for `caller`. A memory owned by someone else, or whose
 * owner has been erased (the data key is gone), does not exist for the caller: 404, never 403, so
 * ids of other people's memories cannot be probed.
 */
export function loadMemory(deps: MemoryDeps, caller: Caller, memoryId: string): Promise<LoadedMemory> {
  return memoryHandler(deps).load(memoryStreamId(memoryId), caller);
}
