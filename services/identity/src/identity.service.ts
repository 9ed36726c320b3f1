import type { Context, ServiceSchema } from "moleculer";
import type { CallMeta } from "@second-brain/contracts";
import { appErrorsMixin, commandIdOf, runMigrations } from "@second-brain/platform";
import type { EventStore } from "@second-brain/event-store";
import { apiKeyActions } from "./application/api-key-actions.ts";
import { eraseUser } from "./application/erase-user.ts";
import { login, me, refresh, register, type IdentityDeps } from "./application/identity-commands.ts";
import { identityMigrations } from "./migrations/index.ts";
import { identitySchemas, NoParams } from "@second-brain/contracts/schemas";

/** The identity dependencies (IdentityDeps), with the clock optional and the log beside them. */
export interface IdentityServiceOptions extends Omit<IdentityDeps, "now"> {
  /** Where the `UserErased` event goes, so read models purge an erased user's rows. */
  store: EventStore;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: () => number;
}

/** Accounts, passwords and tokens. Access tokens are verified by the gateway, not here. */
export function identityService(options: IdentityServiceOptions): ServiceSchema {
  const deps: IdentityDeps = { ...options, now: options.now ?? Date.now };
  return {
    name: "identity",
    mixins: [appErrorsMixin],
    actions: {
      ...apiKeyActions(deps),
      register: {
        params: identitySchemas.RegisterBody,
        handler: (ctx: Context<{ email: string; password: string; name?: string | null }, CallMeta>) =>
          register(deps, ctx.params, commandIdOf(ctx)),
      },
      login: {
        params: identitySchemas.LoginBody,
        handler: (ctx: Context<{ email: string; password: string }>) => login(deps, ctx.params),
      },
      refresh: {
        params: identitySchemas.RefreshBody,
        handler: (ctx: Context<{ refreshToken: string }>) => refresh(deps, ctx.params.refreshToken),
      },
      me: {
        params: NoParams,
        handler: (ctx: Context<Record<string, never>, CallMeta>) => me(deps, ctx.meta.caller),
      },
      erase: {
        params: NoParams,
        handler: async (ctx: Context<Record<string, never>, CallMeta>) => {
          const result = await eraseUser({ ...deps, store: options.store }, ctx.meta.caller);
          // Other processes drop their cached copy of the key now rather than when it expires.
          await ctx.broadcast("user.erased", { userId: result.erased });
          return result;
        },
      },
    },
    async started() {
      await runMigrations(options.pool, "identity", identityMigrations);
    },
  };
}
