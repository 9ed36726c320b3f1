import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import { ForbiddenError, NotFoundError, type CallMeta } from "@second-brain/contracts";
import { appErrorsMixin } from "@second-brain/platform";

/**
 * The projections an admin can inspect and rebuild. Each is a service with `status` (where it
 * stands in the log) and `rebuild` (replay from position 0 into fresh storage, then swap in).
 */
export const REBUILDABLE_PROJECTIONS = ["memories"] as const;

interface ProjectionStatus {
  name: string;
  position: string;
  rebuilding: boolean;
  lagEvents?: number;
}

/** Admin operations of the REST API, run next to the gateway. Every action needs the admin role. */
export function adminService(): ServiceSchema {
  return {
    name: "admin",
    mixins: [appErrorsMixin],
    actions: {
      projections: {
        params: { $$strict: true },
        handler: async (ctx: Context<Record<string, never>, CallMeta>) => {
          requireAdmin(ctx);
          const available = REBUILDABLE_PROJECTIONS.filter((name) => hasAction(ctx.broker, `${name}.status`));
          const statuses = await Promise.all(
            available.map((name) =>
              ctx.call<ProjectionStatus, object>(`${name}.status`, {}, { meta: ctx.meta }),
            ),
          );
          return { projections: statuses };
        },
      },
      rebuild: {
        params: { $$strict: true, name: { type: "string", max: 100 } },
        handler: async (ctx: Context<{ name: string }, CallMeta>) => {
          requireAdmin(ctx);
          const name = ctx.params.name;
          if (
            !(REBUILDABLE_PROJECTIONS as readonly string[]).includes(name) ||
            !hasAction(ctx.broker, `${name}.rebuild`)
          )
            throw new NotFoundError(`Projection "${name}"`);
          await ctx.call(`${name}.rebuild`, {}, { meta: ctx.meta });
          return { name, accepted: true };
        },
      },
    },
  };
}

function requireAdmin(ctx: Context<unknown, CallMeta>): void {
  if (ctx.meta.caller?.role !== "admin") throw new ForbiddenError("This needs the admin role.");
}

function hasAction(broker: ServiceBroker, action: string): boolean {
  return !!broker.registry.getActionEndpoints(action);
}
