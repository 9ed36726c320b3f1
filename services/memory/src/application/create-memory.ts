import { randomUUID } from "node:crypto";
import {
  AlreadyExistsError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  VersionConflictError,
  memoryStreamId,
  type Memory,
} from "@second-brain/contracts";
import type { CreateMemory } from "../domain/decide.ts";
import { toMemory } from "../domain/memory.ts";
import type { MemoryDeps, RequestInfo } from "./deps.ts";
import { handleCommand } from "./handle-command.ts";
import { idempotentCreatedEventId, idempotentMemoryId, requestHash } from "./idempotency.ts";
import { loadMemory } from "./memory-stream.ts";

/** The create request as the client sent it (the HTTP body). */
export type CreateMemoryBody = Omit<CreateMemory["data"], "memoryId" | "requestHash">;

export interface CreateOptions extends RequestInfo {
  now: Date;
  idempotencyKey?: string;
}

/**
 * Creates a memory. Under an Idempotency-Key, the same key and body give the same memory however
 * often (and however concurrently) they are sent: the retry returns the memory as it is now,
 * including edits made since, and a deleted one is 404. The same key with another body is a 409.
 */
export async function createMemory(
  deps: MemoryDeps,
  body: CreateMemoryBody,
  options: CreateOptions,
): Promise<Memory> {
  const command = (memoryId: string, hash: string | null): CreateMemory => ({
    type: "CreateMemory",
    data: { ...body, memoryId, requestHash: hash },
    metadata: { now: options.now },
  });
  await checkSession(deps, options, body.sessionId);
  if (options.idempotencyKey === undefined) {
    const memoryId = randomUUID();
    return handleCommand(deps, memoryStreamId(memoryId), command(memoryId, null), options);
  }

  const ownerId = options.caller.userId;
  const key = await deps.keyring.getKey(ownerId);
  if (key === undefined) throw new UnauthenticatedError("This account no longer exists.");
  const memoryId = idempotentMemoryId(ownerId, options.idempotencyKey);
  const hash = requestHash(key, body);

  const earlier = await answerRetry(deps, options, memoryId, hash);
  if (earlier) return earlier;
  try {
    await handleCommand(deps, memoryStreamId(memoryId), command(memoryId, hash), {
      ...options,
      eventIds: [idempotentCreatedEventId(memoryId, hash)],
    });
  } catch (error) {
    // A concurrent twin created the stream between our read and our append: answer as a retry.
    if (!(error instanceof VersionConflictError || error instanceof AlreadyExistsError)) throw error;
  }
  // Read back what is stored: when the store deduplicated our append, the twin's copy is the one.
  const stored = await answerRetry(deps, options, memoryId, hash);
  if (!stored) throw new Error(`Memory ${memoryId} was appended but cannot be read back.`);
  return stored;
}

/** API.md: a memory's sessionId must name one of the caller's sessions, else 400. */
async function checkSession(deps: MemoryDeps, options: CreateOptions, sessionId: unknown): Promise<void> {
  if (typeof sessionId !== "string" || deps.sessionExists === undefined) return;
  if (await deps.sessionExists(options.caller, sessionId)) return;
  throw new ValidationError("The memory is not valid.", [
    { field: "sessionId", message: "sessionId must name one of your sessions" },
  ]);
}

async function answerRetry(
  deps: MemoryDeps,
  options: CreateOptions,
  memoryId: string,
  hash: string,
): Promise<Memory | undefined> {
  const { state } = await loadMemory(deps, options.caller, memoryId);
  if (state === null) return undefined;
  if (state.requestHash !== hash) {
    throw new AlreadyExistsError("This Idempotency-Key was already used with a different request body.");
  }
  if (state.deleted) throw new NotFoundError("Memory");
  return toMemory(state);
}
