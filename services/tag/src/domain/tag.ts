import {
  DEFAULT_LIMITS,
  NotFoundError,
  ValidationError,
  type Limits,
  type Problems,
  type TagEvent,
} from "@second-brain/contracts";
import type { Command, Decider, StreamEvent } from "@second-brain/command-handling";
import { checkColor, normaliseTagName } from "./rules.ts";

/** A tag's own settings (its stream); usage counts are a read model, not part of the aggregate. */
export interface TagSettings {
  name: string;
  color: string | null;
  parent: string | null;
  version: number;
  /** Renamed or merged away: the settings ended there. */
  retired: boolean;
}

export type TagSettingsState = TagSettings | null;

export type TagSettingsEvent = Extract<TagEvent, { type: "TagStyled" | "TagRetired" }>;

function evolve(state: TagSettingsState, event: StreamEvent<TagSettingsEvent>): TagSettingsState {
  const version = event.streamVersion;
  switch (event.type) {
    case "TagStyled":
      return {
        name: event.data.name,
        color: event.data.color,
        parent: event.data.parent,
        version,
        retired: false,
      };
    case "TagRetired":
      return state ? { ...state, color: null, parent: null, version, retired: true } : state;
    default: {
      const _unknown: never = event;
      return state;
    }
  }
}

/**
 * Sets a tag's colour and parent. `ancestorsOfParent` is the parent's own chain of parents (read
 * by the application), so a parent that would make a cycle is refused here, purely.
 */
export type StyleTag = Command<
  "StyleTag",
  {
    name: string;
    color?: unknown;
    parent?: unknown;
    ancestorsOfParent: string[];
    /** The tag is in use (count > 0) or has settings; styling an unknown tag is a 404. */
    known: boolean;
  }
>;

export type RetireTag = Command<"RetireTag", { name: string; into: string }>;

export type TagSettingsCommand = StyleTag | RetireTag;

/** A tag's settings under `limits` (the size limits are configuration). */
export function tagSettingsDecider(
  limits: Limits = DEFAULT_LIMITS,
): Decider<TagSettingsCommand, TagSettingsEvent, TagSettingsState> {
  return { initialState: () => null, evolve, decide: (command, state) => decide(command, state, limits) };
}

function decide(command: TagSettingsCommand, state: TagSettingsState, limits: Limits): TagSettingsEvent[] {
  switch (command.type) {
    case "StyleTag":
      return styleTag(command, state, limits);
    case "RetireTag":
      if (state === null || state.retired) return [];
      return [{ type: "TagRetired", data: { name: command.data.name, into: command.data.into } }];
    default: {
      const unknownCommand: never = command;
      throw new Error(`Unknown command ${(unknownCommand as { type: string }).type}`);
    }
  }
}

function styleTag(command: StyleTag, state: TagSettingsState, limits: Limits): TagSettingsEvent[] {
  const d = command.data;
  const problems: Problems = [];
  const current = state && !state.retired ? state : null;
  const color = d.color === undefined ? (current?.color ?? null) : checkColor(d.color, problems);
  let parent = current?.parent ?? null;
  if (d.parent !== undefined) {
    parent = d.parent === null ? null : normaliseTagName(d.parent, "parent", limits, problems);
    if (parent !== null && (parent === d.name || d.ancestorsOfParent.includes(d.name))) {
      problems.push({ field: "parent", message: "a tag cannot be its own ancestor" });
    }
  }
  if (problems.length > 0) throw new ValidationError("The tag is not valid.", problems);
  if (!d.known && current === null) throw new NotFoundError("Tag");
  if (current && current.color === color && current.parent === parent) return [];
  return [{ type: "TagStyled", data: { name: d.name, color, parent } }];
}
