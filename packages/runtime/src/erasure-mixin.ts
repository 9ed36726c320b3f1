import type { Context, ServiceSchema } from "moleculer";
import type { UserErasedData } from "@second-brain/contracts";
import type { Resources } from "./resources.ts";

/** The broadcast identity sends after destroying a user's data key. */
export const USER_ERASED_BROADCAST = "user.erased";

/**
 * Every process caches unwrapped data keys for a few seconds. When a user is erased, identity
 * broadcasts it and each process drops its copy at once, so the erasure takes effect everywhere
 * without waiting for the cache to expire (which stays as the bound if a broadcast is missed).
 */
export function erasureMixin(resources: Resources): Partial<ServiceSchema> {
  return {
    events: {
      [USER_ERASED_BROADCAST]: {
        handler: (ctx: Context<UserErasedData>) => resources.keyring.forget?.(ctx.params.userId),
      },
    },
  };
}
