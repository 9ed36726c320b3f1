import type { ApiRoute } from "../route-params.ts";

export const SEARCH_ROUTES: readonly ApiRoute[] = [];
