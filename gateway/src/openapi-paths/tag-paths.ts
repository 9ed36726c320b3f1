/** OpenAPI path items of the tag routes (routes/tag-routes.ts); keys are full paths like "/api/v1/...". */
const json = (schema: unknown) => ({ "application/json": { schema } });
const errorRef = { $ref: "#/components/schemas/Error" };
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: "Error", content: json(errorRef) }]));
const tagName = { type: "string", minLength: 1, maxLength: 64 };
const nameParam = { name: "name", in: "path", required: true, schema: tagName };
const color = { type: ["string", "null"], pattern: "^#[0-9a-fA-F]{6}$" };
const tag = {
  type: "object",
  required: ["name", "count"],
  properties: { name: tagName, count: { type: "integer" }, parent: tagName, color: { type: "string" } },
};
const operation = {
  type: "object",
  description:
    "A rename or merge: every memory carrying the tag is re-tagged. It finishes even when the answer " +
    'comes first (status "running"), including after a restart of the tag service.',
  properties: {
    id: { type: "string", format: "uuid" },
    kind: { enum: ["rename", "merge"] },
    from: tagName,
    into: tagName,
    status: { enum: ["running", "completed"] },
    total: { type: "integer" },
    retagged: { type: "integer" },
  },
};

export const TAG_PATHS: Record<string, unknown> = {
  "/api/v1/tags": {
    get: {
      operationId: "listTags",
      summary: "The caller's tags with usage counts",
      description: "Counts cover draft, active and archived memories; deleted ones do not count.",
      tags: ["Tags"],
      responses: {
        "200": {
          description: "Every tag in use or with settings",
          content: json({ type: "array", items: tag }),
        },
        ...errors(401, 429, 503),
      },
    },
  },
  "/api/v1/tags/{name}": {
    patch: {
      operationId: "updateTag",
      summary: "Rename, recolour or re-parent a tag",
      description: "A rename onto a tag that already exists is a 409 ALREADY_EXISTS: merge into it instead.",
      tags: ["Tags"],
      parameters: [nameParam],
      requestBody: {
        required: true,
        content: json({
          type: "object",
          additionalProperties: false,
          properties: { name: tagName, color, parent: { type: ["string", "null"], maxLength: 64 } },
        }),
      },
      responses: {
        "200": {
          description: "The tag (under its new name); `operation` when it was renamed",
          content: json({ ...tag, properties: { ...tag.properties, operation } }),
        },
        ...errors(400, 401, 404, 409, 413, 429, 503),
      },
    },
  },
  "/api/v1/tags/{name}/merge": {
    post: {
      operationId: "mergeTag",
      summary: "Merge a tag into another: every memory carrying it is re-tagged",
      tags: ["Tags"],
      parameters: [nameParam],
      requestBody: {
        required: true,
        content: json({
          type: "object",
          additionalProperties: false,
          required: ["into"],
          properties: { into: tagName },
        }),
      },
      responses: {
        "200": { description: "The operation", content: json(operation) },
        ...errors(400, 401, 404, 413, 429, 503),
      },
    },
  },
};
