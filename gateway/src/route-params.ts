import { ValidationError } from "@second-brain/contracts";

/**
 * The REST routes under /api/v1 (API.md) and the action each one calls. The gateway checks
 * credentials and the shape of the HTTP request (JSON object body, headers); the services validate
 * their own params strictly. Params are built here, field by field, so that no body or query
 * field can stand in for a path parameter.
 */
export interface ApiRequest {
  body: Record<string, unknown>;
  query: Record<string, unknown>;
  path: Record<string, string>;
}

export interface ApiRoute {
  /** Also the OpenAPI operationId. */
  id: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Relative to /api/v1, in moleculer-web's syntax. */
  path: string;
  action: string;
  /** When the action depends on the request (e.g. `?asOf=` reads from the event log). */
  actionFor?: (request: ApiRequest) => string;
  /** Routes that need no access token. */
  public?: boolean;
  status?: 201 | 202 | 204;
  params: (request: ApiRequest) => Record<string, unknown>;
  /**
   * The body is multipart/form-data with one file, streamed to the action as `ctx.stream` (never
   * read into memory by the gateway); the params come from the path only.
   */
  multipart?: true;
  /**
   * A tighter JSON body limit than the configured one, for routes whose bodies are small by nature
   * (the public identity routes): a huge body is refused (413) before a byte of it is parsed.
   */
  maxBodyBytes?: number;
  /** The Location of what a 201 created. */
  location?: (result: unknown) => string | undefined;
}

export const bodyOnly = ({ body }: ApiRequest) => ({ ...body });
export const idOnly = ({ path }: ApiRequest) => ({ id: path.id });

/** The body's fields plus the path id; a body that names its own `id` is refused, not overridden. */
export const bodyWithPathId = ({ body, path }: ApiRequest) => {
  if ("id" in body) {
    throw new ValidationError("The memory id comes from the path, not the body.", [
      { field: "id", message: "is not allowed in the body" },
    ]);
  }
  return { ...body, id: path.id };
};

export const memoryLocation = (result: unknown) => {
  const id = (result as { id?: unknown } | null)?.id;
  return typeof id === "string" ? `/api/v1/memories/${encodeURIComponent(id)}` : undefined;
};

/** Query values arrive as strings; `limit` is a number to the services. */
export function listQuery({ query }: ApiRequest): Record<string, unknown> {
  if (query.limit === undefined) return { ...query };
  if (typeof query.limit !== "string" || !/^\d{1,9}$/.test(query.limit)) {
    throw new ValidationError("limit must be a whole number.", [
      { field: "limit", message: "must be a whole number" },
    ]);
  }
  return { ...query, limit: Number(query.limit) };
}
