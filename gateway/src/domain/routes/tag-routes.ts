import { tagSchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute } from "../route.ts";

const tag = "Tags";
/** The tag in the path travels as `tag`, so a body's `name` (the new name) cannot stand in for it. */
const fromPath = { tag: "name" };

export const TAG_ROUTES = [
  defineRoute({
    id: "listTags",
    apiKeyScope: "read",
    method: "GET",
    path: "/tags",
    action: "tag.list",
    tag,
    summary: "The caller's tags with usage counts",
    description: "Counts cover draft, active and archived memories; deleted ones do not count.",
    response: { description: "Every tag in use or with settings.", schema: schemas.TagList },
  }),
  defineRoute({
    id: "updateTag",
    apiKeyScope: "write",
    method: "PATCH",
    path: "/tags/:name",
    action: "tag.update",
    tag,
    summary: "Rename, recolour or re-parent a tag",
    description: "A rename onto a tag that already exists is a 409 ALREADY_EXISTS: merge into it instead.",
    request: { path: schemas.TagPath, body: schemas.UpdateTagBody, bodyRequired: true },
    fromPath,
    response: {
      description: "The tag (under its new name); `operation` when it was renamed.",
      schema: schemas.UpdatedTag,
    },
    errors: [409],
  }),
  defineRoute({
    id: "mergeTag",
    apiKeyScope: "write",
    method: "POST",
    path: "/tags/:name/merge",
    action: "tag.merge",
    tag,
    summary: "Merge a tag into another: every memory carrying it is re-tagged",
    request: { path: schemas.TagPath, body: schemas.MergeTagBody, bodyRequired: true },
    fromPath,
    response: { description: "The operation.", schema: schemas.TagOperation },
    errors: [409],
  }),
];
