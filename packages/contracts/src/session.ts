/** The Session as clients see it (API.md, Sessions), and the events that make up its history. */

export const SESSION_STATUSES = ["open", "closed"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const MESSAGE_ROLES = ["user", "assistant"] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** String keys to JSON values. */
export type SessionContext = Record<string, unknown>;

export interface SessionMessage {
  id: string;
  role: MessageRole;
  content: string;
  createdAt: string;
}

/** One item of `GET /sessions`. */
export interface SessionSummary {
  id: string;
  version: number;
  title: string | null;
  context: SessionContext;
  status: SessionStatus;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * `GET /sessions/:id`: the session with its latest messages (oldest of them first) and the
 * memories created in it. `messagesCursor` reads the messages before those
 * (`GET /sessions/:id/messages?cursor=`); null when there are none.
 */
export interface Session extends SessionSummary {
  messages: SessionMessage[];
  messagesCursor: string | null;
  memoryIds: string[];
}

/** A page of a session's messages, oldest first; `nextCursor` reads the page before it. */
export interface SessionMessagePage {
  items: SessionMessage[];
  nextCursor: string | null;
}

/** How many messages a session's answer and a page of messages hold when the client names none. */
export const DEFAULT_MESSAGE_PAGE_LIMIT = 50;

export const sessionStreamId = (sessionId: string): string => `session-${sessionId}`;
export const SESSION_STREAM_PREFIX = "session-";

// ---- events (personal fields are encrypted at rest) ----

export interface SessionStartedData {
  sessionId: string;
  title: string | null;
  context: SessionContext;
}

export interface SessionMessageAddedData {
  sessionId: string;
  messageId: string;
  role: MessageRole;
  content: string;
}

/** Only the fields that changed are present; `context` replaces the whole context. */
export interface SessionUpdatedData {
  sessionId: string;
  title?: string | null;
  context?: SessionContext;
}

export interface SessionStatusChangedData {
  sessionId: string;
}

export type SessionEvent =
  | { type: "SessionStarted"; data: SessionStartedData }
  | { type: "SessionMessageAdded"; data: SessionMessageAddedData }
  | { type: "SessionUpdated"; data: SessionUpdatedData }
  | { type: "SessionClosed"; data: SessionStatusChangedData }
  | { type: "SessionReopened"; data: SessionStatusChangedData };

export type SessionEventType = SessionEvent["type"];

/** Fields holding personal content, encrypted with the owner's data key before the append. */
export const SESSION_PERSONAL_FIELDS: Record<SessionEventType, readonly string[]> = {
  SessionStarted: ["title", "context"],
  SessionMessageAdded: ["content"],
  SessionUpdated: ["title", "context"],
  SessionClosed: [],
  SessionReopened: [],
};

export const SESSION_EVENT_SCHEMA_VERSION = 1;
