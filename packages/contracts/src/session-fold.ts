import type { EventMetadata } from "./events.ts";
import type { MessageRole, SessionEvent, SessionMessage, SessionSummary } from "./session.ts";

/**
 * The one fold of a session's events. The write side (services/session/src/domain/session.ts)
 * keeps the messages and the sessions read model (services/session/src/read-model/sessions.evolve.ts)
 * only counts them; everything else about a session both fold here, alike.
 */

/** What every fold of a session holds, whatever it keeps of the messages. */
export type SessionHeader = Omit<SessionSummary, "messageCount"> & { ownerId: string };

/** A recorded session event, decrypted, with what the fold needs of its envelope. */
export type SessionEventEnvelope = SessionEvent & {
  streamVersion: number;
  metadata: Pick<EventMetadata, "occurredAt" | "ownerId">;
};

/** How one fold keeps a session's messages. */
export interface MessageKeeping<S extends SessionHeader> {
  /** The session just started, before any message. */
  start(header: SessionHeader): S;
  /** `session` with `message` added. */
  add(session: S, message: SessionMessage): S;
}

/**
 * The evolve function of a session kept as `messages` says. Pure. `null` is a session not started
 * yet; an event other than the start on `null` is skipped. An event at or below the session's
 * version is already in it and changes nothing, so a redelivery to a read model is harmless. An
 * event type this code does not know (written by a newer version) changes nothing but the version.
 */
export function sessionEvolver<S extends SessionHeader>(
  messages: MessageKeeping<S>,
): (state: S | null, event: SessionEventEnvelope) => S | null {
  return (state, event) => {
    if (state && event.streamVersion <= state.version) return state;
    const at = event.metadata.occurredAt;
    const version = event.streamVersion;
    if (event.type === "SessionStarted") {
      return messages.start({
        id: event.data.sessionId,
        ownerId: event.metadata.ownerId,
        version,
        title: event.data.title,
        context: event.data.context,
        status: "open",
        createdAt: at,
        updatedAt: at,
      });
    }
    if (state === null) return null;
    const touched: S = { ...state, version, updatedAt: at };
    switch (event.type) {
      case "SessionMessageAdded":
        return messages.add(touched, sessionMessageOf(event));
      case "SessionUpdated":
        if (event.data.title !== undefined) touched.title = event.data.title;
        if (event.data.context !== undefined) touched.context = event.data.context;
        return touched;
      case "SessionClosed":
        return { ...touched, status: "closed" };
      case "SessionReopened":
        return { ...touched, status: "open" };
      default: {
        const _unknown: never = event;
        return { ...state, version };
      }
    }
  };
}

/** The message a SessionMessageAdded event adds. */
export function sessionMessageOf(
  event: Extract<SessionEventEnvelope, { type: "SessionMessageAdded" }>,
): SessionMessage {
  const { messageId, role, content } = event.data;
  return { id: messageId, role: role as MessageRole, content, createdAt: event.metadata.occurredAt };
}
