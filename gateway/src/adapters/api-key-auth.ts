import type { IncomingHttpHeaders } from "node:http";
import { parseApiKey, scopesAllow } from "@second-brain/auth";
import {
  ForbiddenError,
  UnauthenticatedError,
  ValidationError,
  type ApiKeyGrant,
  type Caller,
} from "@second-brain/contracts";
import type { ApiRoute } from "../domain/api-routes.ts";
import type { GatewayRequest } from "./http-types.ts";

/** Whether the request authenticates with `X-API-Key` rather than an access token. */
export function sendsApiKey(headers: IncomingHttpHeaders): boolean {
  return headers["x-api-key"] !== undefined;
}

/**
 * The caller an `X-API-Key` speaks for, allowed only what the route's declared scope
 * (`apiKeyScope`) and the key's scopes both permit. The identity service checks the key against
 * the database on every request (no copy is kept here), so a revoked or expired key is refused at
 * once by every gateway; a malformed one is refused without asking it.
 *
 * A request with both an access token and a key is a 400: which one should count is not ours to
 * guess, and a client that sends both has a bug worth seeing.
 */
export async function apiKeyCaller(route: ApiRoute, req: GatewayRequest): Promise<Caller> {
  if (req.headers.authorization !== undefined) {
    throw new ValidationError(
      "Send either `Authorization: Bearer <token>` or `X-API-Key: <key>`, not both.",
      [{ field: "X-API-Key", message: "is not allowed together with Authorization" }],
    );
  }
  const key = req.headers["x-api-key"];
  if (typeof key !== "string" || !parseApiKey(key))
    throw new UnauthenticatedError("The API key is invalid, expired or revoked.");
  const grant = await req.$ctx.call<ApiKeyGrant, { key: string }>("identity.authenticateApiKey", { key });
  if (route.apiKeyScope === undefined)
    throw new ForbiddenError(
      "An API key cannot manage keys, change the password or erase the account; use an access token.",
    );
  if (!scopesAllow(grant.scopes, route.apiKeyScope))
    throw new ForbiddenError(`This API key does not have the ${route.apiKeyScope} scope this route needs.`);
  return { userId: grant.userId, role: grant.role, apiKeyId: grant.keyId };
}
