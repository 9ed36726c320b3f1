import { expect } from "chai";
import type { SessionEventEnvelope } from "../src/domain/session.ts";
import { evolveSessionMemory, evolveSessionRow, type SessionRow } from "../src/read-model/sessions.evolve.ts";

const ID = "11111111-1111-4111-8111-111111111111";
const MEMORY = "22222222-2222-4222-8222-222222222222";
const at = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`;
const envelope = (event: object, streamVersion: number, minute = 0) =>
  ({
    ...event,
    streamVersion,
    metadata: { ownerId: "alice", occurredAt: at(minute) },
  }) as SessionEventEnvelope;

describe("sessions read model evolve", () => {
  const events = [
    envelope({ type: "SessionStarted", data: { sessionId: ID, title: "T", context: { k: "v" } } }, 1),
    envelope(
      { type: "SessionMessageAdded", data: { sessionId: ID, messageId: "m", role: "user", content: "c" } },
      2,
      1,
    ),
    envelope({ type: "SessionClosed", data: { sessionId: ID } }, 3, 2),
  ];
  const fold = (list: SessionEventEnvelope[]) => list.reduce<SessionRow | null>(evolveSessionRow, null);

  it("folds a session into its row", () => {
    expect(fold(events)).to.deep.equal({
      id: ID,
      ownerId: "alice",
      version: 3,
      title: "T",
      context: { k: "v" },
      status: "closed",
      messageCount: 1,
      createdAt: at(0),
      updatedAt: at(2),
    });
  });

  it("ignores events it already applied (repeated delivery)", () => {
    expect(fold([...events, ...events])).to.deep.equal(fold(events));
  });

  it("learns a session's memories from memory events, and a late duplicate cannot revive a deleted one", () => {
    const created = {
      type: "MemoryCreated",
      memoryId: MEMORY,
      sessionId: ID,
      ownerId: "alice",
      streamVersion: 1,
      occurredAt: at(0),
    };
    const deleted = { ...created, type: "MemoryDeleted", sessionId: null, streamVersion: 4 };
    const row = evolveSessionMemory(null, created);
    expect(row).to.include({ sessionId: ID, deleted: false, version: 1 });
    expect(evolveSessionMemory(row, created)).to.equal(row);
    const gone = evolveSessionMemory(row, deleted);
    expect(gone).to.include({ deleted: true, version: 4 });
    expect(evolveSessionMemory(gone, created)).to.equal(gone);
    expect(evolveSessionMemory(null, { ...created, sessionId: null })).to.equal(null);
  });
});
