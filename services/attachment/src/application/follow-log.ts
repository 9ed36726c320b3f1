import { createHash } from "node:crypto";
import {
  AppError,
  attachmentStreamId,
  USER_ERASED,
  type AttachmentAddedData,
  type AttachmentDeletedData,
  type RecordedEvent,
} from "@second-brain/contracts";
import { decryptFields } from "@second-brain/platform";
import { startProjection, type ProjectionLogger, type RunningProjection } from "@second-brain/projection";
import { attachmentHandler } from "./attachment-stream.ts";
import type { AttachmentDeps } from "./deps.ts";

export const ATTACHMENT_CHECKPOINT = "attachment-service";

/**
 * Follows the global log from the service's own checkpoint (catching up after downtime): keeps
 * the attachment index, deletes the attachments of deleted memories, removes objects nothing
 * uses any more, and removes everything of an erased owner (objects and index rows). Those
 * effects reach outside the database (events appended, objects deleted), so they run first and
 * the checkpoint moves after: a crash in between repeats them, and each one is idempotent, so a
 * batch replayed changes nothing.
 */
export function followLog(deps: AttachmentDeps, logger: ProjectionLogger): Promise<RunningProjection> {
  return startProjection({
    name: ATTACHMENT_CHECKPOINT,
    lagLabel: "attachments",
    pool: deps.pool,
    store: deps.store,
    logger,
    prepare: async (events) => {
      for (const event of events) await handleEvent(deps, event);
    },
    apply: async () => undefined,
  });
}

export async function handleEvent(deps: AttachmentDeps, event: RecordedEvent): Promise<void> {
  switch (event.type) {
    case "AttachmentAdded": {
      // The hash is encrypted in the log (it would confirm a guess of the file); an owner without a
      // key was erased, and their erasure empties the index.
      const key = await deps.keyring.getKey(event.metadata.ownerId);
      if (!key) return;
      const data = decryptFields(event.data as AttachmentAddedData, ["sha256"], key, event);
      await deps.index.recordAdded({
        attachmentId: data.attachmentId,
        ownerId: event.metadata.ownerId,
        memoryId: data.memoryId,
        sha256: data.sha256,
        objectKey: data.objectKey,
        size: data.size,
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
    case USER_ERASED:
      // Every object of the owner lives under their folder, uploads cut off mid-way included.
      // The bytes go first: if the index went first, a crash in between would forget them.
      await deps.objects.deleteFolder(event.metadata.ownerId);
      await deps.index.purgeOwner(event.metadata.ownerId);
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
      await attachmentHandler(deps).handle(
        attachmentStreamId(attachmentId),
        {
          type: "DeleteAttachment",
          data: { attachmentId, reason: "memory-deleted" },
          metadata: { now: new Date(memoryDeleted.metadata.occurredAt) },
        },
        {
          caller: "system",
          correlationId: memoryDeleted.metadata.correlationId,
          commandId: memoryDeleted.id,
          // The same MemoryDeleted always yields the same event id: a replay appends nothing new.
          eventIds: [derivedEventId(memoryDeleted.id, attachmentId)],
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
