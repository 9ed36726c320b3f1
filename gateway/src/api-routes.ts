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
  status?: 201 | 204;
  params: (request: ApiRequest) => Record<string, unknown>;
  /** The Location of what a 201 created. */
  location?: (result: unknown) => string | undefined;
}

const bodyOnly = ({ body }: ApiRequest) => ({ ...body });
const idOnly = ({ path }: ApiRequest) => ({ id: path.id });

/** The body's fields plus the path id; a body that names its own `id` is refused, not overridden. */
const bodyWithPathId = ({ body, path }: ApiRequest) => {
  if ("id" in body) {
    throw new ValidationError("The memory id comes from the path, not the body.", [
      { field: "id", message: "is not allowed in the body" },
    ]);
  }
  return { ...body, id: path.id };
};

const memoryLocation = (result: unknown) => {
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

export const API_ROUTES: readonly ApiRoute[] = [
  {
    id: "register",
    method: "POST",
    path: "/auth/register",
    action: "identity.register",
    public: true,
    status: 201,
    params: bodyOnly,
    location: () => "/api/v1/users/me",
  },
  {
    id: "login",
    method: "POST",
    path: "/auth/login",
    action: "identity.login",
    public: true,
    params: bodyOnly,
  },
  {
    id: "refresh",
    method: "POST",
    path: "/auth/refresh",
    action: "identity.refresh",
    public: true,
    params: bodyOnly,
  },
  { id: "getMe", method: "GET", path: "/users/me", action: "identity.me", params: () => ({}) },

  {
    id: "createMemory",
    method: "POST",
    path: "/memories",
    action: "memory.create",
    status: 201,
    params: bodyOnly,
    location: memoryLocation,
  },
  { id: "listMemories", method: "GET", path: "/memories", action: "memories.list", params: listQuery },
  {
    id: "getMemory",
    method: "GET",
    path: "/memories/:id",
    action: "memories.get",
    actionFor: ({ query }) => (query.asOf === undefined ? "memories.get" : "memory.getAsOf"),
    params: ({ path, query }) =>
      query.asOf === undefined ? { id: path.id } : { id: path.id, asOf: query.asOf },
  },
  { id: "editMemory", method: "PATCH", path: "/memories/:id", action: "memory.edit", params: bodyWithPathId },
  {
    id: "deleteMemory",
    method: "DELETE",
    path: "/memories/:id",
    action: "memory.delete",
    status: 204,
    params: idOnly,
  },
  {
    id: "archiveMemory",
    method: "POST",
    path: "/memories/:id/archive",
    action: "memory.archive",
    params: bodyWithPathId,
  },
  {
    id: "restoreMemory",
    method: "POST",
    path: "/memories/:id/restore",
    action: "memory.restore",
    params: bodyWithPathId,
  },
  {
    id: "setMemoryTags",
    method: "PUT",
    path: "/memories/:id/tags",
    action: "memory.setTags",
    params: bodyWithPathId,
  },
  {
    id: "linkMemory",
    method: "POST",
    path: "/memories/:id/links",
    action: "memory.link",
    params: bodyWithPathId,
  },
  {
    id: "getMemoryHistory",
    method: "GET",
    path: "/memories/:id/history",
    action: "memory.history",
    params: idOnly,
  },
];

export const API_ROUTES_BY_ID = new Map(API_ROUTES.map((route) => [route.id, route]));

/** moleculer-web aliases; `routeId` is copied onto the alias so a request finds its ApiRoute. */
export function apiAliases(): Record<string, { action: string; routeId: string }> {
  return Object.fromEntries(
    API_ROUTES.map((route) => [`${route.method} ${route.path}`, { action: route.action, routeId: route.id }]),
  );
}
