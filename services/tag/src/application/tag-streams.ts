import { createHash } from "node:crypto";
import {
  NotFoundError,
  TAG_EVENT_SCHEMA_VERSION,
  TAG_PERSONAL_FIELDS,
  TAG_STREAM_PREFIX,
  type Caller,
} from "@second-brain/contracts";
import { commandHandler } from "@second-brain/command-handling";
import { tagSettingsDecider } from "../domain/tag.ts";
import { tagOperationDecider } from "../domain/tag-operation.ts";
import type { TagDeps } from "./deps.ts";

/** One stream per (owner, tag name); hashed so any name makes a valid, fixed-length stream id. */
export function tagStreamId(ownerId: string, name: string): string {
  return (
    TAG_STREAM_PREFIX + createHash("sha256").update(`${ownerId}\n${name}`, "utf8").digest("hex").slice(0, 32)
  );
}

/**
 * The command path of tag settings streams. Names and colours are encrypted with the owner's key,
 * so an erased owner's tags cannot be read or written again (404).
 */
export function tagSettingsHandler(deps: Pick<TagDeps, "store" | "limits" | "keyring">) {
  return commandHandler({
    decider: tagSettingsDecider(deps.limits),
    store: deps.store,
    schemaVersion: TAG_EVENT_SCHEMA_VERSION,
    notFound: () => new NotFoundError("Tag"),
    encryption: { keyring: deps.keyring, personalFields: TAG_PERSONAL_FIELDS },
  });
}

/** The command path of rename and merge operations (see tag-operation-runner.ts). */
export function tagOperationHandler(deps: Pick<TagDeps, "store" | "keyring">) {
  return commandHandler({
    decider: tagOperationDecider,
    store: deps.store,
    schemaVersion: TAG_EVENT_SCHEMA_VERSION,
    notFound: () => new NotFoundError("Tag operation"),
    encryption: { keyring: deps.keyring, personalFields: TAG_PERSONAL_FIELDS },
  });
}

/** The caller who owns a tag stream: tag streams are per owner, so the owner reads as themself. */
export const ownerAsCaller = (ownerId: string): Caller => ({ userId: ownerId, role: "user" });
