import type { ApiRoute } from "../route-params.ts";
import { bodyOnly, bodyWithPathId, idOnly, listQuery } from "../route-params.ts";

const sessionLocation = (result: unknown) => {
  const id = (result as { id?: unknown } | null)?.id;
  return typeof id === "string" ? `/api/v1/sessions/${encodeURIComponent(id)}` : undefined;
};

export const SESSION_ROUTES: readonly ApiRoute[] = [
  {
    id: "startSession",
    method: "POST",
    path: "/sessions",
    action: "session.start",
    status: 201,
    params: bodyOnly,
    location: sessionLocation,
  },
  { id: "listSessions", method: "GET", path: "/sessions", action: "session.list", params: listQuery },
  { id: "getSession", method: "GET", path: "/sessions/:id", action: "session.get", params: idOnly },
  {
    id: "updateSession",
    method: "PATCH",
    path: "/sessions/:id",
    action: "session.update",
    params: bodyWithPathId,
  },
  {
    id: "addSessionMessage",
    method: "POST",
    path: "/sessions/:id/messages",
    action: "session.addMessage",
    params: bodyWithPathId,
  },
  {
    id: "closeSession",
    method: "POST",
    path: "/sessions/:id/close",
    action: "session.close",
    params: bodyWithPathId,
  },
  {
    id: "reopenSession",
    method: "POST",
    path: "/sessions/:id/reopen",
    action: "session.reopen",
    params: bodyWithPathId,
  },
];
