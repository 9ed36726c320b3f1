import { expect } from "chai";
import type { RecordedEvent } from "@second-brain/contracts";
import { staleCacheKeys } from "../src/read-model/cache.keys.ts";

function recorded(streamId: string, ownerId: string, version: number): RecordedEvent {
  return {
    id: `${streamId}-${version}`,
    type: "MemoryEdited",
    streamId,
    streamVersion: version,
    data: {},
    metadata: {
      actor: ownerId,
      ownerId,
      correlationId: "c",
      causationId: "c",
      occurredAt: "",
      schemaVersion: 1,
    },
    position: { commit: 1n, prepare: BigInt(version) },
    recordedAt: "",
  };
}

describe("staleCacheKeys", () => {
  it("names each touched memory once, under its owner, and skips other streams", () => {
    const keys = staleCacheKeys([
      recorded("memory-a", "u1", 1),
      recorded("memory-a", "u1", 2),
      recorded("session-s", "u1", 1),
      recorded("memory-b", "u2", 1),
    ]);
    expect(keys).to.deep.equal(["memory:u1:a", "memory:u2:b"]);
  });
});
