import { ValidationError, type SessionMessage, type SessionMessagePage } from "@second-brain/contracts";
import type { KeptMessage } from "./session.ts";

/**
 * A session's messages are read backwards a page at a time, each page oldest first: an assistant
 * resuming a conversation needs its latest turns first, in the order they were said, and asks
 * for earlier ones only when it needs more. A cursor is the stream version of the oldest message
 * a page holds; the page it leads to holds the messages written before that version.
 */
export function encodeMessageCursor(streamVersion: number): string {
  return Buffer.from(JSON.stringify({ before: streamVersion }), "utf8").toString("base64url");
}

/** The stream version a cursor reads before; a 400 naming `cursor` for anything we did not issue. */
export function decodeMessageCursor(cursor: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const before = (value as { before?: unknown } | null)?.before;
    if (
      typeof before === "number" &&
      Number.isSafeInteger(before) &&
      before >= 1 &&
      encodeMessageCursor(before) === cursor
    )
      return before;
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError("The cursor is not valid.", [
    { field: "cursor", message: "is not a cursor from a previous page of this session's messages" },
  ]);
}

/**
 * The page of `limit` messages before `before` (the latest when undefined) out of `older`, the
 * messages read so far in stream order; `older` holds one more than the page when there are
 * earlier messages, which is how the page knows to give a cursor.
 */
export function pageOf(older: readonly KeptMessage[], limit: number): SessionMessagePage {
  const items = older.slice(Math.max(0, older.length - limit));
  const more = older.length > items.length;
  return {
    items: items.map(withoutVersion),
    nextCursor: more && items[0] ? encodeMessageCursor(items[0].streamVersion) : null,
  };
}

export function withoutVersion({ streamVersion: _version, ...message }: KeptMessage): SessionMessage {
  return message;
}
