import type { ServiceBroker } from "moleculer";
import type { CallMeta, Memory } from "@second-brain/contracts";
import type { MemoryCommands } from "../application/deps.ts";
import { retaggedTags } from "../domain/tag-operation.ts";

const MAX_ATTEMPTS = 5;

/**
 * Re-tags a memory through the memory service's own commands, as its owner: read it, replace the
 * tag, and set the tags expecting the version read (If-Match), so an edit made meanwhile is never
 * overwritten; on a conflict it reads again and retries.
 */
export function brokerMemoryCommands(broker: ServiceBroker): MemoryCommands {
  return {
    async retag(caller, memoryId, from, into, commandId, correlationId) {
      for (let attempt = 1; ; attempt++) {
        let memory: Memory;
        try {
          memory = await broker.call<Memory, { id: string }>(
            "memory.get",
            { id: memoryId },
            { meta: { caller }, requestID: correlationId },
          );
        } catch (error) {
          if (statusOf(error) === 404) return "gone";
          throw error;
        }
        const tags = retaggedTags(memory.tags, from, into);
        if (tags === null) return "unchanged";
        // An attempt refused with 409 stored nothing, so the next one is the same command.
        const meta: CallMeta = { caller, ifMatch: memory.version, commandId };
        try {
          await broker.call("memory.setTags", { id: memoryId, tags }, { meta, requestID: correlationId });
          return "retagged";
        } catch (error) {
          const status = statusOf(error);
          if (status === 404) return "gone";
          // A memory at its editsPerMemory quota takes no more events: it keeps the old tag
          // rather than holding up the rename of every other memory (API.md, Quotas).
          if (status === 403) return "unchanged";
          if (status !== 409 || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
  };
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
