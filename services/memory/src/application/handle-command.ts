import type { Memory } from "@second-brain/contracts";
import type { CallInfo } from "@second-brain/platform";
import type { MemoryCommand } from "../domain/decide.ts";
import { toMemory, type MemoryFields } from "../domain/memory.ts";
import type { MemoryDeps } from "./deps.ts";
import { memoryHandler } from "./memory-stream.ts";

export interface HandleOptions extends CallInfo {
  /** The version from If-Match; when given, a memory at any other version is a 409. */
  expectedVersion?: number;
}

/**
 * Runs a command on a memory's stream and returns the memory as it is after it. Two concurrent
 * writers with If-Match conflict (409) instead of one silently overwriting the other; without it
 * the command is decided again on the stream as it now is. A retried command answers as its first
 * attempt did (the command handler, @second-brain/command-handling).
 */
export async function handleCommand(
  deps: MemoryDeps,
  streamId: string,
  command: MemoryCommand,
  options: HandleOptions,
): Promise<Memory> {
  const { state } = await memoryHandler(deps).handle(streamId, command, options);
  return toMemory(state as MemoryFields);
}
