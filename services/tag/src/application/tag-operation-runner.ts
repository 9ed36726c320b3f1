import {
  AlreadyExistsError,
  NotFoundError,
  VersionConflictError,
  tagOperationStreamId,
  type TagOperationKind,
} from "@second-brain/contracts";
import type { CommandContext, StreamAt } from "@second-brain/command-handling";
import { derivedId, type CallInfo } from "@second-brain/platform";
import type { TagOperation, TagOperationCommand, TagOperationState } from "../domain/tag-operation.ts";
import type { TagSettingsCommand } from "../domain/tag.ts";
import { refuseRenameOntoExisting } from "../domain/rules.ts";
import { childrenOf, findTag, memoriesWithTag } from "../read-model/tags.queries.ts";
import type { TagDeps } from "./deps.ts";
import { ownerAsCaller, tagOperationHandler, tagSettingsHandler, tagStreamId } from "./tag-streams.ts";

export interface TagOperationResult {
  id: string;
  kind: TagOperationKind;
  from: string;
  into: string;
  status: "running" | "completed";
  total: number;
  retagged: number;
}

/**
 * Starts a rename or merge: its work list is every memory of the caller carrying `from` in the
 * tag read model. A rename onto a tag that exists is refused (409): only a merge joins two tags.
 * The start is recorded before any memory is touched, so a crash at any later
 * point leaves an operation that the service finds and finishes when it starts again. The
 * operation's id is derived from the command, so a retried request finds the operation it started
 * (even once `from` is gone) instead of starting another.
 */
export async function startTagOperation(
  deps: TagDeps,
  info: CallInfo,
  kind: TagOperationKind,
  from: string,
  into: string,
  now: Date,
): Promise<string> {
  const ownerId = info.caller.userId;
  const operationId = derivedId(info.commandId, "tag-operation");
  const operations = tagOperationHandler(deps);
  // Someone else's operation is a 404 (the handler checks the owner).
  const started = await operations.load(tagOperationStreamId(operationId), info.caller);
  if (started.state) return operationId;
  if ((await findTag(deps.pool, ownerId, from)) === null) throw new NotFoundError("Tag");
  if (kind === "rename") refuseRenameOntoExisting(into, (await findTag(deps.pool, ownerId, into)) !== null);
  const memoryIds = await memoriesWithTag(deps.pool, ownerId, from);
  await operations.decideAndAppend(
    started,
    {
      type: "StartTagOperation",
      data: { operationId, kind, from, into, memoryIds },
      metadata: { now },
    },
    info,
  );
  return operationId;
}

/**
 * Runs an operation to its end from wherever it stands. Every step is idempotent: re-tagging a
 * memory that already lacks `from` changes nothing, a memory already ticked off is not ticked
 * again, and moving the tag's settings emits nothing when they already moved. Two runners of the
 * same operation conflict on the stream version and the loser re-reads and carries on.
 */
export async function runTagOperation(
  deps: TagDeps,
  operationId: string,
  now: () => Date,
  onProgress?: (result: TagOperationResult) => void,
): Promise<TagOperationResult> {
  const operations = tagOperationHandler(deps);
  const streamId = tagOperationStreamId(operationId);
  const loaded = await operations.load(streamId, "system");
  if (!loaded.state || !loaded.ownerId) throw new NotFoundError("Tag operation");
  const info: CallInfo = {
    caller: ownerAsCaller(loaded.ownerId),
    correlationId: loaded.events[0]?.metadata.correlationId ?? operationId,
    commandId: operationId,
  };
  let stream: StreamAt<TagOperationState> = loaded;
  let operation: TagOperation = loaded.state;

  // Each step is a command of its own (an id derived from the operation and the step), so a step
  // taken twice, by a resumed run or a second runner, appends once. The stream is read once: a
  // step appends where the last one left it, and reads again only when another runner moved it.
  const step = async (command: TagOperationCommand, stepName: string) => {
    const context: CommandContext = { ...info, commandId: derivedId(operationId, stepName) };
    let result;
    try {
      result = await operations.decideAndAppend(stream, command, context);
    } catch (error) {
      if (!(error instanceof VersionConflictError || error instanceof AlreadyExistsError)) throw error;
      result = await operations.handle(streamId, command, context);
    }
    stream = { ...stream, ...result };
    operation = result.state!;
  };

  for (const memoryId of operation.memoryIds) {
    if (operation.done.has(memoryId)) continue;
    const retag = `retag ${memoryId}`;
    await deps.memories.retag(
      info.caller,
      memoryId,
      operation.from,
      operation.into,
      derivedId(operationId, retag),
      info.correlationId,
    );
    await step(
      { type: "MarkMemoryRetagged", data: { memoryId }, metadata: { now: now() } },
      `mark ${memoryId}`,
    );
    onProgress?.(resultOf(operation));
  }
  if (!operation.completed) {
    await moveSettings(deps, info, operation.from, operation.into, now);
    await step({ type: "CompleteTagOperation", data: {}, metadata: { now: now() } }, "complete");
  }
  return resultOf(operation);
}

/**
 * The renamed tag's colour and parent pass to its new name unless that tag has settings of its
 * own (a merge keeps the target's), its own settings end, and its children move under `into`.
 */
async function moveSettings(
  deps: TagDeps,
  info: CallInfo,
  from: string,
  into: string,
  now: () => Date,
): Promise<void> {
  const ownerId = info.caller.userId;
  const settings = tagSettingsHandler(deps);
  const run = async (name: string, command: TagSettingsCommand, step: string) =>
    settings.handle(await tagStreamId(deps, ownerId, name), command, stepOf(info, step));
  const load = async (name: string) => settings.load(await tagStreamId(deps, ownerId, name), info.caller);
  const source = (await load(from)).state;
  const target = (await load(into)).state;
  const sourceActive = source && !source.retired ? source : null;
  if (sourceActive && (!target || target.retired)) {
    const parent = sourceActive.parent === into ? null : sourceActive.parent;
    const data = { name: into, color: sourceActive.color, parent, ancestorsOfParent: [], known: true };
    await run(into, { type: "StyleTag", data, metadata: { now: now() } }, "style into");
  }
  await run(from, { type: "RetireTag", data: { name: from, into }, metadata: { now: now() } }, "retire");
  for (const child of await childrenOf(deps.pool, ownerId, from)) {
    const { state } = await load(child);
    if (!state || state.retired || state.parent !== from) continue;
    const parent = child === into ? null : into;
    const data = { name: child, parent, ancestorsOfParent: [], known: true };
    await run(child, { type: "StyleTag", data, metadata: { now: now() } }, `reparent ${child}`);
  }
}

/** One step of an operation as a command of its own. */
function stepOf(info: CallInfo, step: string): CallInfo {
  return { ...info, commandId: derivedId(info.commandId, step) };
}

function resultOf(operation: TagOperation): TagOperationResult {
  return {
    id: operation.id,
    kind: operation.kind,
    from: operation.from,
    into: operation.into,
    status: operation.completed ? "completed" : "running",
    total: operation.memoryIds.length,
    retagged: operation.done.size,
  };
}
