import { DEFAULT_LIMITS, ValidationError, type Problems, type Tag } from "@second-brain/contracts";
import type { CallInfo } from "@second-brain/platform";
import { normaliseTagName } from "../domain/rules.ts";
import { ancestorsOf, findTag } from "../read-model/tags.queries.ts";
import type { TagDeps } from "./deps.ts";
import { tagSettingsHandler, tagStreamId } from "./tag-streams.ts";

/** The tag name from a path or body, normalised; a 400 when empty or too long. */
export function tagNameOf(value: unknown, field: string, deps: Pick<TagDeps, "limits">): string {
  const problems: Problems = [];
  const name = normaliseTagName(value, field, deps.limits ?? DEFAULT_LIMITS, problems);
  if (problems.length > 0) throw new ValidationError("The tag is not valid.", problems);
  return name;
}

/** Sets a tag's colour and/or parent (PATCH without a new name). Unknown tags are 404. */
export async function styleTag(
  deps: TagDeps,
  info: CallInfo,
  name: string,
  changes: { color?: unknown; parent?: unknown },
  now: Date,
  /** The tag was just renamed into: its count may not be in the read model yet. */
  justRenamed = false,
): Promise<Tag> {
  const ownerId = info.caller.userId;
  const known = justRenamed || (await findTag(deps.pool, ownerId, name)) !== null;
  const parent = typeof changes.parent === "string" ? changes.parent.trim().toLowerCase() : null;
  const ancestorsOfParent = parent ? await ancestorsOf(deps.pool, ownerId, parent) : [];
  // A retry of this very request answers with the settings its first attempt stored.
  const { state: settings } = await tagSettingsHandler(deps).handle(
    await tagStreamId(deps, ownerId, name),
    { type: "StyleTag", data: { name, ...changes, ancestorsOfParent, known }, metadata: { now } },
    info,
  );
  const count = (await findTag(deps.pool, ownerId, name))?.count ?? 0;
  return {
    name,
    count,
    ...(settings?.parent ? { parent: settings.parent } : {}),
    ...(settings?.color ? { color: settings.color } : {}),
  };
}
