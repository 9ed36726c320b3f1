import {
  AlreadyExistsError,
  checkQuota,
  checkTitle,
  DEFAULT_LIMITS,
  DEFAULT_QUOTAS,
  IllegalStateError,
  isUuid,
  NotFoundError,
  ValidationError,
  type Limits,
  type Quotas,
  type SessionEvent,
  type SessionUpdatedData,
  type Problems,
} from "@second-brain/contracts";
import type { Command, Decider } from "@second-brain/command-handling";
import {
  evolveSession,
  foldSession,
  initialSessionState,
  type SessionFields,
  type SessionState,
} from "./session.ts";
import { canonicalJson, checkContext, checkMessageContent, checkRole } from "./rules.ts";

export type StartSession = Command<"StartSession", { sessionId: string; title?: unknown; context?: unknown }>;
export type AddMessage = Command<
  "AddMessage",
  { sessionId: string; messageId: string; role: unknown; content: unknown }
>;
/** Absent fields stay; `context` replaces the whole context; `title: null` clears the title. */
export type UpdateSession = Command<
  "UpdateSession",
  { sessionId: string; title?: unknown; context?: unknown }
>;
export type CloseSession = Command<"CloseSession", { sessionId: string }>;
export type ReopenSession = Command<"ReopenSession", { sessionId: string }>;

export type SessionCommand = StartSession | AddMessage | UpdateSession | CloseSession | ReopenSession;

/** The session aggregate under `limits` and `quotas` (both are configuration). */
export function sessionDecider(
  limits: Limits = DEFAULT_LIMITS,
  quotas: Pick<Quotas, "messagesPerSession"> = DEFAULT_QUOTAS,
): Decider<SessionCommand, SessionEvent, SessionState> {
  return {
    initialState: initialSessionState,
    evolve: evolveSession,
    fold: foldSession,
    decide: (command, state) => decide(command, state, limits, quotas),
  };
}

function decide(
  command: SessionCommand,
  state: SessionState,
  limits: Limits,
  quotas: Pick<Quotas, "messagesPerSession">,
): SessionEvent[] {
  switch (command.type) {
    case "StartSession":
      return startSession(command, state, limits);
    case "AddMessage":
      return addMessage(command, existing(state), limits, quotas);
    case "UpdateSession":
      return updateSession(command, existing(state), limits);
    case "CloseSession":
      return existing(state).status === "closed"
        ? []
        : [{ type: "SessionClosed", data: { sessionId: command.data.sessionId } }];
    case "ReopenSession":
      return existing(state).status === "open"
        ? []
        : [{ type: "SessionReopened", data: { sessionId: command.data.sessionId } }];
    default: {
      const unknownCommand: never = command;
      throw new Error(`Unknown command ${(unknownCommand as { type: string }).type}`);
    }
  }
}

function startSession(command: StartSession, state: SessionState, limits: Limits): SessionEvent[] {
  if (state !== null) throw new AlreadyExistsError("A session with this id already exists.");
  const problems: Problems = [];
  const title = checkTitle(command.data.title, limits, problems);
  const context = checkContext(command.data.context, limits, problems);
  if (!isUuid(command.data.sessionId)) problems.push({ field: "id", message: "id must be a UUID" });
  rejectIfAny(problems);
  return [{ type: "SessionStarted", data: { sessionId: command.data.sessionId, title, context } }];
}

function addMessage(
  command: AddMessage,
  state: SessionFields,
  limits: Limits,
  quotas: Pick<Quotas, "messagesPerSession">,
): SessionEvent[] {
  const problems: Problems = [];
  const role = checkRole(command.data.role, problems);
  const content = checkMessageContent(command.data.content, limits, problems);
  rejectIfAny(problems);
  if (state.status === "closed")
    throw new IllegalStateError("A closed session takes no messages; reopen it first.");
  checkQuota("messagesPerSession", quotas.messagesPerSession, state.messages.length, 1);
  const { sessionId, messageId } = command.data;
  return [{ type: "SessionMessageAdded", data: { sessionId, messageId, role, content } }];
}

function updateSession(command: UpdateSession, state: SessionFields, limits: Limits): SessionEvent[] {
  const problems: Problems = [];
  const changed: SessionUpdatedData = { sessionId: state.id };
  if (command.data.title !== undefined) {
    const title = checkTitle(command.data.title, limits, problems);
    if (title !== state.title) changed.title = title;
  }
  if (command.data.context !== undefined) {
    const context = checkContext(command.data.context, limits, problems);
    if (canonicalJson(context) !== canonicalJson(state.context)) changed.context = context;
  }
  rejectIfAny(problems);
  return Object.keys(changed).length === 1 ? [] : [{ type: "SessionUpdated", data: changed }];
}

/** A session never started does not exist for clients. */
function existing(state: SessionState): SessionFields {
  if (state === null) throw new NotFoundError("Session");
  return state;
}

function rejectIfAny(problems: Problems): void {
  if (problems.length > 0) throw new ValidationError("The session is not valid.", problems);
}
