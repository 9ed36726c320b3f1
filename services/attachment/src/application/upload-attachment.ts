import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream";
import { NotFoundError, PayloadTooLargeError, ValidationError } from "@second-brain/contracts";
import { SNIFF_BYTES, sniffContentType } from "../domain/content-type.ts";
import { sanitizeFilename } from "../domain/filename.ts";
import { loadAttachment, runAttachmentCommand } from "./attachment-stream.ts";
import type { AttachmentDeps, RequestInfo } from "./deps.ts";
import { MeteredStream, peekHead } from "./upload-stream.ts";

export interface UploadInput {
  memoryId: string;
  /** The multipart field the file came in; API.md says `file`. */
  fieldname: string;
  filename: string | undefined;
  body: NodeJS.ReadableStream;
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

/**
 * Streams an upload into the object store under a fresh key while counting, hashing and sniffing
 * it, then records the fact. Memory use does not depend on the file's size. When the owner already
 * stores the same bytes, the new copy is dropped and the attachment points at the existing object.
 */
export async function uploadAttachment(
  deps: AttachmentDeps,
  input: UploadInput,
  info: RequestInfo,
): Promise<AttachmentView> {
  if (input.fieldname !== "file") {
    throw new ValidationError("The file must be sent in the multipart field `file`.", [
      { field: "file", message: "is required" },
    ]);
  }
  const ownerId = info.caller.userId;
  if (!(await deps.memoryExists(info.caller, input.memoryId))) throw new NotFoundError("Memory");

  const attachmentId = randomUUID();
  const newKey = `${ownerId}/${attachmentId}`;
  const meter = new MeteredStream(deps.limits.maxFileBytes);
  let contentType: string;
  try {
    const { head, body } = await peekHead(input.body, SNIFF_BYTES);
    contentType = sniffContentType(head);
    pipeline(body, meter, () => undefined);
    await deps.objects.put(newKey, meter, undefined, contentType);
  } catch (error) {
    await deps.objects.delete(newKey).catch(() => undefined);
    if (meter.tooLarge || isTooLarge(error))
      throw new PayloadTooLargeError(`The file is larger than ${deps.limits.maxFileBytes} bytes.`);
    throw error;
  }
  const sha256 = meter.sha256();

  let objectKey = newKey;
  const existing = await deps.index.objectWithHash(ownerId, sha256);
  if (existing && (await deps.objects.exists(existing))) {
    objectKey = existing;
    await deps.objects.delete(newKey);
  }
  // The memory may have been deleted while the bytes streamed in: attach nothing to it then.
  if (!(await deps.memoryExists(info.caller, input.memoryId))) {
    if (objectKey === newKey) await deps.objects.delete(newKey);
    throw new NotFoundError("Memory");
  }

  const data = {
    attachmentId,
    memoryId: input.memoryId,
    filename: sanitizeFilename(input.filename),
    contentType,
    size: meter.size,
    sha256,
    objectKey,
  };
  const loaded = await loadAttachment(deps, info.caller, attachmentId);
  await runAttachmentCommand(deps, loaded, { type: "AddAttachment", data }, ownerId, {
    ...info,
    actor: ownerId,
  });
  await deps.index.recordAdded({ attachmentId, ownerId, memoryId: input.memoryId, sha256, objectKey });
  return {
    id: attachmentId,
    memoryId: input.memoryId,
    filename: data.filename,
    contentType,
    size: data.size,
    sha256,
  };
}

/** The gateway cuts a file off at the limit too; its error arrives on the stream. */
function isTooLarge(error: unknown): boolean {
  const { code, name, type } = (error ?? {}) as { code?: unknown; name?: unknown; type?: unknown };
  return code === 413 || name === "PayloadTooLarge" || type === "PAYLOAD_TOO_LARGE";
}
