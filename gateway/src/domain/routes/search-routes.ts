import { memorySchemas, searchSchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute } from "../route.ts";

const tag = "Search";

export const SEARCH_ROUTES = [
  defineRoute({
    id: "searchMemories",
    apiKeyScope: "read",
    method: "POST",
    path: "/search",
    action: "search.query",
    tag,
    summary: "Search the caller's memories by meaning and by words",
    description:
      "Only the caller's own memories are searched. Search follows writes within moments (it is built from the event log asynchronously).",
    request: { body: schemas.SearchBody, bodyRequired: true },
    response: { description: "The best matches, best first.", schema: schemas.SearchResults },
  }),
  defineRoute({
    id: "similarMemories",
    apiKeyScope: "read",
    method: "GET",
    path: "/memories/:id/similar",
    action: "search.similar",
    tag,
    summary: "The caller's memories nearest in meaning to this one",
    request: { path: memorySchemas.MemoryIdParams, query: schemas.SimilarQuery },
    fromPath: { id: "id" },
    response: {
      description: "Nearest first; the memory itself is not included.",
      schema: schemas.SearchResults,
    },
  }),
];
