import {
  IllegalStateError,
  ValidationError,
  type TagEvent,
  type TagOperationKind,
} from "@second-brain/contracts";
import type { Command, Decider, StreamEvent } from "@second-brain/command-handling";

/**
 * A rename or merge as its own aggregate: the work list is fixed when it starts, each memory is
 * ticked off once re-tagged, and it completes when every memory is done. Re-running any step
 * emits nothing new, which is what lets an interrupted operation simply be run again.
 */
export interface TagOperation {
  id: string;
  kind: TagOperationKind;
  from: string;
  into: string;
  memoryIds: string[];
  done: Set<string>;
  completed: boolean;
  version: number;
}

export type TagOperationState = TagOperation | null;

export type TagOperationEvent = Extract<
  TagEvent,
  { type: "TagOperationStarted" | "TagOperationMemoryRetagged" | "TagOperationCompleted" }
>;

function evolve(state: TagOperationState, event: StreamEvent<TagOperationEvent>): TagOperationState {
  const version = event.streamVersion;
  switch (event.type) {
    case "TagOperationStarted": {
      const { operationId, kind, from, into, memoryIds } = event.data;
      return { id: operationId, kind, from, into, memoryIds, done: new Set(), completed: false, version };
    }
    case "TagOperationMemoryRetagged":
      return state && { ...state, done: new Set(state.done).add(event.data.memoryId), version };
    case "TagOperationCompleted":
      return state && { ...state, completed: true, version };
    default: {
      const _unknown: never = event;
      return state;
    }
  }
}

export type TagOperationCommand =
  | Command<
      "StartTagOperation",
      { operationId: string; kind: TagOperationKind; from: string; into: string; memoryIds: string[] }
    >
  | Command<"MarkMemoryRetagged", { memoryId: string }>
  | Command<"CompleteTagOperation", Record<string, never>>;

function decide(command: TagOperationCommand, state: TagOperationState): TagOperationEvent[] {
  switch (command.type) {
    case "StartTagOperation": {
      if (state !== null) return [];
      if (command.data.from === command.data.into) {
        throw new ValidationError("A tag cannot be merged into itself.", [
          { field: "into", message: "must differ from the tag being renamed or merged" },
        ]);
      }
      return [
        {
          type: "TagOperationStarted",
          data: { ...command.data, memoryIds: [...new Set(command.data.memoryIds)] },
        },
      ];
    }
    case "MarkMemoryRetagged": {
      const operation = started(state);
      const { memoryId } = command.data;
      if (operation.done.has(memoryId) || !operation.memoryIds.includes(memoryId)) return [];
      return [{ type: "TagOperationMemoryRetagged", data: { operationId: operation.id, memoryId } }];
    }
    case "CompleteTagOperation": {
      const operation = started(state);
      if (operation.completed) return [];
      if (operation.memoryIds.some((id) => !operation.done.has(id))) {
        throw new IllegalStateError("The operation still has memories to re-tag.");
      }
      return [{ type: "TagOperationCompleted", data: { operationId: operation.id } }];
    }
    default: {
      const unknownCommand: never = command;
      throw new Error(`Unknown command ${(unknownCommand as { type: string }).type}`);
    }
  }
}

export const tagOperationDecider: Decider<TagOperationCommand, TagOperationEvent, TagOperationState> = {
  initialState: () => null,
  evolve,
  decide,
};

function started(state: TagOperationState): TagOperation {
  if (state === null) throw new IllegalStateError("The operation was never started.");
  return state;
}

/** The memory's tags with `from` replaced by `into` (once, in place), or null when it lacks `from`. */
export function retaggedTags(tags: readonly string[], from: string, into: string): string[] | null {
  if (!tags.includes(from)) return null;
  const next: string[] = [];
  for (const tag of tags) {
    const name = tag === from ? into : tag;
    if (!next.includes(name)) next.push(name);
  }
  return next;
}
