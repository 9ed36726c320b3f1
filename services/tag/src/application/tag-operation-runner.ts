import {
  AlreadyExistsError,
  NotFoundError,
  VersionConflictError,
  tagOperationStreamId,
  type Caller,
  type TagOperationKind,
} from "@second-brain/contracts";
import { derivedId } from "@second-brain/platform";
import { decideTagOperation, evolveTagOperation, type TagOperation } from "../domain/tag-operation.ts";
import { decideTagSettings } from "../domain/tag.ts";
import { refuseRenameOntoExisting } from "../domain/tag-rules.ts";
import { childrenOf, findTag, memoriesWithTag } from "../read-model/tags.queries.ts";
import type { TagDeps, TagRequestInfo } from "./tag-deps.ts";
import { appendTagEvents, loadOperation, loadTagSettings, tagStreamId } from "./tag-streams.ts";

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
  info: TagRequestInfo,
  kind: TagOperationKind,
  from: string,
  into: string,
  now: Date,
): Promise<string> {
  const ownerId = info.caller.userId;
  const operationId = derivedId(info.commandId, "tag-operation");
  const started = await loadOperation(deps.store, operationId);
  if (started.state) {
    if (started.ownerId !== ownerId) throw new NotFoundError("Tag operation");
    return operationId;
  }
  if ((await findTag(deps.pool, ownerId, from)) === null) throw new NotFoundError("Tag");
  if (kind === "rename") refuseRenameOntoExisting(into, (await findTag(deps.pool, ownerId, into)) !== null);
  const memoryIds = await memoriesWithTag(deps.pool, ownerId, from);
  const events = decideTagOperation(
    { type: "StartTagOperation", data: { operationId, kind, from, into, memoryIds } },
    null,
  );
  await appendTagEvents(deps.store, tagOperationStreamId(operationId), events, 0, info, now);
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
  let loaded = await loadOperation(deps.store, operationId);
  if (!loaded.state || !loaded.ownerId) throw new NotFoundError("Tag operation");
  const caller: Caller = { userId: loaded.ownerId, role: "user" };
  const info: TagRequestInfo = {
    caller,
    correlationId: loaded.correlationId ?? operationId,
    commandId: operationId,
  };
  let operation: TagOperation = loaded.state;
  let version = loaded.version;
  const streamId = tagOperationStreamId(operationId);

  // Each step is a command of its own (an id derived from the operation and the step), so a step
  // taken twice, by a resumed run or a second runner, appends once.
  const step = async (command: Parameters<typeof decideTagOperation>[0], stepName: string) => {
    const stepInfo = { ...info, commandId: derivedId(operationId, stepName) };
    for (let attempt = 0; ; attempt++) {
      const events = decideTagOperation(command, operation);
      try {
        await appendTagEvents(deps.store, streamId, events, version, stepInfo, now());
        for (const event of events) operation = evolveTagOperation(operation, event, ++version)!;
        return;
      } catch (error) {
        const raced = error instanceof VersionConflictError || error instanceof AlreadyExistsError;
        if (!raced || attempt >= 5) throw error;
        loaded = await loadOperation(deps.store, operationId);
        operation = loaded.state!;
        version = loaded.version;
      }
    }
  };

  for (const memoryId of operation.memoryIds) {
    if (operation.done.has(memoryId)) continue;
    const retag = `retag ${memoryId}`;
    await deps.memories.retag(
      caller,
      memoryId,
      operation.from,
      operation.into,
      derivedId(operationId, retag),
      info.correlationId,
    );
    await step({ type: "MarkMemoryRetagged", data: { memoryId } }, `mark ${memoryId}`);
    onProgress?.(resultOf(operation));
  }
  if (!operation.completed) {
    await moveSettings(deps, info, operation.from, operation.into, now);
    await step({ type: "CompleteTagOperation" }, "complete");
  }
  return resultOf(operation);
}

/**
 * The renamed tag's colour and parent pass to its new name unless that tag has settings of its
 * own (a merge keeps the target's), its own settings end, and its children move under `into`.
 */
async function moveSettings(
  deps: TagDeps,
  info: TagRequestInfo,
  from: string,
  into: string,
  now: () => Date,
): Promise<void> {
  const ownerId = info.caller.userId;
  const source = await loadTagSettings(deps.store, ownerId, from);
  const target = await loadTagSettings(deps.store, ownerId, into);
  const sourceActive = source.state && !source.state.retired ? source.state : null;
  if (sourceActive && (!target.state || target.state.retired)) {
    const parent = sourceActive.parent === into ? null : sourceActive.parent;
    const events = decideTagSettings(
      {
        type: "StyleTag",
        data: { name: into, color: sourceActive.color, parent, ancestorsOfParent: [], known: true },
      },
      target.state,
      deps.limits,
    );
    await appendTagEvents(
      deps.store,
      tagStreamId(ownerId, into),
      events,
      target.version,
      stepOf(info, "style into"),
      now(),
    );
  }
  const retire = decideTagSettings(
    { type: "RetireTag", data: { name: from, into } },
    source.state,
    deps.limits,
  );
  await appendTagEvents(
    deps.store,
    tagStreamId(ownerId, from),
    retire,
    source.version,
    stepOf(info, "retire"),
    now(),
  );
  for (const child of await childrenOf(deps.pool, ownerId, from)) {
    const { version, state } = await loadTagSettings(deps.store, ownerId, child);
    if (!state || state.retired || state.parent !== from) continue;
    const parent = child === into ? null : into;
    const events = decideTagSettings(
      { type: "StyleTag", data: { name: child, parent, ancestorsOfParent: [], known: true } },
      state,
      deps.limits,
    );
    const reparent = stepOf(info, `reparent ${child}`);
    await appendTagEvents(deps.store, tagStreamId(ownerId, child), events, version, reparent, now());
  }
}

/** One step of an operation as a command of its own. */
function stepOf(info: TagRequestInfo, step: string): TagRequestInfo {
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
