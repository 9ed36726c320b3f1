import { ValidationError } from "@second-brain/contracts";
import type { ApiRequest, ApiRoute } from "../route-params.ts";

/** The tag in the path travels as `tag`, so a body's `name` (the new name) cannot stand in for it. */
const bodyWithPathTag = ({ body, path }: ApiRequest) => {
  if ("tag" in body) {
    throw new ValidationError("The tag comes from the path, not the body.", [
      { field: "tag", message: "is not allowed in the body" },
    ]);
  }
  return { ...body, tag: path.name };
};

export const TAG_ROUTES: readonly ApiRoute[] = [
  { id: "listTags", method: "GET", path: "/tags", action: "tag.list", params: () => ({}) },
  { id: "updateTag", method: "PATCH", path: "/tags/:name", action: "tag.update", params: bodyWithPathTag },
  { id: "mergeTag", method: "POST", path: "/tags/:name/merge", action: "tag.merge", params: bodyWithPathTag },
];
