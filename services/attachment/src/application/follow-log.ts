import { createHash } from "node:crypto";
import {
  AppError,
  formatPosition,
  type AttachmentAddedData,
  type AttachmentDeletedData,
  type RecordedEvent,
} from "@second-brain/contracts";
import type { Subscription } from "@second-brain/event-store";
import { loadAttachment, runAttachmentCommand } from "./attachment-stream.ts";
import type { AttachmentDeps } from "./deps.ts";

export interface FollowerLogger {
  info(message: string, meta?: object): unknown;
  error(message: string, meta?: object): unknown;
}

export const ATTACHMENT_CHECKPOINT = "attachment-service";

export interface LogFollower {
  stop(): Promise<void>;
  wake(): void;
}

/**
 * Follows the global log from the service's own checkpoint (catching up after downtime): keeps
 * the attachment index, deletes the attachments of deleted memories, and removes objects nothing
 * uses any more. Every step is idempotent, so a batch replayed after a crash changes nothing.
 */
export async function followLog(deps: AttachmentDeps, logger: FollowerLogger): Promise<LogFollower> {
  let position = await deps.index.readCheckpoint(ATTACHMENT_CHECKPOINT);
  const subscription: Subscription = deps.store.subscribe({
    after: position,
    batchSize: 200,
    handle: async (events) => {
      if (events.length === 0) return;
      for (const event of events) await handleEvent(deps, event);
      position = events[events.length - 1]!.position;
      await deps.index.writeCheckpoint(ATTACHMENT_CHECKPOINT, position);
    },
    onError: (error) =>
      logger.error("attachment log batch failed; it will be retried", {
        position: formatPosition(position),
        error: { name: (error as Error)?.name, message: (error as Error)?.message },
      }),
  });
  logger.info("attachment log follower started", { position: formatPosition(position) });
  return { stop: () => subscription.stop(), wake: () => subscription.wake() };
}

export async function handleEvent(deps: AttachmentDeps, event: RecordedEvent): Promise<void> {
  switch (event.type) {
    case "AttachmentAdded": {
      const data = event.data as AttachmentAddedData;
      await deps.index.recordAdded({
        attachmentId: data.attachmentId,
        ownerId: event.metadata.ownerId,
        memoryId: data.memoryId,
        sha256: data.sha256,
        objectKey: data.objectKey,
      });
      return;
    }
    case "AttachmentDeleted": {
      const unused = await deps.index.recordDeleted((event.data as AttachmentDeletedData).attachmentId);
      if (unused) await deps.objects.delete(unused);
      return;
    }
    case "MemoryDeleted":
      await deleteAttachmentsOf(deps, event);
      return;
    default:
      return;
  }
}

async function deleteAttachmentsOf(deps: AttachmentDeps, memoryDeleted: RecordedEvent): Promise<void> {
  const ownerId = memoryDeleted.metadata.ownerId;
  const memoryId = (memoryDeleted.data as { memoryId: string }).memoryId;
  for (const attachmentId of await deps.index.liveOfMemory(ownerId, memoryId)) {
    try {
      const loaded = await loadAttachment(deps, "system", attachmentId);
      await runAttachmentCommand(
        deps,
        loaded,
        { type: "DeleteAttachment", data: { attachmentId, memoryId, reason: "memory-deleted" } },
        ownerId,
        {
          actor: "system",
          correlationId: memoryDeleted.metadata.correlationId,
          commandId: memoryDeleted.id,
          now: new Date(memoryDeleted.metadata.occurredAt),
          // The same MemoryDeleted always yields the same event id: a replay appends nothing new.
          eventId: derivedEventId(memoryDeleted.id, attachmentId),
        },
      );
    } catch (error) {
      // The owner was erased (no data key): nothing can be appended for them, but the bytes must go.
      if (!(error instanceof AppError) || (error.status !== 404 && error.status !== 401)) throw error;
      const unused = await deps.index.recordDeleted(attachmentId);
      if (unused) await deps.objects.delete(unused);
    }
  }
}

function derivedEventId(causeId: string, attachmentId: string): string {
  const hex = createHash("sha256").update(`AttachmentDeleted\n${causeId}\n${attachmentId}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
