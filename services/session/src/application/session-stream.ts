import {
  NotFoundError,
  SESSION_EVENT_SCHEMA_VERSION,
  SESSION_PERSONAL_FIELDS,
  type Limits,
  type Quotas,
  type SessionEvent,
  type SessionEventType,
} from "@second-brain/contracts";
import { commandHandler, type CommandHandler } from "@second-brain/command-handling";
import type { EventStore } from "@second-brain/event-store";
import type { Keyring } from "@second-brain/platform";
import { sessionDecider, type SessionCommand } from "../domain/decide.ts";
import type { SessionState } from "../domain/session.ts";

/** Everything the session write side needs from the outside world, passed in by the composition root. */
export interface SessionDeps {
  store: EventStore;
  keyring: Keyring;
  limits: Limits;
  /** Absent: DEFAULT_QUOTAS. */
  quotas?: Quotas;
}

/**
 * The command path of session streams (see @second-brain/command-handling). Someone else's
 * session, or one whose owner was erased, does not exist for the caller (404, never 403).
 */
export function sessionHandler(
  deps: SessionDeps,
): CommandHandler<SessionCommand, SessionEvent, SessionState> {
  return commandHandler({
    decider: sessionDecider(deps.limits, deps.quotas),
    store: deps.store,
    schemaVersion: SESSION_EVENT_SCHEMA_VERSION,
    notFound: () => new NotFoundError("Session"),
    encryption: { keyring: deps.keyring, personalFields: SESSION_PERSONAL_FIELDS },
  });
}

/** The personal fields of a session event type (the read model decrypts them too). */
export function sessionPersonalFields(type: string): readonly string[] {
  return SESSION_PERSONAL_FIELDS[type as SessionEventType] ?? [];
}
