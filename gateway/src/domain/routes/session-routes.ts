import { sessionSchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute, locationIn, type RouteDeclaration } from "../route.ts";

const tag = "Sessions";
const theSession = { description: "The session.", schema: schemas.Session };

/** A command on one session: /sessions/:id…, refused (409) when the session's state forbids it. */
const onSession = (declaration: Omit<RouteDeclaration, "tag" | "fromPath" | "response">) =>
  defineRoute({
    tag,
    apiKeyScope: "write",
    fromPath: { id: "id" },
    response: theSession,
    ...declaration,
    errors: [409, ...(declaration.errors ?? [])],
    request: { path: schemas.SessionIdParams, ...declaration.request },
  });

export const SESSION_ROUTES = [
  defineRoute({
    id: "startSession",
    apiKeyScope: "write",
    method: "POST",
    path: "/sessions",
    action: "session.start",
    tag,
    summary: "Start a session",
    status: 201,
    request: { body: schemas.StartSessionBody },
    response: theSession,
    location: locationIn("sessions"),
  }),
  defineRoute({
    id: "listSessions",
    apiKeyScope: "read",
    method: "GET",
    path: "/sessions",
    action: "session.list",
    tag,
    summary: "The caller's sessions, newest first",
    request: { query: schemas.SessionListQuery },
    response: { description: "A page of sessions.", schema: schemas.SessionList },
  }),
  defineRoute({
    id: "getSession",
    apiKeyScope: "read",
    method: "GET",
    path: "/sessions/:id",
    action: "session.get",
    tag,
    summary: "A session with its latest messages and the memories created in it",
    request: { path: schemas.SessionIdParams },
    fromPath: { id: "id" },
    response: theSession,
  }),
  onSession({
    id: "updateSession",
    method: "PATCH",
    path: "/sessions/:id",
    action: "session.update",
    summary: "Change the title or replace the context",
    request: { body: schemas.UpdateSessionBody, bodyRequired: true },
  }),
  defineRoute({
    id: "listSessionMessages",
    method: "GET",
    path: "/sessions/:id/messages",
    action: "session.messages",
    apiKeyScope: "read",
    tag,
    summary: "A page of a session's messages, reading back from the latest",
    description:
      "Each page holds the messages written before the cursor's (the latest without one), oldest first; " +
      "nextCursor leads to the page before it.",
    request: { path: schemas.SessionIdParams, query: schemas.SessionMessagesQuery },
    fromPath: { id: "id" },
    response: { description: "A page of messages.", schema: schemas.SessionMessagePage },
  }),
  onSession({
    id: "addSessionMessage",
    method: "POST",
    path: "/sessions/:id/messages",
    action: "session.addMessage",
    summary: "Add a message (the session must be open)",
    description:
      "Refused with 403 QUOTA_EXCEEDED when the session already holds as many messages as the messagesPerSession quota allows (API.md, Quotas).",
    request: { body: schemas.AddMessageBody, bodyRequired: true },
    errors: [403],
  }),
  onSession({
    id: "closeSession",
    method: "POST",
    path: "/sessions/:id/close",
    action: "session.close",
    summary: "Close a session",
  }),
  onSession({
    id: "reopenSession",
    method: "POST",
    path: "/sessions/:id/reopen",
    action: "session.reopen",
    summary: "Reopen a closed session",
  }),
];
