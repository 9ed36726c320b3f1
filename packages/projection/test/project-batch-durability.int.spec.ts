import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { START_OF_LOG, USER_ERASED, type RecordedEvent } from "@second-brain/contracts";
import { countingPool, createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { ensureCheckpoint, migrateProjectionTables, projectBatch } from "../src/index.ts";

let position = 0n;
function recorded(type: string): RecordedEvent {
  position += 1n;
  return {
    id: randomUUID(),
    type,
    streamId: `s-${randomUUID()}`,
    streamVersion: 1,
    data: {},
    metadata: {
      actor: "u",
      ownerId: "u",
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
    position: { commit: position, prepare: position },
    recordedAt: new Date().toISOString(),
  };
}

describe("a projection batch's commit", function () {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase("sb_projection_commit");
    await migrateProjectionTables(database.pool);
    await ensureCheckpoint(database.pool, "durability");
  });
  after(async () => database?.drop());

  it("does not wait for the disk, except for a batch that erases an owner", async () => {
    const statements: string[] = [];
    const target = { pool: countingPool(database.pool, statements), name: "durability" };
    const handlers = { apply: async () => undefined };
    const plain = [recorded("Noted"), recorded("Noted")];
    await projectBatch(target, handlers, START_OF_LOG, plain);
    expect(statements[0]).to.equal("BEGIN; SET LOCAL synchronous_commit = off");

    statements.length = 0;
    await projectBatch(target, handlers, plain[1]!.position, [recorded("Noted"), recorded(USER_ERASED)]);
    expect(statements[0]).to.equal("BEGIN");
    expect(statements.join("\n")).to.not.match(/synchronous_commit/);
  });
});
