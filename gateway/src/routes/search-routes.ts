import { ValidationError } from "@second-brain/contracts";
import type { ApiRequest, ApiRoute } from "../route-params.ts";
import { bodyOnly } from "../route-params.ts";

/** `?limit=` arrives as a string; the service wants a number (and validates its range). */
function similarParams({ path, query }: ApiRequest): Record<string, unknown> {
  const unknown = Object.keys(query).filter((key) => key !== "limit");
  if (unknown.length > 0) {
    throw new ValidationError("Only limit is accepted in the query.", [
      ...unknown.map((field) => ({ field, message: "is not allowed" })),
    ]);
  }
  if (query.limit === undefined) return { id: path.id };
  if (typeof query.limit !== "string" || !/^\d{1,9}$/.test(query.limit)) {
    throw new ValidationError("limit must be a whole number.", [
      { field: "limit", message: "must be a whole number" },
    ]);
  }
  return { id: path.id, limit: Number(query.limit) };
}

export const SEARCH_ROUTES: readonly ApiRoute[] = [
  { id: "searchMemories", method: "POST", path: "/search", action: "search.query", params: bodyOnly },
  {
    id: "similarMemories",
    method: "GET",
    path: "/memories/:id/similar",
    action: "search.similar",
    params: similarParams,
  },
];
