import { DEFAULT_LIMITS, NotFoundError, ValidationError, type Tag } from "@second-brain/contracts";
import { checkStyling, normaliseTagName } from "../domain/tag-rules.ts";
import { ancestorsOf, findTag } from "../read-model/tags.queries.ts";
import { styleTag, tagNameOf } from "./style-tag.ts";
import type { CallInfo } from "@second-brain/platform";
import type { TagDeps } from "./tag-deps.ts";
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

  const operation = into !== from ? await rename(from, into) : undefined;
  if (Object.keys(styling).length === 0) {
    const tag = await findTag(deps.pool, ownerId, into);
    if (!tag && !operation) throw new NotFoundError("Tag");
    return { ...(tag ?? { name: into, count: 0 }), ...(operation ? { operation } : {}) };
  }
  const tag = await styleTag(deps, info, into, styling, now, operation !== undefined);
  return { ...tag, ...(operation ? { operation } : {}) };
}
