import {
  MEMORY_STREAM_PREFIX,
  USER_ERASED,
  TAG_OPERATION_STREAM_PREFIX,
  TAG_PERSONAL_FIELDS,
  TAG_STREAM_PREFIX,
  type RecordedEvent,
  type TagEventType,
  type TagStyledData,
} from "@second-brain/contracts";
import { decryptFields, type Keyring, type SqlClient } from "@second-brain/platform";
import { prefetchKeys, type KeyLookup } from "@second-brain/read-models";
import {
  countChanges,
  evolveTagMemory,
  evolveTagStyle,
  operationStatus,
  type MemoryTagFacts,
  type TagOperationStatus,
  type TagStyleFacts,
} from "./tags.evolve.ts";
import { applyCounts, loadMemories, loadStyles, saveMemories, saveStyles, styleKey } from "./tags.rows.ts";

const TAG_MEMORY_EVENTS: ReadonlySet<string> = new Set(["MemoryCreated", "MemoryTagsSet", "MemoryDeleted"]);

/** Keys of the owners whose tag names the batch carries, fetched before the transaction (see prefetchKeys). */
export function prefetchTagKeys(keyring: Keyring, events: readonly RecordedEvent[]): Promise<KeyLookup> {
  return prefetchKeys(
    keyring,
    events,
    (event) =>
      (event.streamId.startsWith(MEMORY_STREAM_PREFIX) && TAG_MEMORY_EVENTS.has(event.type)) ||
      event.streamId.startsWith(TAG_STREAM_PREFIX),
  );
}

/**
 * Applies a batch to the tag read model on the transaction's client, in a fixed number of
 * statements however many events it holds: the rows the batch touches are read in one statement
 * per table (locked until commit), folded in memory in log order, and written back in one
 * statement per table; count changes are summed per (owner, tag). A memory that never carried a
 * tag has no row (nothing to count, nothing to rename). Tag names are encrypted in the log: an
 * event whose owner has no key any more (erased) is skipped, and the erasure's own event purges
 * what the read model held of them.
 */
export async function applyTagEvents(
  client: SqlClient,
  events: readonly RecordedEvent[],
  keyOf: KeyLookup,
): Promise<void> {
  const facts = await readFacts(events, keyOf);
  const memories = await loadMemories(client, facts.memoryIds);
  const styles = await loadStyles(client, facts.styleKeys);
  const changedMemories = new Set<string>();
  const changedStyles = new Set<string>();
  const counts = new Map<string, { ownerId: string; name: string; change: number }>();
  const erased = new Set<string>();
  for (const fact of facts.list) {
    if (fact.kind === "erased") {
      // An erased user's tag names leave the read model with the rest of their data.
      erased.add(fact.ownerId);
    } else if (fact.kind === "memory") {
      const before = memories.get(fact.memoryId) ?? null;
      const after = evolveTagMemory(before, fact);
      if (!after || after === before) continue;
      memories.set(fact.memoryId, after);
      changedMemories.add(fact.memoryId);
      for (const [name, change] of countChanges(before, after)) {
        const key = `${after.ownerId}\n${name}`;
        const entry = counts.get(key) ?? { ownerId: after.ownerId, name, change: 0 };
        entry.change += change;
        counts.set(key, entry);
      }
    } else if (fact.kind === "style") {
      const key = styleKey(fact.ownerId, fact.name);
      const before = styles.get(key) ?? null;
      const after = evolveTagStyle(before, fact);
      if (!after || after === before) continue;
      styles.set(key, after);
      changedStyles.add(key);
    } else {
      // "completed" wins over "running" whatever order a redelivery brings them in.
      await client.query(
        `INSERT INTO tag_operations (id, owner_id, status) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET status = CASE WHEN tag_operations.status = 'completed'
           THEN 'completed' ELSE EXCLUDED.status END`,
        [fact.operationId, fact.ownerId, fact.status],
      );
    }
  }
  for (const ownerId of erased) {
    for (const table of ["tag_memories", "tag_counts", "tag_styles", "tag_operations"]) {
      await client.query(`DELETE FROM ${table} WHERE owner_id = $1`, [ownerId]);
    }
  }
  const kept = <T extends { ownerId: string }>(rows: (T | undefined)[]) =>
    rows.filter((row): row is T => row !== undefined && !erased.has(row.ownerId));
  await saveMemories(client, kept([...changedMemories].map((id) => memories.get(id))));
  await saveStyles(client, kept([...changedStyles].map((key) => styles.get(key))));
  await applyCounts(
    client,
    [...counts.values()].filter((entry) => entry.change !== 0 && !erased.has(entry.ownerId)),
  );
}

/** What the tag read model takes from one event, decrypted; in log order. */
type TagFact =
  | { kind: "erased"; ownerId: string }
  | ({ kind: "memory" } & MemoryTagFacts)
  | ({ kind: "style" } & TagStyleFacts)
  | { kind: "operation"; operationId: string; ownerId: string; status: TagOperationStatus };

async function readFacts(
  events: readonly RecordedEvent[],
  keyOf: KeyLookup,
): Promise<{
  list: TagFact[];
  memoryIds: string[];
  styleKeys: Map<string, { ownerId: string; name: string }>;
}> {
  const list: TagFact[] = [];
  for (const event of events) {
    const fact = await readFact(event, keyOf);
    if (fact) list.push(fact);
  }
  const memoryIds = [...new Set(list.flatMap((fact) => (fact.kind === "memory" ? [fact.memoryId] : [])))];
  const styleKeys = new Map(
    list.flatMap((fact) =>
      fact.kind === "style"
        ? [[styleKey(fact.ownerId, fact.name), { ownerId: fact.ownerId, name: fact.name }] as const]
        : [],
    ),
  );
  return { list, memoryIds, styleKeys };
}

async function readFact(event: RecordedEvent, keyOf: KeyLookup): Promise<TagFact | null> {
  const ownerId = event.metadata.ownerId;
  if (event.type === USER_ERASED) return { kind: "erased", ownerId };
  if (event.streamId.startsWith(MEMORY_STREAM_PREFIX)) {
    if (!TAG_MEMORY_EVENTS.has(event.type)) return null;
    const data = event.data as { memoryId: string; tags?: unknown };
    // No key: the owner was erased (crypto-shredding), and nothing of theirs is projected.
    const key = await keyOf(ownerId);
    if (!key) return null;
    // Only the tags are read: the rest of the memory is none of this model's business.
    if (data.tags === undefined) return { kind: "memory", ...memoryFacts(event, data.memoryId) };
    const { tags } = decryptFields(data, ["tags"], key, event) as { tags?: string[] };
    return { kind: "memory", ...memoryFacts(event, data.memoryId), ...(tags ? { tags } : {}) };
  }
  if (event.streamId.startsWith(TAG_OPERATION_STREAM_PREFIX)) {
    const status = operationStatus(event.type);
    if (!status) return null;
    return {
      kind: "operation",
      operationId: (event.data as { operationId: string }).operationId,
      ownerId,
      status,
    };
  }
  if (event.streamId.startsWith(TAG_STREAM_PREFIX)) {
    if (event.type !== "TagStyled" && event.type !== "TagRetired") return null;
    const key = await keyOf(ownerId);
    if (!key) return null;
    const fields = TAG_PERSONAL_FIELDS[event.type as TagEventType];
    const data = decryptFields(event.data as TagStyledData, fields, key, event);
    return {
      kind: "style",
      type: event.type,
      ownerId,
      name: data.name,
      color: data.color,
      parent: data.parent,
      streamVersion: event.streamVersion,
    };
  }
  return null;
}

const memoryFacts = (event: RecordedEvent, memoryId: string): MemoryTagFacts => ({
  type: event.type,
  memoryId,
  ownerId: event.metadata.ownerId,
  streamVersion: event.streamVersion,
});
