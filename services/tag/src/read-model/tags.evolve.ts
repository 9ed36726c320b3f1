/**
 * Pure folds of the tag read model. Usage counts come from memory events: a memory counts for each
 * of its tags while it exists — draft, active or archived (an archived memory still carries its
 * tags, shows up under `?status=archived`, and a rename must re-tag it too); a deleted one does not.
 */

/** The tags a memory carries, as last seen in its stream. */
export interface TagMemoryRow {
  memoryId: string;
  ownerId: string;
  version: number;
  tags: string[];
  deleted: boolean;
}

export interface MemoryTagFacts {
  type: string;
  memoryId: string;
  ownerId: string;
  streamVersion: number;
  tags?: string[];
}

/**
 * Only creations, tag changes and deletions matter. A row records the version of the last one it
 * applied: an event at or below it was applied before (events of a stream arrive in order), so a
 * repeated delivery returns the row unchanged. The deleted row stays as a tombstone. A memory gets
 * its row with its first tag: until then there is nothing to count or rename, and a tag change
 * without a row is a memory created untagged (the memory service decides tag changes only for
 * memories that exist and are not deleted).
 */
export function evolveTagMemory(row: TagMemoryRow | null, event: MemoryTagFacts): TagMemoryRow | null {
  if (row && event.streamVersion <= row.version) return row;
  switch (event.type) {
    case "MemoryCreated":
      if (row || !event.tags?.length) return row;
      return {
        memoryId: event.memoryId,
        ownerId: event.ownerId,
        version: event.streamVersion,
        tags: [...event.tags],
        deleted: false,
      };
    case "MemoryTagsSet":
      if (!row) {
        return {
          memoryId: event.memoryId,
          ownerId: event.ownerId,
          version: event.streamVersion,
          tags: [...(event.tags ?? [])],
          deleted: false,
        };
      }
      return row.deleted ? row : { ...row, version: event.streamVersion, tags: [...(event.tags ?? [])] };
    case "MemoryDeleted":
      return row ? { ...row, version: event.streamVersion, deleted: true } : row;
    default:
      return row;
  }
}

/** How each tag's count changes when a memory's row goes from `before` to `after`. */
export function countChanges(before: TagMemoryRow | null, after: TagMemoryRow | null): Map<string, number> {
  const changes = new Map<string, number>();
  const counted = (row: TagMemoryRow | null) => (row && !row.deleted ? row.tags : []);
  for (const tag of counted(before)) changes.set(tag, (changes.get(tag) ?? 0) - 1);
  for (const tag of counted(after)) changes.set(tag, (changes.get(tag) ?? 0) + 1);
  for (const [tag, change] of changes) if (change === 0) changes.delete(tag);
  return changes;
}

/** A tag's settings as listed; `streamVersion` guards against repeated delivery. */
export interface TagStyleRow {
  ownerId: string;
  name: string;
  color: string | null;
  parent: string | null;
  version: number;
  retired: boolean;
}

export interface TagStyleFacts {
  type: "TagStyled" | "TagRetired";
  ownerId: string;
  name: string;
  color?: string | null;
  parent?: string | null;
  streamVersion: number;
}

export function evolveTagStyle(row: TagStyleRow | null, event: TagStyleFacts): TagStyleRow | null {
  if (row && event.streamVersion <= row.version) return row;
  if (event.type === "TagStyled") {
    return {
      ownerId: event.ownerId,
      name: event.name,
      color: event.color ?? null,
      parent: event.parent ?? null,
      version: event.streamVersion,
      retired: false,
    };
  }
  return row ? { ...row, color: null, parent: null, version: event.streamVersion, retired: true } : row;
}

export type TagOperationStatus = "running" | "completed";

/** Which operations are unfinished, so a restarted service resumes them. */
export function operationStatus(type: string): TagOperationStatus | null {
  if (type === "TagOperationStarted") return "running";
  if (type === "TagOperationCompleted") return "completed";
  return null;
}
