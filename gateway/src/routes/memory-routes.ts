import type { ApiRoute } from "../route-params.ts";
import { bodyOnly, bodyWithPathId, idOnly, listQuery, memoryLocation } from "../route-params.ts";

export const MEMORY_ROUTES: readonly ApiRoute[] = [
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
