import { createHash } from "node:crypto";
import {
  NotFoundError,
  TAG_EVENT_SCHEMA_VERSION,
  TAG_PERSONAL_FIELDS,
  TAG_STREAM_PREFIX,
  type Caller,
} from "@second-brain/contracts";
import { commandHandler } from "@second-brain/command-handling";
import { keyedDigest } from "@second-brain/platform";
import { tagSettingsDecider } from "../domain/tag.ts";
import { tagOperationDecider } from "../domain/tag-operation.ts";
import type { TagDeps } from "./deps.ts";

/**
 * One stream per (owner, tag name), named by a digest keyed with the owner's data key: any name
 * makes a valid, fixed-length stream id, and once the owner is erased nobody can confirm a guessed
 * tag name from the ids left in the log. A tag styled before ids were keyed keeps its stream. An
 * erased owner's tags have no stream any more (404).
 */
export async function tagStreamId(
  deps: Pick<TagDeps, "store" | "keyring">,
  ownerId: string,
  name: string,
): Promise<string> {
  const key = await deps.keyring.getKey(ownerId);
  if (key === undefined) throw new NotFoundError("Tag");
  const keyed = TAG_STREAM_PREFIX + keyedDigest(key, "tag stream id", `${ownerId}\n${name}`).slice(0, 32);
  const unkeyed = unkeyedTagStreamId(ownerId, name);
  const [keyedVersion, unkeyedVersion] = await Promise.all([
    deps.store.streamVersion(keyed),
    deps.store.streamVersion(unkeyed),
  ]);
  return keyedVersion === 0 && unkeyedVersion > 0 ? unkeyed : keyed;
}

/** How tag streams were named before their ids were keyed: a plain hash of owner and name. */
export function unkeyedTagStreamId(ownerId: string, name: string): string {
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
