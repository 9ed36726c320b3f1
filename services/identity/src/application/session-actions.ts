import type { Context, ServiceSchema } from "moleculer";
import type { CallMeta } from "@second-brain/contracts";
import { identitySchemas, NoParams } from "@second-brain/contracts/schemas";
import { redeemBootstrapToken } from "./admin-bootstrap.ts";
import type { IdentityDeps } from "./identity-commands.ts";
import { sessionStatus } from "./sessions.ts";
import { changePassword, logout } from "./sign-out.ts";

/** Answers that carry a token must not be kept by any cache between the client and the gateway. */
export function noStore(
  ctx: Context<unknown, CallMeta & { $responseHeaders?: Record<string, string> }>,
): void {
  ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "Cache-Control": "no-store" };
}

/** The identity actions of sign-in sessions and roles (mixed into the identity service). */
export function sessionActions(deps: IdentityDeps): Partial<ServiceSchema> {
  return {
    actions: {
      logout: {
        params: NoParams,
        handler: (ctx: Context<Record<string, never>, CallMeta>) => logout(deps, ctx.meta.caller),
      },
      changePassword: {
        params: identitySchemas.ChangePasswordBody,
        handler: (ctx: Context<{ currentPassword: string; newPassword: string }, CallMeta>) =>
          changePassword(deps, ctx.meta.caller, ctx.params),
      },
      bootstrapAdmin: {
        params: identitySchemas.BootstrapAdminBody,
        handler: (ctx: Context<{ token: string }, CallMeta>) => {
          noStore(ctx);
          return redeemBootstrapToken(deps, ctx.meta.caller, ctx.params.token);
        },
      },
      /** The gateway asks when its revocation set cannot answer; the session table decides. */
      sessionStatus: {
        params: identitySchemas.SessionStatusParams,
        handler: (ctx: Context<{ sessionId: string }>) => sessionStatus(deps, ctx.params.sessionId),
      },
    },
  };
}
