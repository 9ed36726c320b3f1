import { ADMIN_PATHS } from "./openapi-paths/admin-paths.ts";
import { ATTACHMENT_PATHS } from "./openapi-paths/attachment-paths.ts";
import { SEARCH_PATHS } from "./openapi-paths/search-paths.ts";
import { SESSION_PATHS } from "./openapi-paths/session-paths.ts";
import { TAG_PATHS } from "./openapi-paths/tag-paths.ts";
import { schemas } from "./openapi-schemas.ts";
import { AUTH_BODY_BYTES } from "./routes/identity-routes.ts";

/**
 * The OpenAPI 3.1 description of the gateway, served at /openapi.json and rendered at /docs. It is
 * written by hand next to the route table (api-routes.ts); a test checks that both list the same
 * routes.
 */
const ref = (name: keyof typeof schemas) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ "application/json": { schema } });
const ok = (description: string, schema: object) => ({ description, content: json(schema) });
const body = (name: keyof typeof schemas, required = true) => ({ required, content: json(ref(name)) });
/** A route whose JSON body limit is tighter than MAX_BODY_BYTES says so (413 beyond). */
const smallBody = (name: keyof typeof schemas) => ({ ...body(name), "x-max-body-bytes": AUTH_BODY_BYTES });

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON, a body that is not an object, unknown fields or wrong types (VALIDATION_FAILED).",
  401: "No or bad credentials (UNAUTHENTICATED).",
  404: "No such resource for this caller (NOT_FOUND).",
  409: "Version conflict (VERSION_CONFLICT, details.currentVersion), duplicate (ALREADY_EXISTS) or illegal state.",
  413: "The body is over the limit (PAYLOAD_TOO_LARGE).",
  428: "If-Match is required (PRECONDITION_REQUIRED).",
  429: "Rate limited (RATE_LIMITED), with Retry-After.",
  503: "A dependency is down (UNAVAILABLE); the request had no effect.",
};

const memoryId = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const ifMatch = (required: boolean) => ({
  name: "If-Match",
  in: "header",
  required,
  description: 'The version you last read, e.g. `3` or `"3"`.',
  schema: { type: "string", pattern: '^"?[0-9]+"?$' },
});
const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "1–200 visible ASCII characters; a retry with the same key and body applies once.",
  schema: { type: "string", minLength: 1, maxLength: 200 },
};
const query = (name: string, schema: object, description?: string) => ({
  name,
  in: "query",
  required: false,
  schema,
  ...(description ? { description } : {}),
});

const publicOp = { security: [] };
const memoryOp = (operationId: string, summary: string, extra: object) => ({
  operationId,
  summary,
  tags: ["Memories"],
  ...extra,
});
const memoryResponse = ok("The memory.", ref("Memory"));
const commonErrors = [400, 401, 404, 413, 429, 503];

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Second Brain API",
    version: "1.0.0",
    description:
      "Memories for a person and the assistants that work for them. Every error has the shape of `Error`.",
  },
  servers: [{ url: "/" }],
  security: [{ bearerAuth: [] }],
  tags: [{ name: "Identity" }, { name: "Memories" }, { name: "Operations" }],
  paths: {
    ...SEARCH_PATHS,
    ...SESSION_PATHS,
    ...TAG_PATHS,
    ...ATTACHMENT_PATHS,
    ...ADMIN_PATHS,
    "/api/v1/auth/register": {
      post: {
        operationId: "register",
        summary: "Create an account",
        tags: ["Identity"],
        ...publicOp,
        requestBody: smallBody("RegisterRequest"),
        responses: {
          "201": ok("The account and its first tokens.", ref("Registration")),
          ...errors(400, 409, 413, 429, 503),
        },
      },
    },
    "/api/v1/auth/login": {
      post: {
        operationId: "login",
        summary: "Log in with email and password",
        tags: ["Identity"],
        ...publicOp,
        requestBody: smallBody("LoginRequest"),
        responses: { "200": ok("A token pair.", ref("TokenPair")), ...errors(400, 401, 413, 429, 503) },
      },
    },
    "/api/v1/auth/refresh": {
      post: {
        operationId: "refresh",
        summary: "Trade a refresh token for a new pair",
        description: "The refresh token sent stops working; reusing it ends every session of the user.",
        tags: ["Identity"],
        ...publicOp,
        requestBody: smallBody("RefreshRequest"),
        responses: { "200": ok("A new token pair.", ref("TokenPair")), ...errors(400, 401, 413, 429, 503) },
      },
    },
    "/api/v1/users/me": {
      get: {
        operationId: "getMe",
        summary: "The calling user",
        tags: ["Identity"],
        responses: { "200": ok("The user.", ref("User")), ...errors(401, 429, 503) },
      },
      delete: {
        operationId: "eraseMe",
        summary: "Erase the calling user",
        description:
          "Destroys the user's data key (crypto-shredding: what the event log holds of them can no longer be read), deletes the account and purges the read models. The log itself is never rewritten.",
        tags: ["Identity"],
        responses: {
          "202": { description: "Erased; read models finish purging shortly." },
          ...errors(401, 429, 503),
        },
      },
    },
    "/api/v1/memories": {
      post: memoryOp("createMemory", "Create a memory", {
        parameters: [idempotencyKey],
        requestBody: body("CreateMemoryRequest"),
        responses: {
          "201": {
            ...memoryResponse,
            headers: { Location: { schema: { type: "string" }, description: "/api/v1/memories/{id}" } },
          },
          ...errors(...commonErrors, 409),
        },
      }),
      get: memoryOp("listMemories", "List memories", {
        parameters: [
          query("tag", { type: "string" }),
          query("type", { enum: schemas.Memory.properties.type.enum }),
          query(
            "status",
            { enum: schemas.Memory.properties.status.enum },
            "Active memories unless asked otherwise.",
          ),
          query("sessionId", { type: "string", format: "uuid" }),
          query("limit", { type: "integer", minimum: 1 }),
          query("cursor", { type: "string" }, "nextCursor of the previous page."),
        ],
        responses: { "200": ok("A page of memories.", ref("MemoryList")), ...errors(400, 401, 429, 503) },
      }),
    },
    "/api/v1/memories/{id}": {
      get: memoryOp("getMemory", "Read a memory", {
        parameters: [
          memoryId,
          query(
            "asOf",
            { type: "string", format: "date-time" },
            "The memory as it stood at this time, from its events.",
          ),
        ],
        responses: { "200": memoryResponse, ...errors(400, 401, 404, 429, 503) },
      }),
      patch: memoryOp("editMemory", "Edit a memory", {
        parameters: [memoryId, ifMatch(true), idempotencyKey],
        requestBody: body("EditMemoryRequest"),
        responses: { "200": memoryResponse, ...errors(...commonErrors, 409, 428) },
      }),
      delete: memoryOp("deleteMemory", "Delete a memory", {
        parameters: [memoryId, ifMatch(false), idempotencyKey],
        responses: {
          "204": { description: "Deleted; it no longer appears in reads or search." },
          ...errors(400, 401, 404, 409, 429, 503),
        },
      }),
    },
    "/api/v1/memories/{id}/archive": {
      post: memoryOp("archiveMemory", "Archive a memory", {
        parameters: [memoryId, ifMatch(false), idempotencyKey],
        responses: { "200": memoryResponse, ...errors(...commonErrors, 409) },
      }),
    },
    "/api/v1/memories/{id}/restore": {
      post: memoryOp("restoreMemory", "Restore an archived memory", {
        parameters: [memoryId, ifMatch(false), idempotencyKey],
        responses: { "200": memoryResponse, ...errors(...commonErrors, 409) },
      }),
    },
    "/api/v1/memories/{id}/tags": {
      put: memoryOp("setMemoryTags", "Replace a memory's tags", {
        parameters: [memoryId, ifMatch(false), idempotencyKey],
        requestBody: body("SetTagsRequest"),
        responses: { "200": memoryResponse, ...errors(...commonErrors, 409) },
      }),
    },
    "/api/v1/memories/{id}/links": {
      post: memoryOp("linkMemory", "Link a memory to another", {
        parameters: [memoryId, ifMatch(false), idempotencyKey],
        requestBody: body("LinkRequest"),
        responses: { "200": memoryResponse, ...errors(...commonErrors, 409) },
      }),
    },
    "/api/v1/memories/{id}/history": {
      get: memoryOp("getMemoryHistory", "A memory's events, oldest first", {
        parameters: [memoryId],
        responses: { "200": ok("The history.", ref("MemoryHistory")), ...errors(400, 401, 404, 429, 503) },
      }),
    },
    "/health/live": {
      get: {
        operationId: "live",
        summary: "The process is up",
        tags: ["Operations"],
        ...publicOp,
        responses: { "200": ok("Alive.", { type: "object", properties: { status: { const: "ok" } } }) },
      },
    },
    "/health/ready": {
      get: {
        operationId: "ready",
        summary: "This gateway can serve: its HTTP server is up and its broker connected",
        tags: ["Operations"],
        ...publicOp,
        responses: { "200": ok("Ready.", ref("Readiness")), "503": ok("Not ready.", ref("Readiness")) },
      },
    },
    "/health/details": {
      get: {
        operationId: "healthDetails",
        summary: "Every service with its dependencies and read models: ok, degraded or down",
        tags: ["Operations"],
        ...publicOp,
        responses: { "200": ok("The status of each part.", ref("HealthDetails")) },
      },
    },
    "/metrics": {
      get: {
        operationId: "metrics",
        summary: "Prometheus metrics",
        tags: ["Operations"],
        ...publicOp,
        responses: {
          "200": {
            description: "Prometheus text format.",
            content: { "text/plain": { schema: { type: "string" } } },
          },
        },
      },
    },
    "/openapi.json": {
      get: {
        operationId: "openApi",
        summary: "This document",
        tags: ["Operations"],
        ...publicOp,
        responses: { "200": ok("OpenAPI 3.1.", { type: "object" }) },
      },
    },
    "/docs": {
      get: {
        operationId: "docs",
        summary: "This document as a web page",
        tags: ["Operations"],
        ...publicOp,
        responses: {
          "200": { description: "HTML.", content: { "text/html": { schema: { type: "string" } } } },
        },
      },
    },
  },
  components: {
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    schemas,
    responses: Object.fromEntries(
      Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
        `E${status}`,
        ok(description, ref("Error")),
      ]),
    ),
  },
} as const;
