import {
  DEFAULT_MESSAGE_PAGE_LIMIT,
  NotFoundError,
  sessionMessageOf,
  sessionStreamId,
  type Caller,
  type RecordedEvent,
  type SessionEventEnvelope,
  type SessionMessagePage,
} from "@second-brain/contracts";
import { decryptFields } from "@second-brain/platform";
import { decodeMessageCursor, pageOf } from "../domain/message-pages.ts";
import type { KeptMessage } from "../domain/session.ts";
import { sessionPersonalFields, type SessionDeps } from "./session-stream.ts";

export interface MessagePageRequest {
  limit?: number;
  cursor?: string;
}

/**
 * A page of a session's messages (domain/message-pages.ts), read from its stream as far back as
 * the page reaches and no further: only the page's events are read and decrypted, however long
 * the session. Reads its own writes, like `GET /sessions/:id`. Someone else's session, or one whose
 * owner was erased, is a 404.
 */
export async function readMessagePage(
  deps: SessionDeps,
  caller: Caller,
  sessionId: string,
  request: MessagePageRequest,
): Promise<SessionMessagePage> {
  const limit = request.limit ?? DEFAULT_MESSAGE_PAGE_LIMIT;
  // Checked before anything of the session is read: a bad cursor is a 400 for anyone.
  const before = request.cursor === undefined ? undefined : decodeMessageCursor(request.cursor);
  const streamId = sessionStreamId(sessionId);
  const [started] = await deps.store.readStream(streamId, { fromVersion: 1, toVersion: 1 });
  if (!started || started.metadata.ownerId !== caller.userId) throw new NotFoundError("Session");
  const key = await deps.keyring.getKey(caller.userId);
  if (key === undefined) throw new NotFoundError("Session");

  // Backwards from the newest event (or the cursor's), one read per stretch, until the page plus
  // one earlier message (which says there is more) is found or the session's start is reached.
  const head = await deps.store.streamVersion(streamId);
  let to = Math.min(head, (before ?? Infinity) - 1);
  const found: RecordedEvent[] = [];
  while (to > 1 && found.length <= limit) {
    const from = Math.max(2, to - (limit - found.length));
    const events = await deps.store.readStream(streamId, { fromVersion: from, toVersion: to });
    found.unshift(...events.filter((event) => event.type === "SessionMessageAdded"));
    to = from - 1;
  }
  const kept = found.slice(-(limit + 1)).map((recorded): KeptMessage => {
    const event = {
      ...recorded,
      data: decryptFields(recorded.data as object, sessionPersonalFields(recorded.type), key, recorded),
    } as unknown as Extract<SessionEventEnvelope, { type: "SessionMessageAdded" }>;
    return { ...sessionMessageOf(event), streamVersion: recorded.streamVersion };
  });
  return pageOf(kept, limit);
}
