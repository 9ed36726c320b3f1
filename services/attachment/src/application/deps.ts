import type { Caller, Limits, Quotas } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import type { Keyring, ObjectStore, SqlPool } from "@second-brain/platform";
import type { AttachmentIndex } from "../read-model/attachment-index.ts";

/** What the attachment service needs from the outside world, given by the composition root. */
export interface AttachmentDeps {
  /** Where the attachment index and the log follower's checkpoint live. */
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  objects: ObjectStore;
  index: AttachmentIndex;
  limits: Pick<Limits, "maxFileBytes">;
  quotas: Pick<Quotas, "attachmentBytes">;
  /** Whether the memory exists for the caller (asked of the memory service, never its tables). */
  memoryExists(caller: Caller, memoryId: string): Promise<boolean>;
}
