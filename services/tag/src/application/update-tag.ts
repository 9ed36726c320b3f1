import { DEFAULT_LIMITS, NotFoundError, ValidationError, type Tag } from "@second-brain/contracts";
import { checkStyling, normaliseTagName } from "../domain/rules.ts";
import type { TagSettings } from "../domain/tag.ts";
import { ancestorsOf, countMemoriesTagged, findTag } from "../read-model/tags.queries.ts";
import { styleTag, tagNameOf } from "./style-tag.ts";
import { tagSettingsHandler, tagStreamId } from "./tag-streams.ts";
import type { CallInfo } from "@second-brain/platform";
import type { TagDeps } from "./deps.ts";
import type { TagOperationResult } from "./tag-operation-runner.ts";

export interface UpdateTagRequest {
  tag: string;
  name?: string;
  color?: string | null;
  parent?: string | null;
}

/** Starts a rename (re-tagging every memory) and reports how far it got. */
export type Rename = (from: string, into: string) => Promise<TagOperationResult>;

/**
 * PATCH /tags/:name: rename, recolour and re-parent in one request. Everything is validated
 * before anything changes, so a bad colour or a parent cycle never leaves a rename half done.
 */
export async function updateTag(
  deps: TagDeps,
  info: CallInfo,
  request: UpdateTagRequest,
  now: Date,
  rename: Rename,
): Promise<Tag & { operation?: TagOperationResult }> {
  const ownerId = info.caller.userId;
  const from = tagNameOf(request.tag, "name", deps);
  const into = request.name === undefined ? from : tagNameOf(request.name, "name", deps);
  const styling = {
    ...(request.color !== undefined ? { color: request.color } : {}),
    ...(request.parent !== undefined ? { parent: request.parent } : {}),
  };
  // The parent's chain is looked up under its normalised name; checkStyling reports a bad one.
  const parent =
    typeof styling.parent === "string"
      ? normaliseTagName(styling.parent, "parent", deps.limits ?? DEFAULT_LIMITS, [])
      : "";
  const ancestors = parent ? await ancestorsOf(deps.pool, ownerId, parent) : [];
  const problems = checkStyling(into, styling, ancestors, deps.limits);
  if (problems.length > 0) throw new ValidationError("The tag is not valid.", problems);

  if (into === from) {
    if (Object.keys(styling).length > 0) return styleTag(deps, info, into, styling, now);
    const tag = await findTag(deps.pool, ownerId, into);
    if (!tag) throw new NotFoundError("Tag");
    return tag;
  }
  // Read before the rename moves them: the settings `into` takes over when it has none of its own.
  const source = await activeSettings(deps, info, from);
  const operation = await rename(from, into);
  const tag =
    Object.keys(styling).length > 0
      ? await styleTag(deps, info, into, styling, now, true)
      : settingsAfterRename(source, await activeSettings(deps, info, into), into);
  // Every memory carries `from` or `into` at any moment of the rename, so this counts what `into`
  // has once it is done, whether or not the read model has caught up with the re-tagging yet.
  const count = await countMemoriesTagged(deps.pool, ownerId, [from, into]);
  return { ...tag, count, operation };
}

/**
 * A tag's colour and parent as its settings stream holds them (null when it has none, or they
 * ended in a rename): read from the log, as the tag list may not have caught up with a styling
 * made just before.
 */
async function activeSettings(deps: TagDeps, info: CallInfo, name: string): Promise<TagSettings | null> {
  const streamId = await tagStreamId(deps, info.caller.userId, name);
  const { state } = await tagSettingsHandler(deps).load(streamId, info.caller);
  return state && !state.retired ? state : null;
}

/**
 * `into` with its own settings, else with those it takes over from the renamed tag (as
 * tag-operation-runner.ts moves them): the tag as the rename leaves it, finished or still running.
 */
function settingsAfterRename(
  source: TagSettings | null,
  target: TagSettings | null,
  into: string,
): Omit<Tag, "count"> {
  const settings = target ?? source;
  return {
    name: into,
    ...(settings?.parent && settings.parent !== into ? { parent: settings.parent } : {}),
    ...(settings?.color ? { color: settings.color } : {}),
  };
}
