import type { Context, ServiceSchema } from "moleculer";
import { DEFAULT_QUOTAS, type CallMeta, type Quotas } from "@second-brain/contracts";
import {
  appErrorsMixin,
  commandIdOf,
  createLogger,
  optionalCall,
  rateLimitedWarn,
  runMigrations,
} from "@second-brain/platform";
import type { EventStore } from "@second-brain/event-store";
import { apiKeyActions } from "./application/api-key-actions.ts";
import { eraseUser } from "./application/erase-user.ts";
import { login, me, refresh, register, type IdentityDeps } from "./application/identity-commands.ts";
import { onIdentityStarted } from "./application/identity-start.ts";
import { noStore, sessionActions } from "./application/session-actions.ts";
import { identityMigrations } from "./migrations/index.ts";
import { usageView, type CountedUsage } from "./application/usage.ts";
import { identitySchemas, NoParams } from "@second-brain/contracts/schemas";

/** The identity dependencies (IdentityDeps), with the clock optional and the log beside them. */
export interface IdentityServiceOptions extends Omit<IdentityDeps, "now"> {
  /** Where the `UserErased` event goes, so read models purge an erased user's rows. */
  store: EventStore;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: () => number;
  /** Shown with the user's usage in GET /users/me; absent: DEFAULT_QUOTAS. */
  quotas?: Quotas;
}

/** How long GET /users/me waits for a service's count before answering without it. */
const USAGE_TIMEOUT_MS = 2_000;

/** Accounts, passwords and tokens. Access tokens are verified by the gateway, not here. */
export function identityService(options: IdentityServiceOptions): ServiceSchema {
  const logger = createLogger("identity");
  const warn = rateLimitedWarn(logger);
  const deps: IdentityDeps = {
    onRefillError: (error) => warn("could not write the revocation set; retrying", error),
    ...options,
    now: options.now ?? Date.now,
  };
  return {
    name: "identity",
    mixins: [appErrorsMixin, sessionActions(deps)],
    actions: {
      ...apiKeyActions(deps),
      register: {
        params: identitySchemas.RegisterBody,
        handler: (ctx: Context<{ email: string; password: string; name?: string | null }, CallMeta>) => {
          noStore(ctx);
          return register(deps, ctx.params, commandIdOf(ctx));
        },
      },
      login: {
        params: identitySchemas.LoginBody,
        handler: (ctx: Context<{ email: string; password: string }>) => {
          noStore(ctx);
          return login(deps, ctx.params);
        },
      },
      refresh: {
        params: identitySchemas.RefreshBody,
        handler: (ctx: Context<{ refreshToken: string }>) => {
          noStore(ctx);
          return refresh(deps, ctx.params.refreshToken);
        },
      },
      me: {
        params: NoParams,
        handler: async (ctx: Context<Record<string, never>, CallMeta>) => {
          const user = await me(deps, ctx.meta.caller);
          // One call to each service that counts; one that cannot answer leaves its counts null.
          const ask = async (action: string) =>
            (await optionalCall<CountedUsage>(
              ctx,
              action,
              {},
              {
                caller: ctx.meta.caller,
                timeoutMs: USAGE_TIMEOUT_MS,
                logger,
                warning: "cannot read the user's usage",
              },
            )) ?? {};
          const counted = await Promise.all([ask("memory-views.usage"), ask("attachment.usage")]);
          return {
            ...user,
            usage: usageView(options.quotas ?? DEFAULT_QUOTAS, Object.assign({}, ...counted)),
          };
        },
      },
      erase: {
        params: identitySchemas.EraseBody,
        handler: async (ctx: Context<{ password: string }, CallMeta>) => {
          const result = await eraseUser(
            { ...deps, store: options.store },
            ctx.meta.caller,
            ctx.params.password,
          );
          // Other processes drop their cached copy of the key now rather than when it expires.
          await ctx.broadcast("user.erased", { userId: result.erased });
          return result;
        },
      },
    },
    async started() {
      await runMigrations(options.pool, "identity", identityMigrations);
      await onIdentityStarted(deps, logger);
    },
  };
}
