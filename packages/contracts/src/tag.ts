/**
 * Tags as clients see them (API.md, Tags), and the events of the tag service: each tag's own
 * settings (colour, parent) in a stream per tag, and each rename or merge as an operation stream
 * that records which memories it re-tagged, so an interrupted one resumes where it stopped.
 * Tag names and colours say what a user keeps: they are personal (TAG_PERSONAL_FIELDS).
 */
export interface Tag {
  name: string;
  /** Memories (draft, active or archived; not deleted) carrying the tag. */
  count: number;
  parent?: string;
  color?: string;
}

export const TAG_STREAM_PREFIX = "tag-";
export const TAG_OPERATION_STREAM_PREFIX = "tagop-";
export const tagOperationStreamId = (operationId: string): string =>
  `${TAG_OPERATION_STREAM_PREFIX}${operationId}`;

export interface TagStyledData {
  name: string;
  color: string | null;
  parent: string | null;
}

/** The tag was renamed or merged into `into`; its own settings end here. */
export interface TagRetiredData {
  name: string;
  into: string;
}

export type TagOperationKind = "rename" | "merge";

export interface TagOperationStartedData {
  operationId: string;
  kind: TagOperationKind;
  from: string;
  into: string;
  /** The memories carrying `from` when the operation started: the work list. */
  memoryIds: string[];
}

export interface TagOperationMemoryRetaggedData {
  operationId: string;
  memoryId: string;
}

export interface TagOperationCompletedData {
  operationId: string;
}

export type TagEvent =
  | { type: "TagStyled"; data: TagStyledData }
  | { type: "TagRetired"; data: TagRetiredData }
  | { type: "TagOperationStarted"; data: TagOperationStartedData }
  | { type: "TagOperationMemoryRetagged"; data: TagOperationMemoryRetaggedData }
  | { type: "TagOperationCompleted"; data: TagOperationCompletedData };

export type TagEventType = TagEvent["type"];

export const TAG_EVENT_SCHEMA_VERSION = 1;

/**
 * Fields holding personal content, per tag event type: encrypted with the owner's data key before
 * the append (as MEMORY_PERSONAL_FIELDS), so an erasure leaves no tag name readable in the log.
 */
export const TAG_PERSONAL_FIELDS: Record<TagEventType, readonly string[]> = {
  TagStyled: ["name", "color", "parent"],
  TagRetired: ["name", "into"],
  TagOperationStarted: ["from", "into"],
  TagOperationMemoryRetagged: [],
  TagOperationCompleted: [],
};
