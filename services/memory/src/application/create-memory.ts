import {
  AlreadyExistsError,
  NotFoundError,
  QuotaExceededError,
  UnauthenticatedError,
  ValidationError,
  VersionConflictError,
  memoryStreamId,
  type Memory,
} from "@second-brain/contracts";
import type { CommandResult } from "@second-brain/command-handling";
import type { CreateMemory } from "../domain/decide.ts";
import { toMemory, type MemoryFields, type MemoryState } from "../domain/memory.ts";
import type { CallInfo } from "@second-brain/platform";
import type { MemoryDeps } from "./deps.ts";
import { createdEventId, createdMemoryId, requestHash } from "./idempotency.ts";
import { loadMemory, memoryHandler } from "./memory-stream.ts";

/** The create request as the client sent it (the HTTP body). */
export type CreateMemoryBody = Omit<CreateMemory["data"], "memoryId" | "requestHash" | "usage">;

/**
 * What a create answers: the memory, and whether an earlier attempt had already made it (then it
 * may have gained attachments since, which live in streams of their own).
 */
export interface CreateOutcome {
  memory: Memory;
  retried: boolean;
}

export interface CreateOptions extends CallInfo {
  now: Date;
  idempotencyKey?: string;
}

/**
 * Creates a memory. Its id is derived from the command id, so a retry of the same command (the
 * broker's, an AMQP redelivery's, or the client's under the same Idempotency-Key) finds the
 * memory it made instead of making another: it returns the memory as it is now, including edits
 * made since, and a deleted one is 404. The same key with another body is a 409.
 *
 * One append and no read on the common path: a new memory's stream is appended to expecting no
 * stream. A retry finds it there (a conflict, or its own event already stored) and is answered
 * from the stream as it now is.
 */
export async function createMemory(
  deps: MemoryDeps,
  body: CreateMemoryBody,
  options: CreateOptions,
): Promise<CreateOutcome> {
  const [, usage, hash] = await Promise.all([
    checkSession(deps, options, body.sessionId),
    deps.usageOf?.(options.caller),
    options.idempotencyKey === undefined
      ? null
      : dataKey(deps, options).then((key) => requestHash(key, body)),
  ]);
  const memoryId = createdMemoryId(options.commandId);
  const command: CreateMemory = {
    type: "CreateMemory",
    data: { ...body, memoryId, requestHash: hash, ...(usage ? { usage } : {}) },
    metadata: { now: options.now },
  };
  const handler = memoryHandler(deps);
  let created: CommandResult<MemoryState>;
  try {
    created = await handler.decideAndAppend(handler.unborn(memoryStreamId(memoryId)), command, {
      ...options,
      eventIds: [createdEventId(memoryId, hash)],
    });
  } catch (error) {
    // The stream exists: an earlier attempt made it (or a twin, between our decision and our
    // append), or another create did under the same key. A retry over quota is still answered.
    const mayExist =
      error instanceof VersionConflictError ||
      error instanceof AlreadyExistsError ||
      error instanceof QuotaExceededError;
    if (!mayExist) throw error;
    return answerExisting(deps, options, memoryId, hash, error);
  }
  if (created.retried) return answerExisting(deps, options, memoryId, hash, null);
  return { memory: toMemory(created.state as MemoryFields), retried: false };
}

/**
 * The memory an earlier attempt of this create made, as it is now. When there is none, `error`
 * (what the attempt failed with) is thrown, or a 404 when there was no error.
 */
async function answerExisting(
  deps: MemoryDeps,
  options: CreateOptions,
  memoryId: string,
  hash: string | null,
  error: unknown,
): Promise<CreateOutcome> {
  const { state } = await loadMemory(deps, options.caller, memoryId);
  if (state === null) throw error ?? new NotFoundError("Memory");
  return { memory: answerRetry(state, hash), retried: true };
}

async function dataKey(deps: MemoryDeps, options: CreateOptions): Promise<Buffer> {
  const key = await deps.keyring.getKey(options.caller.userId);
  if (key === undefined) throw new UnauthenticatedError("This account no longer exists.");
  return key;
}

/** API.md: a memory's sessionId must name one of the caller's sessions, else 400. */
async function checkSession(deps: MemoryDeps, options: CreateOptions, sessionId: unknown): Promise<void> {
  if (typeof sessionId !== "string" || deps.sessionExists === undefined) return;
  if (await deps.sessionExists(options.caller, sessionId)) return;
  throw new ValidationError("The memory is not valid.", [
    { field: "sessionId", message: "sessionId must name one of your sessions" },
  ]);
}

/** The memory an earlier attempt of this create made, as it is now. */
function answerRetry(state: MemoryFields, hash: string | null): Memory {
  if ((state.requestHash ?? null) !== hash) {
    throw new AlreadyExistsError("This Idempotency-Key was already used with a different request body.");
  }
  if (state.deleted) throw new NotFoundError("Memory");
  return toMemory(state);
}
