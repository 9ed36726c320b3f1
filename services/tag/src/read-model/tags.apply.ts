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
import { decodeMemoryEvent, prefetchKeys, type KeyLookup } from "@second-brain/read-models";
import {
  countChanges,
  evolveTagMemory,
  evolveTagStyle,
  operationStatus,
  type TagMemoryRow,
  type TagStyleRow,
} from "./tags.evolve.ts";

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
 * Applies a batch to the tag read model on the transaction's client. Count changes of the whole
 * batch are summed per (owner, tag) and written at the end in one statement. Tag names are
 * encrypted in the log: an event whose owner has no key any more (erased) is skipped, and the
 * erasure's own event purges what the read model held of them.
 */
export async function applyTagEvents(
  client: SqlClient,
  events: readonly RecordedEvent[],
  keyOf: KeyLookup,
): Promise<void> {
  const counts = new Map<string, { ownerId: string; name: string; change: number }>();
  for (const event of events) {
    if (event.type === USER_ERASED) {
      // An erased user's tag names leave the read model with the rest of their data.
      const ownerId = event.metadata.ownerId;
      for (const [key, entry] of counts) if (entry.ownerId === ownerId) counts.delete(key);
      for (const table of ["tag_memories", "tag_counts", "tag_styles", "tag_operations"]) {
        await client.query(`DELETE FROM ${table} WHERE owner_id = $1`, [ownerId]);
      }
    } else if (event.streamId.startsWith(MEMORY_STREAM_PREFIX)) {
      if (!TAG_MEMORY_EVENTS.has(event.type)) continue;
      const decoded = await decodeMemoryEvent(event, keyOf);
      if (decoded.kind !== "memory") continue;
      const data = decoded.event.data as { memoryId: string; tags?: string[] };
      const before = await loadMemory(client, data.memoryId);
      const after = evolveTagMemory(before, {
        type: event.type,
        memoryId: data.memoryId,
        ownerId: event.metadata.ownerId,
        streamVersion: event.streamVersion,
        ...(data.tags ? { tags: data.tags } : {}),
      });
      if (!after || after === before) continue;
      await saveMemory(client, after);
      for (const [name, change] of countChanges(before, after)) {
        const key = `${after.ownerId}\n${name}`;
        const entry = counts.get(key) ?? { ownerId: after.ownerId, name, change: 0 };
        entry.change += change;
        counts.set(key, entry);
      }
    } else if (event.streamId.startsWith(TAG_OPERATION_STREAM_PREFIX)) {
      const status = operationStatus(event.type);
      if (!status) continue;
      const { operationId } = event.data as { operationId: string };
      // "completed" wins over "running" whatever order a redelivery brings them in.
      await client.query(
        `INSERT INTO tag_operations (id, owner_id, status) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET status = CASE WHEN tag_operations.status = 'completed'
           THEN 'completed' ELSE EXCLUDED.status END`,
        [operationId, event.metadata.ownerId, status],
      );
    } else if (event.streamId.startsWith(TAG_STREAM_PREFIX)) {
      if (event.type !== "TagStyled" && event.type !== "TagRetired") continue;
      const key = await keyOf(event.metadata.ownerId);
      if (!key) continue;
      const fields = TAG_PERSONAL_FIELDS[event.type as TagEventType];
      const data = decryptFields(event.data as TagStyledData, fields, key, event);
      const before = await loadStyle(client, event.metadata.ownerId, data.name);
      const after = evolveTagStyle(before, {
        type: event.type,
        ownerId: event.metadata.ownerId,
        name: data.name,
        color: data.color,
        parent: data.parent,
        streamVersion: event.streamVersion,
      });
      if (after && after !== before) await saveStyle(client, after);
    }
  }
  await applyCounts(
    client,
    [...counts.values()].filter((entry) => entry.change !== 0),
  );
}

async function loadMemory(client: SqlClient, memoryId: string): Promise<TagMemoryRow | null> {
  const { rows } = await client.query<{
    owner_id: string;
    version: number;
    tags: string[];
    deleted: boolean;
  }>("SELECT owner_id, version, tags, deleted FROM tag_memories WHERE memory_id = $1 FOR UPDATE", [memoryId]);
  const row = rows[0];
  return row
    ? { memoryId, ownerId: row.owner_id, version: row.version, tags: row.tags, deleted: row.deleted }
    : null;
}

async function saveMemory(client: SqlClient, row: TagMemoryRow): Promise<void> {
  await client.query(
    `INSERT INTO tag_memories (memory_id, owner_id, version, tags, deleted) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (memory_id) DO UPDATE SET version = EXCLUDED.version, tags = EXCLUDED.tags,
       deleted = EXCLUDED.deleted`,
    [row.memoryId, row.ownerId, row.version, row.tags, row.deleted],
  );
}

async function applyCounts(
  client: SqlClient,
  changes: { ownerId: string; name: string; change: number }[],
): Promise<void> {
  if (changes.length === 0) return;
  await client.query(
    `INSERT INTO tag_counts (owner_id, name, count)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
     ON CONFLICT (owner_id, name) DO UPDATE SET count = tag_counts.count + EXCLUDED.count`,
    [changes.map((c) => c.ownerId), changes.map((c) => c.name), changes.map((c) => c.change)],
  );
  await client.query(
    `DELETE FROM tag_counts t USING unnest($1::text[], $2::text[]) AS c(owner_id, name)
      WHERE t.owner_id = c.owner_id AND t.name = c.name AND t.count <= 0`,
    [changes.map((c) => c.ownerId), changes.map((c) => c.name)],
  );
}

async function loadStyle(client: SqlClient, ownerId: string, name: string): Promise<TagStyleRow | null> {
  const { rows } = await client.query<{
    color: string | null;
    parent: string | null;
    version: number;
    retired: boolean;
  }>("SELECT color, parent, version, retired FROM tag_styles WHERE owner_id = $1 AND name = $2 FOR UPDATE", [
    ownerId,
    name,
  ]);
  const row = rows[0];
  return row ? { ownerId, name, ...row } : null;
}

async function saveStyle(client: SqlClient, row: TagStyleRow): Promise<void> {
  await client.query(
    `INSERT INTO tag_styles (owner_id, name, color, parent, version, retired) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (owner_id, name) DO UPDATE SET color = EXCLUDED.color, parent = EXCLUDED.parent,
       version = EXCLUDED.version, retired = EXCLUDED.retired`,
    [row.ownerId, row.name, row.color, row.parent, row.version, row.retired],
  );
}
