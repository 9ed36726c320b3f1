import { NotFoundError, ValidationError, memoryStreamId, type Memory } from "@second-brain/contracts";
import type { LinkMemory } from "../domain/decide.ts";
import type { MemoryDeps } from "./deps.ts";
import { handleCommand, type HandleOptions } from "./handle-command.ts";
import { loadMemory } from "./memory-stream.ts";

/**
 * Links a memory to another of the caller's memories. A target that does not exist for the caller
 * (never created, deleted, or someone else's) is a 400 on `targetId`, like a sessionId that names
 * no session of the caller: the request is wrong, while the memory in the URL does exist.
 */
export async function linkMemory(
  deps: MemoryDeps,
  command: LinkMemory,
  options: HandleOptions,
): Promise<Memory> {
  const { memoryId, targetId } = command.data;
  if (targetId.toLowerCase() !== memoryId.toLowerCase() && !(await isVisible(deps, options, targetId))) {
    throw new ValidationError("The link is not valid.", [
      { field: "targetId", message: "targetId must name one of your memories" },
    ]);
  }
  return handleCommand(deps, memoryStreamId(memoryId), command, options);
}

async function isVisible(deps: MemoryDeps, options: HandleOptions, memoryId: string): Promise<boolean> {
  try {
    const { state } = await loadMemory(deps, options.caller, memoryId);
    return state !== null && !state.deleted;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
