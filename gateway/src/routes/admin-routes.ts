import type { ApiRoute } from "../route-params.ts";

/** Operations for admins (API.md, Operations); the admin service checks the role. */
export const ADMIN_ROUTES: readonly ApiRoute[] = [
  {
    id: "listProjections",
    method: "GET",
    path: "/admin/projections",
    action: "admin.projections",
    params: () => ({}),
  },
  {
    id: "rebuildProjection",
    method: "POST",
    path: "/admin/projections/:name/rebuild",
    action: "admin.rebuild",
    status: 202,
    params: ({ path }) => ({ name: path.name }),
  },
  {
    id: "listParkedStreams",
    method: "GET",
    path: "/admin/projections/:name/parked",
    action: "admin.parked",
    params: ({ path }) => ({ name: path.name }),
  },
  {
    id: "retryParkedStream",
    method: "POST",
    path: "/admin/projections/:name/parked/:streamId/retry",
    action: "admin.retryParked",
    params: ({ path }) => ({ name: path.name, streamId: path.streamId }),
  },
];
