import { NotFoundError, sessionStreamId, type Caller } from "@second-brain/contracts";
import type { CallInfo } from "@second-brain/platform";
import type { SessionCommand } from "../domain/decide.ts";
import type { SessionFields } from "../domain/session.ts";
import { sessionHandler, type SessionDeps } from "./session-stream.ts";

/**
 * Runs a command on its session's stream and returns the session after it. Session commands carry
 * no expected version: an append that raced another writer's (two messages at once) is decided
 * again on the new state instead of answering 409. A retry of a command whose events are already
 * stored appends nothing and answers as the first attempt did (ARCHITECTURE.md, invariant 2).
 */
export async function handleSessionCommand(
  deps: SessionDeps,
  command: SessionCommand,
  info: CallInfo,
): Promise<SessionFields> {
  const streamId = sessionStreamId(command.data.sessionId);
  const { state } = await sessionHandler(deps).handle(streamId, command, info);
  // Every command but a start refuses a missing session, and a start leaves one behind.
  return state as SessionFields;
}

/** The session as it is now, from its stream (reads its own writes). */
export async function readSession(
  deps: SessionDeps,
  caller: Caller,
  sessionId: string,
): Promise<SessionFields> {
  const { state } = await sessionHandler(deps).load(sessionStreamId(sessionId), caller);
  if (state === null) throw new NotFoundError("Session");
  return state;
}

/** Whether `sessionId` names one of the caller's sessions (used to check a memory's sessionId). */
export async function sessionExists(deps: SessionDeps, caller: Caller, sessionId: string): Promise<boolean> {
  try {
    return (await sessionHandler(deps).load(sessionStreamId(sessionId), caller)).state !== null;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
