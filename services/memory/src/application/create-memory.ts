import {
  AlreadyExistsError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  VersionConflictError,
  type Memory,
} from "@second-brain/contracts";
import type { CreateMemory } from "../domain/decide.ts";
import { toMemory, type MemoryFields } from "../domain/memory.ts";
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
 * One stream read and one append on the common path; a second read only when a twin attempt
 * appended between our read and our append.
 */
export async function createMemory(
  deps: MemoryDeps,
  body: CreateMemoryBody,
  options: CreateOptions,
): Promise<CreateOutcome> {
  await checkSession(deps, options, body.sessionId);
  const memoryId = createdMemoryId(options.commandId);
  const hash = options.idempotencyKey === undefined ? null : requestHash(await dataKey(deps, options), body);
  const command: CreateMemory = {
    type: "CreateMemory",
    data: { ...body, memoryId, requestHash: hash },
    metadata: { now: options.now },
  };
  const loaded = await loadMemory(deps, options.caller, memoryId);
  if (loaded.state !== null) return { memory: answerRetry(loaded.state, hash), retried: true };
  const usage = await deps.usageOf?.(options.caller);
  if (usage) command.data.usage = usage;
  try {
    const created = await memoryHandler(deps).decideAndAppend(loaded, command, {
      ...options,
      eventIds: [createdEventId(memoryId, hash)],
    });
    return { memory: toMemory(created.state as MemoryFields), retried: false };
  } catch (error) {
    if (!(error instanceof VersionConflictError || error instanceof AlreadyExistsError)) throw error;
    // A twin attempt created the stream between our read and our append: answer as a retry.
    const { state } = await loadMemory(deps, options.caller, memoryId);
    if (state === null) throw error;
    return { memory: answerRetry(state, hash), retried: true };
  }
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
