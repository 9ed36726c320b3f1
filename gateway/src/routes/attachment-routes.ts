import type { ApiRoute } from "../route-params.ts";

export const ATTACHMENT_ROUTES: readonly ApiRoute[] = [];
