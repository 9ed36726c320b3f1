import { createHmac } from "node:crypto";
import { derivedId, nameBasedUuid } from "@second-brain/platform";
import { canonicalJson } from "../domain/rules.ts";

/**
 * Ids for creates. The memory id is derived from the command id (the Idempotency-Key scoped to
 * the caller, or the id the gateway gave the request), so every retry of one create lands on the
 * same stream; the created event's id also covers the request hash, so an identical retry is
 * deduplicated by the event store while another body under the same key conflicts.
 */
const MEMORY_IDEMPOTENCY_NAMESPACE = "9c1d4b6e-3f2a-4e8b-a1c7-5d0e8f2b7a34";

export function createdMemoryId(commandId: string): string {
  return derivedId(commandId, "memory");
}

export function createdEventId(memoryId: string, requestHash: string | null): string {
  return nameBasedUuid(MEMORY_IDEMPOTENCY_NAMESPACE, `MemoryCreated\n${memoryId}\n${requestHash ?? ""}`);
}

/**
 * SHA-256 HMAC of the canonical request body, keyed with the owner's data key. A plain hash would
 * stay in the log after the owner is erased and let anyone confirm a guess of the content; keyed
 * with the data key it becomes meaningless once the key is destroyed (crypto-shredding).
 */
export function requestHash(dataKey: Buffer, body: unknown): string {
  return createHmac("sha256", dataKey).update(canonicalJson(body), "utf8").digest("hex");
}
