import { NotFoundError, UnavailableError, attachmentStreamId, type Caller } from "@second-brain/contracts";
import type { CallInfo } from "@second-brain/platform";
import { contentDisposition } from "../domain/filename.ts";
import { attachmentHandler } from "./attachment-stream.ts";
import type { AttachmentDeps } from "./deps.ts";

export interface AttachmentDownload {
  body: NodeJS.ReadableStream;
  headers: Record<string, string>;
  contentType: string;
}

/**
 * The bytes of one of the caller's attachments. An attachment of a memory that is gone is gone
 * at once, even before the log subscriber has recorded its deletion.
 */
export async function downloadAttachment(
  deps: AttachmentDeps,
  caller: Caller,
  attachmentId: string,
): Promise<AttachmentDownload> {
  const { state } = await attachmentHandler(deps).load(attachmentStreamId(attachmentId), caller);
  if (state === null || state.deleted) throw new NotFoundError("Attachment");
  if (!(await deps.memoryExists(caller, state.memoryId))) throw new NotFoundError("Attachment");
  const body = await deps.objects.get(state.objectKey);
  if (!body) throw new UnavailableError("The attachment's bytes cannot be read right now.");
  return {
    body,
    contentType: state.contentType,
    headers: {
      "Content-Length": String(state.size),
      "Content-Disposition": contentDisposition(state.filename),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  };
}

/** Deletes an attachment; its object goes once the log subscriber sees nothing else uses it. */
export async function deleteAttachment(
  deps: AttachmentDeps,
  attachmentId: string,
  info: CallInfo,
  now: Date,
): Promise<void> {
  await attachmentHandler(deps).handle(
    attachmentStreamId(attachmentId),
    { type: "DeleteAttachment", data: { attachmentId, reason: "requested" }, metadata: { now } },
    info,
  );
}
