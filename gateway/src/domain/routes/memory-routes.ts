import { memorySchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute, locationIn, type RouteDeclaration } from "../route.ts";

const tag = "Memories";
const byId = { path: schemas.MemoryIdParams } as const;
const fromPath = { id: "id" };
const writeHeaders = { ifMatch: "optional", idempotencyKey: true } as const;
const theMemory = { description: "The memory, as a read shows it.", schema: schemas.Memory };

/**
 * A command on one memory: POST/PUT/PATCH/DELETE /memories/:id… with If-Match and Idempotency-Key.
 * Each but deletion is refused (403 QUOTA_EXCEEDED) once the memory's history holds editsPerMemory events.
 */
const onMemory = (declaration: Omit<RouteDeclaration, "tag" | "fromPath">) =>
  defineRoute({
    tag,
    fromPath,
    apiKeyScope: "write",
    ...declaration,
    errors: [403, 409, ...(declaration.errors ?? [])],
    request: { ...byId, headers: writeHeaders, ...declaration.request },
  });

export const MEMORY_ROUTES = [
  defineRoute({
    id: "createMemory",
    apiKeyScope: "write",
    method: "POST",
    path: "/memories",
    action: "memory.create",
    tag,
    summary: "Create a memory",
    description:
      "Refused with 403 QUOTA_EXCEEDED when the caller has as many memories as the memories quota allows, or the memory's bytes would go over the storedBytes quota (API.md, Quotas).",
    status: 201,
    request: { body: schemas.CreateMemoryBody, bodyRequired: true, headers: { idempotencyKey: true } },
    response: theMemory,
    errors: [403, 409],
    location: locationIn("memories"),
  }),
  defineRoute({
    id: "listMemories",
    apiKeyScope: "read",
    method: "GET",
    path: "/memories",
    action: "memory-views.list",
    tag,
    summary: "List memories, newest first",
    request: { query: schemas.MemoryListQuery },
    response: { description: "A page of memories.", schema: schemas.MemoryList },
  }),
  defineRoute({
    id: "getMemory",
    apiKeyScope: "read",
    method: "GET",
    path: "/memories/:id",
    action: "memory-views.get",
    actionFor: ({ query }) => (query.asOf === undefined ? "memory-views.get" : "memory.getAsOf"),
    tag,
    summary: "Read a memory",
    request: { ...byId, query: schemas.AsOfQuery },
    fromPath,
    response: theMemory,
  }),
  onMemory({
    id: "editMemory",
    method: "PATCH",
    path: "/memories/:id",
    action: "memory.edit",
    summary: "Edit a memory",
    request: {
      body: schemas.EditMemoryBody,
      bodyRequired: true,
      headers: { ifMatch: "required", idempotencyKey: true },
    },
    response: theMemory,
    errors: [428],
  }),
  onMemory({
    id: "deleteMemory",
    method: "DELETE",
    path: "/memories/:id",
    action: "memory.delete",
    summary: "Delete a memory",
    status: 204,
    response: { description: "Deleted; it no longer appears in reads or search." },
  }),
  onMemory({
    id: "archiveMemory",
    method: "POST",
    path: "/memories/:id/archive",
    action: "memory.archive",
    summary: "Archive a memory",
    response: theMemory,
  }),
  onMemory({
    id: "restoreMemory",
    method: "POST",
    path: "/memories/:id/restore",
    action: "memory.restore",
    summary: "Restore an archived memory",
    response: theMemory,
  }),
  onMemory({
    id: "setMemoryTags",
    method: "PUT",
    path: "/memories/:id/tags",
    action: "memory.setTags",
    summary: "Replace a memory's tags",
    request: { body: schemas.SetTagsBody, bodyRequired: true },
    response: theMemory,
  }),
  onMemory({
    id: "linkMemory",
    method: "POST",
    path: "/memories/:id/links",
    action: "memory.link",
    summary: "Link a memory to another",
    request: { body: schemas.LinkBody, bodyRequired: true },
    response: theMemory,
  }),
  defineRoute({
    id: "getMemoryHistory",
    apiKeyScope: "read",
    method: "GET",
    path: "/memories/:id/history",
    action: "memory.history",
    tag,
    summary: "A memory's events, oldest first",
    request: byId,
    fromPath,
    response: { description: "The history.", schema: schemas.MemoryHistory },
  }),
];
