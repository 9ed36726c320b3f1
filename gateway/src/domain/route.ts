import { DEFAULT_LIMITS, ValidationError, type ApiKeyScope, type Limits } from "@second-brain/contracts";
import {
  assertValid,
  compileCheck,
  NoParams,
  type Check,
  type TObject,
  type TSchema,
} from "@second-brain/contracts/schemas";

/**
 * The REST routes under /api/v1 (API.md), each declared once: method, path, action, who may call
 * it, the schemas of what it reads and answers. The moleculer-web aliases (adapters/api-dispatch.ts), the
 * request validation (`params` below) and /openapi.json (application/openapi.ts) are generated from these
 * declarations. The schemas are the services' own action params (packages/contracts/src/schemas),
 * so the gateway refuses exactly what the services would, before a broker round trip.
 */
export interface ApiRequest {
  body: Record<string, unknown>;
  query: Record<string, unknown>;
  path: Record<string, string>;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 428 | 429 | 503;
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One route as written in domain/routes/*.ts. */
export interface RouteDeclaration {
  /** Also the OpenAPI operationId. */
  id: string;
  method: HttpMethod;
  /** Relative to /api/v1, in moleculer-web's syntax (`/memories/:id`). */
  path: string;
  action: string;
  /** When the action depends on the request (e.g. `?asOf=` reads from the event log). */
  actionFor?: (request: ApiRequest) => string;
  /** Routes that need no access token. */
  public?: true;
  /**
   * The scope an `X-API-Key` needs for this route (`read`: reads and search, `write`: changes to the
   * owner's data, `admin`: admin routes). Declared here and nowhere else; a route without one
   * refuses API keys (403) and takes an access token only: managing keys, the password, erasure.
   */
  apiKeyScope?: ApiKeyScope;
  /** The success status; 200 when not given. */
  status?: 201 | 202 | 204;
  /** OpenAPI tag (the area of API.md) and texts. */
  tag: string;
  summary: string;
  description?: string;
  request?: {
    /** Path parameters; every `:name` of `path` must be here. */
    path?: TObject;
    /** Query parameters; a route without them ignores the query string. */
    query?: TObject;
    /** The JSON body; a route without one refuses any body field. */
    body?: TObject;
    /** Whether a client must send the body (a body of optional fields need not be sent). */
    bodyRequired?: boolean;
    /** Request headers the route reads besides Authorization (parsed by adapters/request-headers.ts). */
    headers?: { ifMatch?: "required" | "optional"; idempotencyKey?: true };
  };
  /** Which action params come from which path parameter, e.g. `{ id: "id" }`; the body cannot name them. */
  fromPath?: Record<string, string>;
  /** The success answer: its description and JSON schema (none for 204), or a download. */
  response: { description: string; schema?: TSchema; download?: readonly string[] };
  /** Error statuses besides those every route of its kind can answer (see application/openapi.ts, errorsOf). */
  errors?: ErrorStatus[];
  /**
   * The body is multipart/form-data with one file, streamed by the gateway into the object store
   * (never held in memory); the action gets the path's params and the stored file's facts.
   */
  multipart?: { schema: TSchema };
  /**
   * An action called with the route's params, plus `fileBytesAtLeast` when the request declares
   * its length, before an upload's body is read: it refuses (e.g. 404 for another user's memory,
   * 403 for a file over a quota) before a byte of the file is stored.
   */
  checkBeforeBody?: string;
  /**
   * A tighter JSON body limit than the configured one, for routes whose bodies are small by nature
   * (the public identity routes): a huge body is refused (413) before a byte of it is parsed.
   */
  maxBodyBytes?: number;
  /** The Location of what a 201 created. */
  location?: (result: unknown) => string | undefined;
}

/** A declared route with its request check: what the gateway serves. */
export interface ApiRoute extends Omit<RouteDeclaration, "multipart"> {
  multipart?: true;
  multipartSchema?: TSchema;
  /**
   * The action's params from the request, validated against the deployment's `limits` (the
   * defaults when not given); throws ValidationError (400) naming each bad field.
   */
  params: (request: ApiRequest, limits?: Limits) => Record<string, unknown>;
}

interface Checks {
  path?: Check | undefined;
  query?: Check | undefined;
  body?: Check | undefined;
}

export function defineRoute(declaration: RouteDeclaration): ApiRoute {
  const { multipart, ...rest } = declaration;
  // Compiled once per set of limits (a process has one: its configuration's).
  const checksByLimits = new WeakMap<Limits, Checks>();
  const checksFor = (limits: Limits): Checks => {
    let checks = checksByLimits.get(limits);
    if (!checks) {
      const { path, query, body = NoParams } = declaration.request ?? {};
      checks = {
        path: path && compileCheck(path, { coerce: true, limits }),
        query: query && compileCheck(query, { coerce: true, limits }),
        body: multipart ? undefined : compileCheck(body, { limits }),
      };
      checksByLimits.set(limits, checks);
    }
    return checks;
  };
  return {
    ...rest,
    ...(multipart ? { multipart: true as const, multipartSchema: multipart.schema } : {}),
    params: (request, limits = DEFAULT_LIMITS) =>
      paramsOf(declaration, checksFor(limits), multipart ? { ...request, body: {} } : request),
  };
}

function paramsOf(
  declaration: RouteDeclaration,
  checks: Checks,
  request: ApiRequest,
): Record<string, unknown> {
  const fromPath = Object.entries(declaration.fromPath ?? {});
  for (const [param] of fromPath) {
    if (param in request.body)
      throw new ValidationError(`The ${param} comes from the path, not the body.`, [
        { field: param, message: "is not allowed in the body" },
      ]);
  }
  // Coercion converts in place: copies, so the request stays as it came.
  const path = { ...request.path };
  const query = checks.query ? { ...request.query } : {};
  if (checks.path) assertValid(checks.path, path);
  if (checks.query) assertValid(checks.query, query);
  if (checks.body) assertValid(checks.body, request.body);
  const params: Record<string, unknown> = { ...query, ...request.body };
  for (const [param, name] of fromPath) params[param] = path[name];
  return params;
}

/** The Location of a created resource under `collection`, from the answer's `id`. */
export const locationIn = (collection: string) => (result: unknown) => {
  const id = (result as { id?: unknown } | null)?.id;
  return typeof id === "string" ? `/api/v1/${collection}/${encodeURIComponent(id)}` : undefined;
};
