import type { Tag } from "@second-brain/contracts";
import type { SqlPool } from "@second-brain/platform";

/** The owner's tags: every tag in use, and every tag with settings (a colour or parent) of its own. */
export async function listTags(pool: SqlPool, ownerId: string): Promise<Tag[]> {
  const { rows } = await pool.query<{
    name: string;
    count: number;
    color: string | null;
    parent: string | null;
  }>(
    `SELECT coalesce(c.name, s.name) AS name, coalesce(c.count, 0) AS count, s.color, s.parent
       FROM (SELECT name, count FROM tag_counts WHERE owner_id = $1 AND count > 0) c
       FULL JOIN (SELECT name, color, parent FROM tag_styles WHERE owner_id = $1 AND NOT retired) s
         ON s.name = c.name
      ORDER BY 1`,
    [ownerId],
  );
  return rows.map(toTag);
}

export async function findTag(pool: SqlPool, ownerId: string, name: string): Promise<Tag | null> {
  const tags = await pool.query<{ name: string; count: number; color: string | null; parent: string | null }>(
    `SELECT $2::text AS name,
            coalesce((SELECT count FROM tag_counts WHERE owner_id = $1 AND name = $2), 0) AS count,
            s.color, s.parent
       FROM (SELECT 1) one
       LEFT JOIN tag_styles s ON s.owner_id = $1 AND s.name = $2 AND NOT s.retired`,
    [ownerId, name],
  );
  const row = tags.rows[0]!;
  const known = row.count > 0 || row.color !== null || row.parent !== null;
  return known ? toTag(row) : null;
}

/** The memories carrying `name` (not deleted): the work list of a rename or merge. */
export async function memoriesWithTag(pool: SqlPool, ownerId: string, name: string): Promise<string[]> {
  const { rows } = await pool.query<{ memory_id: string }>(
    `SELECT memory_id::text FROM tag_memories
      WHERE owner_id = $1 AND NOT deleted AND tags @> ARRAY[$2::text] ORDER BY memory_id`,
    [ownerId, name],
  );
  return rows.map((row) => row.memory_id);
}

/** How many memories (not deleted) carry at least one of `names`. */
export async function countMemoriesTagged(pool: SqlPool, ownerId: string, names: string[]): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    "SELECT count(*) AS count FROM tag_memories WHERE owner_id = $1 AND NOT deleted AND tags && $2::text[]",
    [ownerId, names],
  );
  return Number(rows[0]!.count);
}

/** The chain of parents above `name` (its parent, the parent's parent, ...), to refuse cycles. */
export async function ancestorsOf(pool: SqlPool, ownerId: string, name: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `WITH RECURSIVE chain(name, depth) AS (
       SELECT parent, 1 FROM tag_styles WHERE owner_id = $1 AND name = $2 AND parent IS NOT NULL AND NOT retired
       UNION
       SELECT s.parent, c.depth + 1 FROM tag_styles s JOIN chain c ON s.owner_id = $1 AND s.name = c.name
        WHERE s.parent IS NOT NULL AND NOT s.retired AND c.depth < 64
     ) SELECT name FROM chain ORDER BY depth`,
    [ownerId, name],
  );
  return rows.map((row) => row.name);
}

/** Tags whose parent is `name`: re-parented when `name` is renamed or merged away. */
export async function childrenOf(pool: SqlPool, ownerId: string, name: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT name FROM tag_styles WHERE owner_id = $1 AND parent = $2 AND NOT retired ORDER BY name",
    [ownerId, name],
  );
  return rows.map((row) => row.name);
}

export async function runningOperations(pool: SqlPool): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    "SELECT id::text FROM tag_operations WHERE status = 'running' ORDER BY id",
  );
  return rows.map((row) => row.id);
}

function toTag(row: { name: string; count: number; color: string | null; parent: string | null }): Tag {
  return {
    name: row.name,
    count: Number(row.count),
    ...(row.parent !== null ? { parent: row.parent } : {}),
    ...(row.color !== null ? { color: row.color } : {}),
  };
}
