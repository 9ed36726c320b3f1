import { expect } from "chai";
import type { RecordedEvent } from "@second-brain/contracts";
import { memoryCacheKey } from "@second-brain/read-models";
import { erasedOwnerPrefixes, staleCacheKeys } from "../src/read-model/cache.keys.ts";

function recorded(streamId: string, ownerId: string, version: number, type = "MemoryEdited"): RecordedEvent {
  return {
    id: `${streamId}-${version}`,
    type,
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
    expect(keys).to.deep.equal([memoryCacheKey("u1", "a"), memoryCacheKey("u2", "b")]);
  });
});

describe("erasedOwnerPrefixes", () => {
  it("names each erased user's key prefix once, and nobody else's", () => {
    const prefixes = erasedOwnerPrefixes([
      recorded("user-u1", "u1", 1, "UserErased"),
      recorded("memory-a", "u2", 1),
      recorded("user-u1", "u1", 1, "UserErased"),
    ]);
    expect(prefixes).to.deep.equal(["u:u1:"]);
    expect(memoryCacheKey("u1", "a").startsWith(prefixes[0]!)).to.equal(true);
  });
});
