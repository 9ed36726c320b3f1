import { ADMIN_ROUTES } from "./routes/admin-routes.ts";
import { API_KEY_ROUTES } from "./routes/api-key-routes.ts";
import { ATTACHMENT_ROUTES } from "./routes/attachment-routes.ts";
import { IDENTITY_ROUTES } from "./routes/identity-routes.ts";
import { MEMORY_ROUTES } from "./routes/memory-routes.ts";
import { SEARCH_ROUTES } from "./routes/search-routes.ts";
import { SESSION_ROUTES } from "./routes/session-routes.ts";
import { TAG_ROUTES } from "./routes/tag-routes.ts";
import type { ApiRoute } from "./route.ts";

export * from "./route.ts";

/** Every REST route under /api/v1, one file per area of API.md. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...IDENTITY_ROUTES,
  ...API_KEY_ROUTES,
  ...MEMORY_ROUTES,
  ...SEARCH_ROUTES,
  ...SESSION_ROUTES,
  ...TAG_ROUTES,
  ...ATTACHMENT_ROUTES,
  ...ADMIN_ROUTES,
];
