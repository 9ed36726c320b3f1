import { NotFoundError, UnavailableError, type Caller } from "@second-brain/contracts";
import { contentDisposition } from "../domain/filename.ts";
import { loadAttachment, runAttachmentCommand } from "./attachment-stream.ts";
import type { AttachmentDeps, RequestInfo } from "./deps.ts";

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
  const { state } = await loadAttachment(deps, caller, attachmentId);
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
  info: RequestInfo,
): Promise<void> {
  const loaded = await loadAttachment(deps, info.caller, attachmentId);
  const memoryId = loaded.state?.memoryId ?? "";
  await runAttachmentCommand(
    deps,
    loaded,
    { type: "DeleteAttachment", data: { attachmentId, memoryId, reason: "requested" } },
    info.caller.userId,
    { ...info, actor: info.caller.userId },
  );
}
