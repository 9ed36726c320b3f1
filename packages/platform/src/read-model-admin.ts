import type { Context, ServiceSchema } from "moleculer";
import { UnavailableError, type CallMeta } from "@second-brain/contracts";
import type { ReadModelHealth } from "./read-model-health.ts";
import { requireAdmin } from "./roles.ts";

/** What a running read model offers an admin (packages/projection's RunningProjection has it). */
export interface AdministeredReadModel {
  status(): Promise<object>;
  parkedEvents(): Promise<object[]>;
  retryParked(streamId: string): Promise<object>;
  /** Its entry in the service's health: by the read model's name. */
  health(): Promise<Record<string, ReadModelHealth>>;
}

/**
 * Gives the service that runs a read model the admin actions every read model shares:
 * `readModelStatus` (checkpoint, lag, parked streams), `parkedEvents` and `retryParked`. The
 * gateway's admin service finds them by service name. `current` is null until the read model has
 * started, or when this node only queries it. The `readModelHealth` method puts the read model in
 * this service's `health` answer (packages/runtime), and in no other service's: in the embedded
 * mode every service shares one process, yet each read model is reported by the service that runs it.
 */
export function readModelAdminMixin(current: () => AdministeredReadModel | null): Partial<ServiceSchema> {
  const running = (ctx: Context<unknown, CallMeta>) => {
    requireAdmin(ctx);
    const readModel = current();
    if (!readModel) throw new UnavailableError("This read model is not running on this node.");
    return readModel;
  };
  return {
    methods: {
      readModelHealth: (): Promise<Record<string, ReadModelHealth> | undefined> =>
        current()?.health() ?? Promise.resolve(undefined),
    },
    actions: {
      readModelStatus: {
        params: { $$strict: true },
        handler: (ctx: Context<Record<string, never>, CallMeta>) => running(ctx).status(),
      },
      parkedEvents: {
        params: { $$strict: true },
        handler: (ctx: Context<Record<string, never>, CallMeta>) => running(ctx).parkedEvents(),
      },
      retryParked: {
        params: { $$strict: true, streamId: { type: "string", min: 1, max: 200 } },
        handler: (ctx: Context<{ streamId: string }, CallMeta>) =>
          running(ctx).retryParked(ctx.params.streamId),
      },
    },
  };
}
