/** OpenAPI path items of the session routes (routes/session-routes.ts); keys are full paths like "/api/v1/...". */
const json = (schema: unknown) => ({ "application/json": { schema } });
const errorRef = { $ref: "#/components/schemas/Error" };
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: "Error", content: json(errorRef) }]));
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const context = { type: "object", additionalProperties: true, description: "String keys to JSON values" };
const message = {
  type: "object",
  required: ["id", "role", "content", "createdAt"],
  properties: {
    id: { type: "string", format: "uuid" },
    role: { enum: ["user", "assistant"] },
    content: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
  },
};
const summaryProperties = {
  id: { type: "string", format: "uuid" },
  version: { type: "integer" },
  title: { type: ["string", "null"] },
  context,
  status: { enum: ["open", "closed"] },
  messageCount: { type: "integer" },
  createdAt: { type: "string", format: "date-time" },
  updatedAt: { type: "string", format: "date-time" },
};
const session = {
  type: "object",
  properties: {
    ...summaryProperties,
    messages: { type: "array", items: message },
    memoryIds: { type: "array", items: { type: "string", format: "uuid" } },
  },
};
const sessionOk = (description: string) => ({ "200": { description, content: json(session) } });
const op = (operationId: string, summary: string, extra: Record<string, unknown>) => ({
  operationId,
  summary,
  tags: ["Sessions"],
  ...extra,
});
const body = (schema: unknown) => ({ required: true, content: json(schema) });
const sessionBody = {
  type: "object",
  additionalProperties: false,
  properties: { title: { type: ["string", "null"], maxLength: 1000 }, context },
};

export const SESSION_PATHS: Record<string, unknown> = {
  "/api/v1/sessions": {
    post: op("startSession", "Start a session", {
      requestBody: { required: false, content: json(sessionBody) },
      responses: {
        "201": {
          description: "The session",
          headers: { Location: { schema: { type: "string" }, description: "/api/v1/sessions/{id}" } },
          content: json(session),
        },
        ...errors(400, 401, 413, 429, 503),
      },
    }),
    get: op("listSessions", "The caller's sessions, newest first", {
      parameters: [
        { name: "status", in: "query", schema: { enum: ["open", "closed"] } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
        { name: "cursor", in: "query", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "A page of sessions",
          content: json({
            type: "object",
            properties: {
              items: { type: "array", items: { type: "object", properties: summaryProperties } },
              nextCursor: { type: ["string", "null"] },
            },
          }),
        },
        ...errors(400, 401, 429, 503),
      },
    }),
  },
  "/api/v1/sessions/{id}": {
    get: op("getSession", "A session with its messages and the memories created in it", {
      parameters: [idParam],
      responses: { ...sessionOk("The session"), ...errors(400, 401, 404, 429, 503) },
    }),
    patch: op("updateSession", "Change the title or replace the context", {
      parameters: [idParam],
      requestBody: body(sessionBody),
      responses: { ...sessionOk("The session"), ...errors(400, 401, 404, 409, 413, 429, 503) },
    }),
  },
  "/api/v1/sessions/{id}/messages": {
    post: op("addSessionMessage", "Add a message (the session must be open)", {
      parameters: [idParam],
      requestBody: body({
        type: "object",
        additionalProperties: false,
        required: ["role", "content"],
        properties: { role: { enum: ["user", "assistant"] }, content: { type: "string", maxLength: 100000 } },
      }),
      responses: { ...sessionOk("The session"), ...errors(400, 401, 404, 409, 413, 429, 503) },
    }),
  },
  "/api/v1/sessions/{id}/close": {
    post: op("closeSession", "Close a session", {
      parameters: [idParam],
      responses: { ...sessionOk("The session"), ...errors(401, 404, 409, 429, 503) },
    }),
  },
  "/api/v1/sessions/{id}/reopen": {
    post: op("reopenSession", "Reopen a closed session", {
      parameters: [idParam],
      responses: { ...sessionOk("The session"), ...errors(401, 404, 409, 429, 503) },
    }),
  },
};
