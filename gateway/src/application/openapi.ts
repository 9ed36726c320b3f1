import type { TObject } from "@second-brain/contracts/schemas";
import { API_ROUTES, type ApiRoute, type ErrorStatus } from "../domain/api-routes.ts";
import { componentSchemas, documentSchema } from "./openapi-components.ts";
import { OPS_OPERATIONS } from "./openapi-ops.ts";
import { SECURITY_SCHEMES, securityOf } from "./openapi-security.ts";

/**
 * The OpenAPI 3.1 description of the gateway, served at /openapi.json and rendered at /docs. It is
 * generated from the route declarations (domain/routes/*.ts) and the schemas the services validate with
 * (packages/contracts/src/schemas): nothing here is written by hand but texts.
 */
const ERROR_DESCRIPTIONS: Record<ErrorStatus | "Unexpected", string> = {
  400: "A request that breaks a schema or the text rule (VALIDATION_FAILED, details name each field), malformed JSON, or a request head that cannot be read.",
  401: "No or bad credentials (UNAUTHENTICATED).",
  403: "The caller's role, or the API key's scopes, do not allow this (FORBIDDEN); or the request would go over a quota (QUOTA_EXCEEDED, details: quota, limit, used; API.md, Quotas) and changed nothing.",
  404: "No such resource for this caller (NOT_FOUND).",
  409: "Version conflict (VERSION_CONFLICT, details.currentVersion), duplicate (ALREADY_EXISTS) or illegal state (ILLEGAL_STATE).",
  413: "The body is over the limit (PAYLOAD_TOO_LARGE).",
  428: "If-Match is required (PRECONDITION_REQUIRED).",
  429: "Rate limited (RATE_LIMITED): over a limit per user, per client address or on registrations, or a login backing off after failures (API.md, Rate limits). Retry-After says in seconds when to try again.",
  503: "A dependency is down (UNAVAILABLE); the request had no effect. Retry-After says when to try again.",
  Unexpected:
    "Anything else, in the same shape: 405 (METHOD_NOT_ALLOWED, with Allow), 408, 431, or 500 (INTERNAL).",
};

const RETRY_AFTER_HEADER = {
  description: "Seconds to wait before sending the request again.",
  schema: { type: "integer", minimum: 1 },
};
const json = (schema: unknown) => ({ "application/json": { schema } });
const errorRef = (status: ErrorStatus | "Unexpected") => ({ $ref: `#/components/responses/E${status}` });

/** The errors a route can answer: its own plus those of every route of its kind. */
export function errorsOf(route: ApiRoute): ErrorStatus[] {
  const hasBody = Boolean(route.request?.body || route.multipart);
  const statuses = new Set<ErrorStatus>([
    400,
    // Every authenticated route answers 403 to an API key without the scope it needs.
    ...(route.public ? [] : [401 as const, 403 as const]),
    ...(route.request?.path ? [404 as const] : []),
    ...(hasBody ? [413 as const] : []),
    ...(route.errors ?? []),
    429,
    503,
  ]);
  return [...statuses].sort((a, b) => a - b);
}

function parametersOf(route: ApiRoute): object[] {
  const fromSchema = (where: "path" | "query", schema?: TObject) =>
    Object.entries(schema?.properties ?? {}).map(([name, property]) => {
      const { description, ...rest } = documentSchema(property) as { description?: string };
      return {
        name,
        in: where,
        required: where === "path" || (schema?.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      };
    });
  const headers = route.request?.headers ?? {};
  return [
    ...fromSchema("path", route.request?.path),
    ...fromSchema("query", route.request?.query),
    ...(headers.ifMatch
      ? [
          {
            name: "If-Match",
            in: "header",
            required: headers.ifMatch === "required",
            description: 'The version you last read, e.g. `3` or `"3"`.',
            schema: { type: "string", pattern: '^"?[0-9]+"?$' },
          },
        ]
      : []),
    ...(headers.idempotencyKey
      ? [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description: "1–200 visible ASCII characters; a retry with the same key and body applies once.",
            schema: { type: "string", minLength: 1, maxLength: 200, pattern: "^[\\x21-\\x7e]+$" },
          },
        ]
      : []),
  ];
}

function requestBodyOf(route: ApiRoute): object | undefined {
  if (route.multipartSchema)
    return {
      required: true,
      content: { "multipart/form-data": { schema: documentSchema(route.multipartSchema) } },
    };
  const body = route.request?.body;
  if (!body) return undefined;
  return {
    required: route.request?.bodyRequired ?? false,
    content: json(documentSchema(body)),
    ...(route.maxBodyBytes ? { "x-max-body-bytes": route.maxBodyBytes } : {}),
  };
}

function successOf(route: ApiRoute): object {
  const { description, schema, download } = route.response;
  const binary = { type: "string", contentMediaType: "application/octet-stream" };
  const content = download
    ? Object.fromEntries(download.map((type) => [type, { schema: binary }]))
    : schema
      ? json(documentSchema(schema))
      : undefined;
  return {
    description,
    ...(route.location
      ? {
          headers: {
            Location: { description: "Where the created resource is.", schema: { type: "string" } },
          },
        }
      : {}),
    ...(content ? { content } : {}),
  };
}

function operationOf(route: ApiRoute): object {
  const parameters = parametersOf(route);
  const requestBody = requestBodyOf(route);
  return {
    operationId: route.id,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...securityOf(route),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [String(route.status ?? 200)]: successOf(route),
      ...Object.fromEntries(errorsOf(route).map((status) => [String(status), errorRef(status)])),
      default: errorRef("Unexpected"),
    },
  };
}

/** `/memories/:id` in moleculer-web's syntax is `/api/v1/memories/{id}` in OpenAPI's. */
export const documentPath = (route: ApiRoute) => `/api/v1${route.path.replace(/:(\w+)/g, "{$1}")}`;

function pathsOf(routes: readonly ApiRoute[]): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes)
    (paths[documentPath(route)] ??= {})[route.method.toLowerCase()] = operationOf(route);
  return { ...paths, ...OPS_OPERATIONS };
}

const TAGS = [
  { name: "Identity", description: "Accounts and tokens. Start here: register, then send the access token." },
  { name: "Memories", description: "What a person (or their assistant) wants to remember." },
  { name: "Search", description: "By meaning, by words, or both." },
  { name: "Sessions", description: "Conversations, and the memories created in them." },
  { name: "Tags", description: "The caller's tags: rename, recolour, nest, merge." },
  { name: "Attachments", description: "Files attached to memories." },
  { name: "Operations", description: "Health, metrics, this document, and admin operations." },
];

/** The document, built from the route declarations and the schemas. */
export function buildOpenApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Second Brain API",
      version: "1.0.0",
      description:
        "Memories for a person and the assistants that work for them. Every error has the shape of `Error`; a 400 names each bad field, what was sent and what is allowed.",
    },
    servers: [{ url: "/", description: "The server that serves this document." }],
    security: [{ bearerAuth: [] }],
    tags: TAGS,
    paths: pathsOf(API_ROUTES),
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
          `E${status}`,
          {
            description,
            ...(status === "429" || status === "503"
              ? { headers: { "Retry-After": RETRY_AFTER_HEADER } }
              : {}),
            content: json({ $ref: "#/components/schemas/Error" }),
          },
        ]),
      ),
    },
  };
}

/**
 * Built once at start: the routes and schemas are fixed for the life of the process. It states the
 * default limits; the gateway serves it with its configured ones (adapters/ops-routes.ts, openApiJsonFor).
 */
export const openApiDocument = buildOpenApiDocument();
