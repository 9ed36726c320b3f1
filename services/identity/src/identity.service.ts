import type { Context, ServiceSchema } from "moleculer";
import type { CallMeta } from "@second-brain/contracts";
import {
  appErrorsMixin,
  commandIdOf,
  runMigrations,
  type Keyring,
  type SqlPool,
} from "@second-brain/platform";
import type { EventStore } from "@second-brain/event-store";
import { eraseUser } from "./application/erase-user.ts";
import { login, me, refresh, register, type IdentityDeps } from "./application/identity-commands.ts";
import { identityMigrations } from "./migrations.ts";
import { isEmailAddress, MAX_EMAIL_CHARS, normalizeEmail } from "./domain/email.ts";

export interface IdentityServiceOptions {
  pool: SqlPool;
  keyring: Keyring;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Emails that register as admins (configuration: ADMIN_EMAILS). */
  adminEmails?: readonly string[];
  /** Where the `UserErased` event goes, so read models purge an erased user's rows. */
  store: EventStore;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: () => number;
}

/**
 * fastest-validator's `email` rule runs its pattern over the whole value even after its length
 * check failed (seconds of CPU for one long address); this check is length-first and linear.
 */
const EMAIL = {
  type: "string",
  max: MAX_EMAIL_CHARS,
  custom: (value: unknown, errors: { type: string; actual: unknown }[]) => {
    // Runs even when the rules before it failed: only a string within the limit is looked at.
    if (typeof value !== "string" || value.length > MAX_EMAIL_CHARS) return value;
    if (!isEmailAddress(value)) errors.push({ type: "email", actual: value });
    return normalizeEmail(value);
  },
};

/** Accounts, passwords and tokens. Access tokens are verified by the gateway, not here. */
export function identityService(options: IdentityServiceOptions): ServiceSchema {
  const deps: IdentityDeps = { ...options, now: options.now ?? Date.now };
  return {
    name: "identity",
    mixins: [appErrorsMixin],
    actions: {
      register: {
        params: {
          $$strict: true,
          email: EMAIL,
          password: { type: "string", min: 8, max: 1024 },
          name: { type: "string", max: 200, optional: true, nullable: true },
        },
        handler: (ctx: Context<{ email: string; password: string; name?: string | null }, CallMeta>) =>
          register(deps, ctx.params, commandIdOf(ctx)),
      },
      login: {
        params: {
          $$strict: true,
          email: { type: "string", min: 1, max: 254 },
          password: { type: "string", min: 1, max: 1024 },
        },
        handler: (ctx: Context<{ email: string; password: string }>) => login(deps, ctx.params),
      },
      refresh: {
        params: {
          $$strict: true,
          refreshToken: { type: "string", min: 1, max: 512 },
        },
        handler: (ctx: Context<{ refreshToken: string }>) => refresh(deps, ctx.params.refreshToken),
      },
      me: {
        params: { $$strict: true },
        handler: (ctx: Context<Record<string, never>, CallMeta>) => me(deps, ctx.meta.caller),
      },
      erase: {
        params: { $$strict: true },
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
