/** OpenAPI path items of the search routes (routes/search-routes.ts); keys are full paths like "/api/v1/...". */
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]),
  );

const memoryTypes = ["episodic", "semantic", "procedural", "prospective", "working"];

const searchRequest = {
  type: "object",
  additionalProperties: false,
  required: ["query"],
  properties: {
    query: { type: "string", minLength: 1, maxLength: 1000 },
    mode: {
      type: "string",
      enum: ["hybrid", "semantic", "keyword"],
      default: "hybrid",
      description:
        "semantic: nearest by meaning; keyword: full-text rank; hybrid: reciprocal-rank fusion of both.",
    },
    limit: { type: "integer", minimum: 1, maximum: 50, default: 10 },
    filters: {
      type: "object",
      additionalProperties: false,
      properties: {
        tags: {
          type: "array",
          items: { type: "string", maxLength: 64 },
          description: "Every one of these tags.",
        },
        type: { type: "string", enum: memoryTypes },
        status: {
          type: "string",
          enum: ["draft", "active", "archived"],
          default: "active",
          description: "Deleted memories are never found.",
        },
        sessionId: { type: "string", format: "uuid" },
        from: { type: "string", format: "date-time", description: "Created at or after." },
        to: { type: "string", format: "date-time", description: "Created at or before." },
      },
    },
  },
};

const searchResults = {
  type: "object",
  required: ["results", "took"],
  properties: {
    results: {
      type: "array",
      items: {
        type: "object",
        required: ["memory", "score"],
        properties: {
          memory: { $ref: "#/components/schemas/Memory" },
          score: {
            type: "number",
            description:
              "Higher is better; comparable within one response only (its meaning depends on the mode).",
          },
          highlights: {
            type: "array",
            items: { type: "string" },
            description: "Excerpts of the content with the matched words in <mark>…</mark>.",
          },
        },
      },
    },
    took: { type: "number", description: "Milliseconds spent searching." },
  },
};

const json = (schema: object) => ({ "application/json": { schema } });

export const SEARCH_PATHS: Record<string, unknown> = {
  "/api/v1/search": {
    post: {
      operationId: "searchMemories",
      summary: "Search the caller's memories by meaning and by words",
      description:
        "Only the caller's own memories are searched. Search follows writes within moments (it is built from the event log asynchronously).",
      tags: ["Search"],
      requestBody: { required: true, content: json(searchRequest) },
      responses: {
        "200": { description: "The best matches, best first.", content: json(searchResults) },
        ...errors(400, 401, 413, 429, 503),
      },
    },
  },
  "/api/v1/memories/{id}/similar": {
    get: {
      operationId: "similarMemories",
      summary: "The caller's memories nearest in meaning to this one",
      tags: ["Search"],
      parameters: [
        { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
        {
          name: "limit",
          in: "query",
          required: false,
          schema: { type: "integer", minimum: 1, maximum: 50, default: 10 },
        },
      ],
      responses: {
        "200": {
          description: "Nearest first; the memory itself is not included.",
          content: json(searchResults),
        },
        ...errors(400, 401, 404, 429, 503),
      },
    },
  },
};
