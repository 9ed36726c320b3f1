import type { Context, ServiceSchema } from "moleculer";
import type { ApiKeyScope, CallMeta } from "@second-brain/contracts";
import { commandIdOf } from "@second-brain/platform";
import { apiKeySchemas, NoParams } from "@second-brain/contracts/schemas";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey, type ApiKeyDeps } from "./api-keys.ts";

type CreateParams = { name: string; scopes?: ApiKeyScope[]; expiresAt?: string };

/**
 * The identity service's API key actions: the owner's create, list and revoke (the gateway lets
 * only an access token reach them), and `authenticateApiKey`, which the gateway calls for every
 * request that carries `X-API-Key`.
 */
export function apiKeyActions(deps: ApiKeyDeps): NonNullable<ServiceSchema["actions"]> {
  return {
    createApiKey: {
      params: apiKeySchemas.CreateApiKeyBody,
      handler: (ctx: Context<CreateParams, CallMeta>) =>
        createApiKey(deps, ctx.meta.caller, ctx.params, commandIdOf(ctx)),
    },
    listApiKeys: {
      params: NoParams,
      handler: (ctx: Context<Record<string, never>, CallMeta>) => listApiKeys(deps, ctx.meta.caller),
    },
    revokeApiKey: {
      params: apiKeySchemas.ApiKeyIdParams,
      handler: async (ctx: Context<{ id: string }, CallMeta>) => {
        await revokeApiKey(deps, ctx.meta.caller, ctx.params.id);
        return null;
      },
    },
    authenticateApiKey: {
      params: apiKeySchemas.AuthenticateApiKeyParams,
      handler: (ctx: Context<{ key: string }>) => authenticateApiKey(deps, ctx.params.key),
    },
  };
}
