import type {
  EventMetadata,
  MessageRole,
  SessionContext,
  SessionEvent,
  SessionMessage,
  SessionStatus,
} from "@second-brain/contracts";

/** A session as the write side knows it: enough to decide, and to answer `GET /sessions/:id`. */
export interface SessionFields {
  id: string;
  ownerId: string;
  version: number;
  title: string | null;
  context: SessionContext;
  status: SessionStatus;
  messages: SessionMessage[];
  createdAt: string;
  updatedAt: string;
}

/** null until SessionStarted. */
export type SessionState = SessionFields | null;

export const initialSessionState = (): SessionState => null;

export type SessionEventEnvelope = SessionEvent & {
  streamVersion: number;
  metadata: Pick<EventMetadata, "occurredAt" | "ownerId">;
};

export function evolveSession(state: SessionState, event: SessionEventEnvelope): SessionState {
  const at = event.metadata.occurredAt;
  const version = event.streamVersion;
  if (event.type === "SessionStarted") {
    return {
      id: event.data.sessionId,
      ownerId: event.metadata.ownerId,
      version,
      title: event.data.title,
      context: event.data.context,
      status: "open",
      messages: [],
      createdAt: at,
      updatedAt: at,
    };
  }
  if (state === null) return state;
  const touched: SessionFields = { ...state, version, updatedAt: at };
  switch (event.type) {
    case "SessionMessageAdded":
      return { ...touched, messages: [...state.messages, messageOf(event)] };
    case "SessionUpdated": {
      const next = { ...touched };
      if (event.data.title !== undefined) next.title = event.data.title;
      if (event.data.context !== undefined) next.context = event.data.context;
      return next;
    }
    case "SessionClosed":
      return { ...touched, status: "closed" };
    case "SessionReopened":
      return { ...touched, status: "open" };
    default: {
      // An event type this code does not know yet (written by a newer version) changes nothing.
      const _unknown: never = event;
      return { ...state, version };
    }
  }
}

export function foldSession(
  events: readonly SessionEventEnvelope[],
  from: SessionState = initialSessionState(),
): SessionState {
  // The fold owns a copy of the message list and appends in place: copying the list for every
  // message (as evolveSession must) would make loading a long session quadratic.
  let state: SessionState = from === null ? null : { ...from, messages: [...from.messages] };
  for (const event of events) {
    if (event.type === "SessionMessageAdded" && state !== null) {
      state.messages.push(messageOf(event));
      state.version = event.streamVersion;
      state.updatedAt = event.metadata.occurredAt;
    } else {
      state = evolveSession(state, event);
    }
  }
  return state;
}

function messageOf(event: Extract<SessionEventEnvelope, { type: "SessionMessageAdded" }>): SessionMessage {
  const { messageId, role, content } = event.data;
  return { id: messageId, role: role as MessageRole, content, createdAt: event.metadata.occurredAt };
}
