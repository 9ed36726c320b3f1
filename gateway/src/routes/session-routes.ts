import type { ApiRoute } from "../route-params.ts";

export const SESSION_ROUTES: readonly ApiRoute[] = [];
