import {
  sessionEvolver,
  sessionMessageOf,
  type SessionEventEnvelope,
  type SessionHeader,
  type SessionMessage,
} from "@second-brain/contracts";

export type { SessionEventEnvelope } from "@second-brain/contracts";

/** A message with the stream version of its event: where a page of messages begins (message-pages.ts). */
export type KeptMessage = SessionMessage & { streamVersion: number };

/** A session as the write side knows it: enough to decide, and to answer `GET /sessions/:id`. */
export interface SessionFields extends SessionHeader {
  messages: KeptMessage[];
}

/** null until SessionStarted. */
export type SessionState = SessionFields | null;

export const initialSessionState = (): SessionState => null;

/** The shared session fold (packages/contracts/src/session-fold.ts), keeping every message. */
export const evolveSession: (state: SessionState, event: SessionEventEnvelope) => SessionState =
  sessionEvolver<SessionFields>({
    start: (header) => ({ ...header, messages: [] }),
    // `session` is already at the message's version.
    add: (session, message) => ({
      ...session,
      messages: [...session.messages, { ...message, streamVersion: session.version }],
    }),
  });

export function foldSession(
  events: readonly SessionEventEnvelope[],
  from: SessionState = initialSessionState(),
): SessionState {
  // The fold owns a copy of the message list and appends in place: copying the list for every
  // message (as evolveSession must) would make loading a long session quadratic.
  let state: SessionState = from === null ? null : { ...from, messages: [...from.messages] };
  for (const event of events) {
    if (event.type === "SessionMessageAdded" && state !== null && event.streamVersion > state.version) {
      state.messages.push({ ...sessionMessageOf(event), streamVersion: event.streamVersion });
      state.version = event.streamVersion;
      state.updatedAt = event.metadata.occurredAt;
    } else {
      state = evolveSession(state, event);
    }
  }
  return state;
}
