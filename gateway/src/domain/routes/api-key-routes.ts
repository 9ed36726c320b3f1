import { apiKeySchemas as schemas } from "@second-brain/contracts/schemas";
import { defineRoute, type RouteDeclaration } from "../route.ts";
import { AUTH_BODY_BYTES } from "./identity-routes.ts";

const tag = "Identity";

/**
 * The owner's API keys. No `apiKeyScope`: keys are managed with an access token only, so a leaked
 * key can neither mint a key that outlives its own revocation nor revoke its owner's other keys.
 */
const onKeys = (declaration: Omit<RouteDeclaration, "tag" | "apiKeyScope">) =>
  defineRoute({ tag, ...declaration });

export const API_KEY_ROUTES = [
  onKeys({
    id: "createApiKey",
    method: "POST",
    path: "/auth/api-keys",
    action: "identity.createApiKey",
    summary: "Create an API key (the key is shown once)",
    description:
      "Send the key as `X-API-Key: <key>` wherever an access token works, within its scopes. Only its SHA-256 is stored: this answer is the only time the key can be read. The admin scope is for admins only (403 otherwise).",
    status: 201,
    maxBodyBytes: AUTH_BODY_BYTES,
    request: { body: schemas.CreateApiKeyBody, bodyRequired: true },
    response: { description: "The key, shown this once.", schema: schemas.CreatedApiKey },
  }),
  onKeys({
    id: "listApiKeys",
    method: "GET",
    path: "/auth/api-keys",
    action: "identity.listApiKeys",
    summary: "The caller's API keys (never the keys themselves)",
    response: { description: "The caller's keys, oldest first.", schema: schemas.ApiKeyList },
  }),
  onKeys({
    id: "revokeApiKey",
    method: "DELETE",
    path: "/auth/api-keys/:id",
    action: "identity.revokeApiKey",
    summary: "Revoke an API key",
    description: "The key stops working at once, on every gateway.",
    status: 204,
    request: { path: schemas.ApiKeyIdParams },
    fromPath: { id: "id" },
    response: { description: "Revoked." },
  }),
];
