import { randomUUID } from "node:crypto";
import { NotFoundError, PayloadTooLargeError, ValidationError } from "@second-brain/contracts";
import { sanitizeFilename } from "../domain/filename.ts";
import { loadAttachment, runAttachmentCommand } from "./attachment-stream.ts";
import type { AttachmentDeps, RequestInfo } from "./deps.ts";

/**
 * An upload the gateway has already streamed into the object store under a staging key, with
 * what it learnt on the way (the bytes never pass through this service).
 */
export interface UploadInput {
  memoryId: string;
  filename: string | undefined;
  stagedKey: string;
  size: number;
  sha256: string;
  contentType: string;
}

/** What the client gets back (API.md): the facts, never the object key. */
export interface AttachmentView {
  id: string;
  memoryId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where the gateway stages an owner's uploads; the only keys `upload` accepts. */
export const stagingPrefix = (ownerId: string) => `${ownerId}/staging/`;

/**
 * Records a staged upload as an attachment. The staged object becomes the attachment's object
 * (moved to `<ownerId>/<attachmentId>`), or, when the owner already stores the same bytes, is
 * dropped and the attachment points at the existing object. A refused upload drops it too.
 */
export async function uploadAttachment(
  deps: AttachmentDeps,
  input: UploadInput,
  info: RequestInfo,
): Promise<AttachmentView> {
  const ownerId = info.caller.userId;
  const prefix = stagingPrefix(ownerId);
  const stagedId = input.stagedKey.startsWith(prefix) ? input.stagedKey.slice(prefix.length) : "";
  // Someone else's staged upload (or any other object) is never taken over: not even deleted.
  if (!UUID.test(stagedId)) {
    throw new ValidationError("The upload is not staged for this caller.", [
      { field: "stagedKey", message: "is not a staging key of the caller" },
    ]);
  }
  const attachmentId = randomUUID();
  const newKey = `${ownerId}/${attachmentId}`;
  let objectKey = newKey;
  try {
    if (input.size > deps.limits.maxFileBytes)
      throw new PayloadTooLargeError(`The file is larger than ${deps.limits.maxFileBytes} bytes.`);
    if (!(await deps.memoryExists(info.caller, input.memoryId))) throw new NotFoundError("Memory");
    const existing = await deps.index.objectWithHash(ownerId, input.sha256);
    if (existing && (await deps.objects.exists(existing))) objectKey = existing;
    else await moveStaged(deps, input.stagedKey, newKey);
  } finally {
    // Refused, deduplicated or failed: the staged copy is not wanted (a no-op once moved).
    await deps.objects.delete(input.stagedKey).catch(() => undefined);
  }

  const data = {
    attachmentId,
    memoryId: input.memoryId,
    filename: sanitizeFilename(input.filename),
    contentType: input.contentType,
    size: input.size,
    sha256: input.sha256,
    objectKey,
  };
  // Should the append fail, the moved object stays (an orphan costs space; deleting the bytes of
  // an event that may have been written after all would lose data).
  const loaded = await loadAttachment(deps, info.caller, attachmentId);
  await runAttachmentCommand(deps, loaded, { type: "AddAttachment", data }, ownerId, {
    ...info,
    actor: ownerId,
  });
  await deps.index.recordAdded({
    attachmentId,
    ownerId,
    memoryId: input.memoryId,
    sha256: input.sha256,
    objectKey,
  });
  return {
    id: attachmentId,
    memoryId: input.memoryId,
    filename: data.filename,
    contentType: input.contentType,
    size: input.size,
    sha256: input.sha256,
  };
}

async function moveStaged(deps: AttachmentDeps, stagedKey: string, key: string): Promise<void> {
  if (!(await deps.objects.exists(stagedKey))) {
    throw new ValidationError("The staged upload is gone.", [
      { field: "stagedKey", message: "no such staged upload" },
    ]);
  }
  await deps.objects.move(stagedKey, key);
}
