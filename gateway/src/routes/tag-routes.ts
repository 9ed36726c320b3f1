import type { ApiRoute } from "../route-params.ts";

export const TAG_ROUTES: readonly ApiRoute[] = [];
