import {
  attachmentStreamId,
  comparePositions,
  type AttachmentRef,
  type Caller,
  type LogPosition,
} from "@second-brain/contracts";
import { attachmentHandler } from "./attachment-stream.ts";
import type { AttachmentDeps } from "./deps.ts";

/**
 * The caller's live attachments of one memory, as the memories read model lists them: in the
 * order they were added (log order). The index says which attachments to read, in one indexed
 * query, so a memory without attachments costs nothing more; each attachment's own stream says
 * whether it is still live (the index learns of deletions from the log, a moment later) and gives
 * its file name, which is personal and kept only encrypted in the log.
 */
export async function attachmentsOfMemory(
  deps: Pick<AttachmentDeps, "store" | "keyring" | "index">,
  caller: Caller,
  memoryId: string,
): Promise<AttachmentRef[]> {
  const ids = await deps.index.liveOfMemory(caller.userId, memoryId);
  if (ids.length === 0) return [];
  const handler = attachmentHandler(deps);
  const streams = await Promise.all(ids.map((id) => handler.load(attachmentStreamId(id), caller)));
  const live: { added: LogPosition; ref: AttachmentRef }[] = [];
  for (const { state, events } of streams) {
    if (state === null || state.deleted || state.memoryId !== memoryId) continue;
    const { attachmentId, filename, contentType, size, sha256 } = state;
    live.push({ added: events[0]!.position, ref: { id: attachmentId, filename, contentType, size, sha256 } });
  }
  return live.sort((a, b) => comparePositions(a.added, b.added)).map((attachment) => attachment.ref);
}
