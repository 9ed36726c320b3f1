import type { ApiRoute } from "../domain/api-routes.ts";

/** How a client proves who it is: an access token, or an API key within its scopes. */
export const SECURITY_SCHEMES = {
  bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
  apiKeyAuth: {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description:
      "A key from POST /api/v1/auth/api-keys. An operation that takes keys lists the scope it needs (read, write or admin); one that lists none takes an access token only. Sending both credentials is a 400.",
  },
};

/** The operation's `security`: none for public routes; a key only where the route declares its scope. */
export function securityOf(route: ApiRoute): { security: object[] } {
  if (route.public) return { security: [] };
  return {
    security: [{ bearerAuth: [] }, ...(route.apiKeyScope ? [{ apiKeyAuth: [route.apiKeyScope] }] : [])],
  };
}
