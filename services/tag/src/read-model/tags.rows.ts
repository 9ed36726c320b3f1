import type { SqlClient } from "@second-brain/platform";
import type { TagMemoryRow, TagStyleRow } from "./tags.evolve.ts";

/** A tag's settings row's key within a batch. */
export const styleKey = (ownerId: string, name: string) => `${ownerId}\n${name}`;

/**
 * Moving the tag read model's rows between the database and the pure evolve (tags.evolve.ts): each
 * table's rows of a batch are read in one statement, locked until the batch commits, and written
 * back in one statement.
 */
export async function loadMemories(
  client: SqlClient,
  memoryIds: readonly string[],
): Promise<Map<string, TagMemoryRow>> {
  if (memoryIds.length === 0) return new Map();
  const { rows } = await client.query<{
    memory_id: string;
    owner_id: string;
    version: number;
    tags: string[];
    deleted: boolean;
  }>(
    `SELECT memory_id::text, owner_id, version, tags, deleted FROM tag_memories
      WHERE memory_id = ANY($1::uuid[]) ORDER BY memory_id FOR UPDATE`,
    [memoryIds],
  );
  return new Map(
    rows.map((row) => [
      row.memory_id,
      {
        memoryId: row.memory_id,
        ownerId: row.owner_id,
        version: row.version,
        tags: row.tags,
        deleted: row.deleted,
      },
    ]),
  );
}

export async function saveMemories(client: SqlClient, rows: readonly TagMemoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO tag_memories (memory_id, owner_id, version, tags, deleted)
     SELECT memory_id, owner_id, version, tags, deleted
       FROM jsonb_to_recordset($1::text::jsonb)
            AS r(memory_id uuid, owner_id text, version int, tags text[], deleted boolean)
     ON CONFLICT (memory_id) DO UPDATE SET version = EXCLUDED.version, tags = EXCLUDED.tags,
       deleted = EXCLUDED.deleted`,
    [
      JSON.stringify(
        rows.map((row) => ({
          memory_id: row.memoryId,
          owner_id: row.ownerId,
          version: row.version,
          tags: row.tags,
          deleted: row.deleted,
        })),
      ),
    ],
  );
}

export async function applyCounts(
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

export async function loadStyles(
  client: SqlClient,
  keys: ReadonlyMap<string, { ownerId: string; name: string }>,
): Promise<Map<string, TagStyleRow>> {
  if (keys.size === 0) return new Map();
  const wanted = [...keys.values()];
  const { rows } = await client.query<{
    owner_id: string;
    name: string;
    color: string | null;
    parent: string | null;
    version: number;
    retired: boolean;
  }>(
    `SELECT s.owner_id, s.name, s.color, s.parent, s.version, s.retired
       FROM tag_styles s JOIN unnest($1::text[], $2::text[]) AS k(owner_id, name)
         ON s.owner_id = k.owner_id AND s.name = k.name
      ORDER BY s.owner_id, s.name FOR UPDATE OF s`,
    [wanted.map((k) => k.ownerId), wanted.map((k) => k.name)],
  );
  return new Map(
    rows.map((row) => [
      styleKey(row.owner_id, row.name),
      {
        ownerId: row.owner_id,
        name: row.name,
        color: row.color,
        parent: row.parent,
        version: row.version,
        retired: row.retired,
      },
    ]),
  );
}

export async function saveStyles(client: SqlClient, rows: readonly TagStyleRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO tag_styles (owner_id, name, color, parent, version, retired)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::boolean[])
     ON CONFLICT (owner_id, name) DO UPDATE SET color = EXCLUDED.color, parent = EXCLUDED.parent,
       version = EXCLUDED.version, retired = EXCLUDED.retired`,
    [
      rows.map((row) => row.ownerId),
      rows.map((row) => row.name),
      rows.map((row) => row.color),
      rows.map((row) => row.parent),
      rows.map((row) => row.version),
      rows.map((row) => row.retired),
    ],
  );
}
