import { adminSchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute, type RouteDeclaration } from "../route.ts";

/** Operations for admins (API.md, Operations); the admin service checks the role (403 otherwise). */
const forAdmins = (declaration: Omit<RouteDeclaration, "tag" | "errors">) =>
  defineRoute({ tag: "Operations", errors: [403], apiKeyScope: "admin", ...declaration });
const byName = { path: schemas.ProjectionPath };

export const ADMIN_ROUTES = [
  forAdmins({
    id: "listProjections",
    method: "GET",
    path: "/admin/projections",
    action: "admin.projections",
    summary: "Where each read model stands in the log, and its parked streams (admin)",
    response: {
      description: "Each projection's checkpoint and how many events it still has to apply.",
      schema: schemas.ProjectionList,
    },
  }),
  forAdmins({
    id: "rebuildProjection",
    method: "POST",
    path: "/admin/projections/:name/rebuild",
    action: "admin.rebuild",
    summary: "Rebuild a projection from position 0 into fresh storage, then swap it in (admin)",
    status: 202,
    request: byName,
    fromPath: { name: "name" },
    response: { description: "The rebuild started.", schema: schemas.RebuildStarted },
  }),
  forAdmins({
    id: "listParkedStreams",
    method: "GET",
    path: "/admin/projections/:name/parked",
    action: "admin.parked",
    summary: "The read model's parked streams and their events, in order (admin)",
    request: byName,
    fromPath: { name: "name" },
    response: {
      description:
        "Each parked stream with the event that failed first (its error) and the events recorded behind it.",
      schema: schemas.ParkedStreams,
    },
  }),
  forAdmins({
    id: "retryParkedStream",
    method: "POST",
    path: "/admin/projections/:name/parked/:streamId/retry",
    action: "admin.retryParked",
    summary: "Re-apply a parked stream once the cause is fixed (admin)",
    request: { path: schemas.ParkedStreamPath },
    fromPath: { name: "name", streamId: "streamId" },
    response: { description: "What the retry did.", schema: schemas.RetryOutcome },
  }),
];
