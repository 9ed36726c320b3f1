import {
  checkQuota,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
  attachmentStreamId,
  type Caller,
} from "@second-brain/contracts";
import { derivedId, type CallInfo } from "@second-brain/platform";
import { sanitizeFilename } from "../domain/filename.ts";
import { attachmentHandler } from "./attachment-stream.ts";
import type { AttachmentState } from "../domain/attachment.ts";
import type { AttachmentDeps } from "./deps.ts";

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
 * Refuses an upload to a memory that is not the caller's (404), or one whose file, at least
 * `fileBytesAtLeast` bytes by the request's declared length, cannot fit in the owner's
 * attachmentBytes quota (403), before the gateway stores a byte of it: a client cannot make the
 * server take in a file, however large, that it could not keep. `uploadAttachment` checks both
 * again, with the real size (a chunked upload declares none) and for a memory deleted meanwhile.
 */
export async function checkUploadTarget(
  deps: AttachmentDeps,
  caller: Caller,
  memoryId: string,
  fileBytesAtLeast = 0,
): Promise<void> {
  if (!(await deps.memoryExists(caller, memoryId))) throw new NotFoundError("Memory");
  await checkAttachmentBytes(deps, caller.userId, fileBytesAtLeast);
}

async function checkAttachmentBytes(deps: AttachmentDeps, ownerId: string, adding: number): Promise<void> {
  if (deps.quotas.attachmentBytes === 0 || adding === 0) return;
  checkQuota("attachmentBytes", deps.quotas.attachmentBytes, await deps.index.liveBytesOf(ownerId), adding);
}

/**
 * Records a staged upload as an attachment. The staged object becomes the attachment's object
 * (moved to `<ownerId>/<attachmentId>`), or, when the owner already stores the same bytes, is
 * dropped and the attachment points at the existing object. A refused upload drops it too.
 */
export async function uploadAttachment(
  deps: AttachmentDeps,
  input: UploadInput,
  info: CallInfo & { now: Date },
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
  // Derived from the command: a retry whose first attempt was recorded answers with it (its
  // staged object was moved or dropped then) instead of recording the upload twice.
  const attachmentId = derivedId(info.commandId, "attachment");
  const handler = attachmentHandler(deps);
  const earlier = await handler.load(attachmentStreamId(attachmentId), info.caller);
  if (earlier.state) return answerRetry(deps, earlier.state, input.stagedKey);
  const newKey = `${ownerId}/${attachmentId}`;
  let objectKey = newKey;
  try {
    if (input.size > deps.limits.maxFileBytes)
      throw new PayloadTooLargeError(`The file is larger than ${deps.limits.maxFileBytes} bytes.`);
    if (!(await deps.memoryExists(info.caller, input.memoryId))) throw new NotFoundError("Memory");
    await checkAttachmentBytes(deps, ownerId, input.size);
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
  await handler.decideAndAppend(earlier, { type: "AddAttachment", data, metadata: { now: info.now } }, info);
  await deps.index.recordAdded({
    attachmentId,
    ownerId,
    memoryId: input.memoryId,
    sha256: input.sha256,
    objectKey,
    size: input.size,
  });
  return viewOf(data);
}

async function answerRetry(
  deps: AttachmentDeps,
  state: NonNullable<AttachmentState>,
  stagedKey: string,
): Promise<AttachmentView> {
  await deps.objects.delete(stagedKey).catch(() => undefined);
  if (state.deleted) throw new NotFoundError("Attachment");
  // The first attempt may have stopped between its append and the index (idempotent).
  const { attachmentId, ownerId, memoryId, sha256, objectKey, size } = state;
  await deps.index.recordAdded({ attachmentId, ownerId, memoryId, sha256, objectKey, size });
  return viewOf(state);
}

function viewOf(data: Omit<NonNullable<AttachmentState>, "ownerId" | "deleted">): AttachmentView {
  return {
    id: data.attachmentId,
    memoryId: data.memoryId,
    filename: data.filename,
    contentType: data.contentType,
    size: data.size,
    sha256: data.sha256,
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
