import { randomBytes, randomUUID } from "node:crypto";
import type { AttachmentEvent, MemoryCreatedData, MemoryEvent } from "@second-brain/contracts";
import { createPostgresEventStore, migrateEventStore, type EventStore } from "@second-brain/event-store";
import {
  createMemoryCache,
  createSqlKeyring,
  keyringMigrations,
  openEmbeddedDatabase,
  runMigrations,
  type Cache,
  type Keyring,
  type SqlPool,
} from "@second-brain/platform";
import { appendAttachmentEvent, appendMemoryEvents, createTestDatabase } from "@second-brain/testing";
import { MEMORY_COLUMNS } from "@second-brain/read-models";
import { createMemoriesDb, type MemoriesDb } from "../src/adapters/kysely.ts";
import { migrateMemoryViews } from "../src/migrations/index.ts";

/** A database with the log, the keyring and the read model, on PostgreSQL or PGlite. */
export interface Fixture {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  cache: Cache;
  db: MemoriesDb;
  /** Appends plain events to a memory's stream, encrypting personal fields as the writer does. */
  append(memoryId: string, ownerId: string, events: MemoryEvent[], at?: string): Promise<void>;
  /** Appends an attachment fact about one of the owner's memories, as the attachment service does. */
  attach(ownerId: string, event: AttachmentEvent): Promise<void>;
  /** The same with a given key (e.g. one written just before the owner's erasure). */
  appendWithKey(memoryId: string, ownerId: string, key: Buffer, events: MemoryEvent[]): Promise<void>;
  close(): Promise<void>;
}

export async function openFixture(kind: "postgres" | "pglite" = "postgres"): Promise<Fixture> {
  let pool: SqlPool;
  let drop: () => Promise<void>;
  if (kind === "postgres") {
    const database = await createTestDatabase("sb_memories");
    pool = database.pool;
    drop = database.drop;
  } else {
    pool = await openEmbeddedDatabase(undefined);
    drop = () => pool.end();
  }
  await migrateEventStore(pool);
  await runMigrations(pool, "keyring", keyringMigrations);
  await migrateMemoryViews(pool);
  const store = createPostgresEventStore(pool, { pollIntervalMs: 20, retryDelayMs: 50 });
  const keyring = createSqlKeyring(pool, randomBytes(32), { cacheMilliseconds: 0 });
  let clock = Date.parse("2026-11-26T08:00:00.000Z");
  const appendEncrypted = (
    memoryId: string,
    ownerId: string,
    key: Buffer,
    events: MemoryEvent[],
    at?: string,
  ) =>
    appendMemoryEvents(
      store,
      memoryId,
      ownerId,
      key,
      events,
      () => at ?? new Date((clock += 1000)).toISOString(),
    );
  return {
    pool,
    store,
    keyring,
    cache: createMemoryCache(),
    db: createMemoriesDb(pool),
    async attach(ownerId, event) {
      await keyring.ensureKey(ownerId);
      await appendAttachmentEvent(store, ownerId, (await keyring.getKey(ownerId))!, event);
    },
    async append(memoryId, ownerId, events, at) {
      await keyring.ensureKey(ownerId);
      await appendEncrypted(memoryId, ownerId, (await keyring.getKey(ownerId))!, events, at);
    },
    appendWithKey: (memoryId, ownerId, key, events) => appendEncrypted(memoryId, ownerId, key, events),
    async close() {
      await store.close();
      await drop();
    },
  };
}

export function created(memoryId: string, overrides: Partial<MemoryCreatedData> = {}): MemoryEvent {
  return {
    type: "MemoryCreated",
    data: {
      memoryId,
      title: `Title of ${memoryId.slice(0, 8)}`,
      content: `Content about oat milk and ${memoryId}`,
      type: "semantic",
      status: "active",
      tags: ["home"],
      importance: 0.5,
      confidence: 0.7,
      metadata: { source: "test" },
      sourceUrl: "https://example.com/a",
      sessionId: null,
      requestHash: null,
      ...overrides,
    },
  };
}

/** Every kind of event on one memory after its creation, so a replay covers them all. */
export function lifeOf(memoryId: string, step: number): MemoryEvent[] {
  const other = "99999999-9999-4999-8999-999999999999";
  const all: MemoryEvent[] = [
    { type: "MemoryEdited", data: { memoryId, content: `edited ${step}`, importance: 0.25 } },
    { type: "MemoryTagsSet", data: { memoryId, tags: ["work", `t${step}`] } },
    { type: "MemoryLinked", data: { memoryId, targetId: other, linkType: "related" } },
    { type: "MemoryArchived", data: { memoryId } },
    { type: "MemoryRestored", data: { memoryId } },
    { type: "MemoryDeleted", data: { memoryId } },
  ];
  return all.slice(0, step % (all.length + 1));
}

/** Rows as stored, every column, for row-for-row comparison. */
export async function snapshotRows(pool: SqlPool): Promise<unknown[]> {
  const { rows } = await pool.query(`SELECT ${MEMORY_COLUMNS.join(", ")} FROM memories ORDER BY id`);
  return rows;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const newId = (): string => randomUUID();
