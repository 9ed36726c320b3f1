import { createHash, createHmac } from "node:crypto";
import { canonicalJson } from "../domain/rules.ts";

/**
 * Ids for creates under an Idempotency-Key. The memory id is a name-based (version 5) UUID of the
 * owner and the key, so every retry lands on the same stream; the event id also covers the request
 * hash, so an identical retry is deduplicated by the event store while a different body conflicts.
 */
const MEMORY_IDEMPOTENCY_NAMESPACE = "9c1d4b6e-3f2a-4e8b-a1c7-5d0e8f2b7a34";

/** RFC 4122 version 5: SHA-1 of namespace and name, with the version and variant bits set. */
export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function idempotentMemoryId(ownerId: string, idempotencyKey: string): string {
  return nameBasedUuid(MEMORY_IDEMPOTENCY_NAMESPACE, `memory\n${ownerId}\n${idempotencyKey}`);
}

export function idempotentCreatedEventId(memoryId: string, requestHash: string): string {
  return nameBasedUuid(MEMORY_IDEMPOTENCY_NAMESPACE, `MemoryCreated\n${memoryId}\n${requestHash}`);
}

/**
 * SHA-256 HMAC of the canonical request body, keyed with the owner's data key. A plain hash would
 * stay in the log after the owner is erased and let anyone confirm a guess of the content; keyed
 * with the data key it becomes meaningless once the key is destroyed (crypto-shredding).
 */
export function requestHash(dataKey: Buffer, body: unknown): string {
  return createHmac("sha256", dataKey).update(canonicalJson(body), "utf8").digest("hex");
}
