import {
  AlreadyExistsError,
  checkQuota,
  checkTitle,
  DEFAULT_LIMITS,
  DEFAULT_QUOTAS,
  IllegalStateError,
  isUuid,
  NotFoundError,
  storedBytesOf,
  ValidationError,
  type Limits,
  type MemoryEditedData,
  type MemoryEvent,
  type Metadata,
  type MemoryUsage,
  type Problems,
  type Quotas,
} from "@second-brain/contracts";
import type { Command, Decider } from "@second-brain/command-handling";
import { evolve, initialState, type MemoryFields, type MemoryState } from "./memory.ts";
import {
  DEFAULT_CONFIDENCE,
  DEFAULT_IMPORTANCE,
  canonicalJson,
  checkContent,
  checkLinkType,
  checkMetadata,
  checkOptionalUuid,
  checkSettableStatus,
  checkSourceUrl,
  checkTags,
  checkType,
  checkUnitNumber,
} from "./rules.ts";

/**
 * Commands carry what the client sent (checked here, not trusted) plus the time and ids chosen by
 * the application, so deciding stays pure and repeatable.
 */
export type CreateMemory = Command<
  "CreateMemory",
  {
    memoryId: string;
    content: string;
    title?: string | null;
    type?: string;
    status?: string;
    tags?: string[];
    importance?: number;
    confidence?: number;
    metadata?: Metadata;
    sourceUrl?: string | null;
    sessionId?: string | null;
    requestHash?: string | null;
    /**
     * The owner's usage when the command came (API.md, Quotas): the per-user quotas are checked
     * against it. Absent, they are not (the read model could not answer; a write never waits).
     */
    usage?: MemoryUsage;
  }
>;

/** Absent fields stay as they are; `title: null` and `sourceUrl: null` clear them. */
export type EditMemory = Command<
  "EditMemory",
  {
    memoryId: string;
    title?: string | null;
    content?: string;
    type?: string;
    importance?: number;
    confidence?: number;
    metadata?: Metadata;
    sourceUrl?: string | null;
    status?: string;
    /** As for CreateMemory: checked when the edit makes the memory larger. */
    usage?: MemoryUsage;
  }
>;

export type SetTags = Command<"SetTags", { memoryId: string; tags: string[] }>;
export type LinkMemory = Command<"LinkMemory", { memoryId: string; targetId: string; linkType: string }>;
export type ArchiveMemory = Command<"ArchiveMemory", { memoryId: string }>;
export type RestoreMemory = Command<"RestoreMemory", { memoryId: string }>;
export type DeleteMemory = Command<"DeleteMemory", { memoryId: string }>;

export type MemoryCommand =
  CreateMemory | EditMemory | SetTags | LinkMemory | ArchiveMemory | RestoreMemory | DeleteMemory;

/** The memory aggregate under `limits` and `quotas` (both are configuration). */
export function memoryDecider(
  limits: Limits = DEFAULT_LIMITS,
  quotas: Quotas = DEFAULT_QUOTAS,
): Decider<MemoryCommand, MemoryEvent, MemoryState> {
  return {
    initialState,
    evolve,
    decide: (command, state) => {
      const events = decide(command, state, limits, quotas);
      // Deleting stays possible at the quota: it is how an owner makes room.
      if (command.type !== "DeleteMemory")
        checkQuota("editsPerMemory", quotas.editsPerMemory, state?.version ?? 0, events.length);
      return events;
    },
  };
}

function decide(command: MemoryCommand, state: MemoryState, limits: Limits, quotas: Quotas): MemoryEvent[] {
  switch (command.type) {
    case "CreateMemory":
      return createMemory(command, state, limits, quotas);
    case "EditMemory":
      return editMemory(command, existing(state), limits, quotas);
    case "SetTags":
      return setTags(command, existing(state), limits);
    case "LinkMemory":
      return linkMemory(command, existing(state));
    case "ArchiveMemory":
      return archiveMemory(command, existing(state));
    case "RestoreMemory":
      return restoreMemory(command, existing(state));
    case "DeleteMemory":
      return deleteMemory(command, existing(state));
    default: {
      const unknownCommand: never = command;
      throw new Error(`Unknown command ${(unknownCommand as { type: string }).type}`);
    }
  }
}

function createMemory(
  command: CreateMemory,
  state: MemoryState,
  limits: Limits,
  quotas: Quotas,
): MemoryEvent[] {
  if (state !== null) throw new AlreadyExistsError("A memory with this id already exists.");
  const d = command.data;
  const problems: Problems = [];
  const data = {
    memoryId: d.memoryId,
    title: checkTitle(d.title, limits, problems),
    content: checkContent(d.content, limits, problems),
    type: checkType(d.type, problems),
    status: checkSettableStatus(d.status, problems),
    tags: checkTags(d.tags, limits, problems),
    importance: checkUnitNumber("importance", d.importance, DEFAULT_IMPORTANCE, problems),
    confidence: checkUnitNumber("confidence", d.confidence, DEFAULT_CONFIDENCE, problems),
    metadata: checkMetadata(d.metadata, limits, problems),
    sourceUrl: checkSourceUrl(d.sourceUrl, problems),
    sessionId: checkOptionalUuid("sessionId", d.sessionId, problems),
    requestHash: d.requestHash ?? null,
  };
  if (!isUuid(d.memoryId)) problems.push({ field: "id", message: "id must be a UUID" });
  rejectIfAny(problems);
  if (d.usage) {
    checkQuota("memories", quotas.memories, d.usage.memories, 1);
    checkQuota("storedBytes", quotas.storedBytes, d.usage.storedBytes, storedBytesOf(data));
  }
  return [{ type: "MemoryCreated", data }];
}

/** Emits only the fields that really change; an edit that changes nothing emits nothing. */
function editMemory(command: EditMemory, state: MemoryFields, limits: Limits, quotas: Quotas): MemoryEvent[] {
  const d = command.data;
  const problems: Problems = [];
  const wanted: Omit<MemoryEditedData, "memoryId"> = {};
  if (d.title !== undefined) wanted.title = checkTitle(d.title, limits, problems);
  if (d.content !== undefined) wanted.content = checkContent(d.content, limits, problems);
  if (d.type !== undefined) wanted.type = checkType(d.type, problems);
  if (d.importance !== undefined)
    wanted.importance = checkUnitNumber("importance", d.importance, 0, problems);
  if (d.confidence !== undefined)
    wanted.confidence = checkUnitNumber("confidence", d.confidence, 0, problems);
  if (d.metadata !== undefined) wanted.metadata = checkMetadata(d.metadata, limits, problems);
  if (d.sourceUrl !== undefined) wanted.sourceUrl = checkSourceUrl(d.sourceUrl, problems);
  if (d.status !== undefined) wanted.status = checkSettableStatus(d.status, problems);
  rejectIfAny(problems);

  const changed: MemoryEditedData = { memoryId: state.id };
  for (const [field, value] of Object.entries(wanted) as [keyof typeof wanted, unknown][]) {
    if (canonicalJson(value) !== canonicalJson(state[field]))
      (changed as unknown as Record<string, unknown>)[field] = value;
  }
  if (changed.status !== undefined && state.status === "archived") {
    throw new IllegalStateError("An archived memory's status changes only by restoring it.");
  }
  if (d.usage) {
    const growth = storedBytesOf({ ...state, ...changed }) - storedBytesOf(state);
    checkQuota("storedBytes", quotas.storedBytes, d.usage.storedBytes, growth);
  }
  return Object.keys(changed).length === 1 ? [] : [{ type: "MemoryEdited", data: changed }];
}

function setTags(command: SetTags, state: MemoryFields, limits: Limits): MemoryEvent[] {
  const problems: Problems = [];
  if (command.data.tags === undefined) problems.push({ field: "tags", message: "tags is required" });
  const tags = checkTags(command.data.tags, limits, problems);
  rejectIfAny(problems);
  if (canonicalJson(tags) === canonicalJson(state.tags)) return [];
  return [{ type: "MemoryTagsSet", data: { memoryId: state.id, tags } }];
}

/** Linking the same target with the same type again is a no-op. */
function linkMemory(command: LinkMemory, state: MemoryFields): MemoryEvent[] {
  const problems: Problems = [];
  const targetId = checkOptionalUuid("targetId", command.data.targetId, problems);
  if (targetId === null && problems.length === 0)
    problems.push({ field: "targetId", message: "targetId is required" });
  if (targetId !== null && targetId === state.id.toLowerCase()) {
    problems.push({ field: "targetId", message: "a memory cannot link to itself" });
  }
  const linkType = checkLinkType(command.data.linkType, problems);
  rejectIfAny(problems);
  if (state.links.some((link) => link.targetId === targetId && link.type === linkType)) return [];
  return [{ type: "MemoryLinked", data: { memoryId: state.id, targetId: targetId!, linkType } }];
}

/** Archiving an archived memory is a no-op, so a retried archive succeeds. */
function archiveMemory(_command: ArchiveMemory, state: MemoryFields): MemoryEvent[] {
  if (state.status === "archived") return [];
  return [{ type: "MemoryArchived", data: { memoryId: state.id } }];
}

function restoreMemory(_command: RestoreMemory, state: MemoryFields): MemoryEvent[] {
  if (state.status !== "archived") throw new IllegalStateError("Only an archived memory can be restored.");
  return [{ type: "MemoryRestored", data: { memoryId: state.id } }];
}

function deleteMemory(_command: DeleteMemory, state: MemoryFields): MemoryEvent[] {
  return [{ type: "MemoryDeleted", data: { memoryId: state.id } }];
}

/** A memory that was never created, or was deleted, does not exist for clients. */
function existing(state: MemoryState): MemoryFields {
  if (state === null || state.deleted) throw new NotFoundError("Memory");
  return state;
}

function rejectIfAny(problems: Problems): void {
  if (problems.length > 0) throw new ValidationError("The memory is not valid.", problems);
}
