import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import { NotFoundError, type CallMeta } from "@second-brain/contracts";
import { appErrorsMixin, requireAdmin } from "@second-brain/platform";
import type { ParkedEvent, ProjectionStatus } from "@second-brain/projection";

/**
 * The projections an admin can rebuild. Each is a service with `status` (where it stands in the
 * log) and `rebuild` (replay from position 0 into fresh storage, then swap in).
 */
export const REBUILDABLE_PROJECTIONS = ["memories"] as const;

/**
 * Every read model (projection or log follower) by name, and the service that runs it. Each of
 * those services has the shared read-model actions (packages/platform/src/read-model-admin.ts):
 * `readModelStatus`, `parkedEvents`, `retryParked`.
 */
export const READ_MODEL_SERVICES: Readonly<Record<string, string>> = {
  memories: "memory-views",
  search: "search-index",
  cache: "memory-cache",
  sessions: "session",
  tags: "tag",
  attachments: "attachment",
};

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
          const available = Object.entries(READ_MODEL_SERVICES).filter(([, service]) =>
            hasAction(ctx.broker, `${service}.readModelStatus`),
          );
          // A read model that cannot answer (its service is starting or failing) is listed with the reason.
          const settled = await Promise.allSettled(
            available.map(async ([name, service]) => {
              const status = await ctx.call<ProjectionStatus, object>(
                `${service}.readModelStatus`,
                {},
                { meta: ctx.meta },
              );
              if (!isRebuildable(name) || !hasAction(ctx.broker, `${service}.status`)) return status;
              const { rebuilding } = await ctx.call<{ rebuilding: boolean }, object>(
                `${service}.status`,
                {},
                { meta: ctx.meta },
              );
              return { ...status, rebuilding };
            }),
          );
          const projections = settled.map((outcome, i) =>
            outcome.status === "fulfilled"
              ? outcome.value
              : { name: available[i]![0], error: errorMessage(outcome.reason) },
          );
          return { projections };
        },
      },
      rebuild: {
        params: { $$strict: true, name: { type: "string", max: 100 } },
        handler: async (ctx: Context<{ name: string }, CallMeta>) => {
          requireAdmin(ctx);
          const name = ctx.params.name;
          const service = isRebuildable(name) ? READ_MODEL_SERVICES[name] : undefined;
          if (!service || !hasAction(ctx.broker, `${service}.rebuild`))
            throw new NotFoundError(`Projection "${name}"`);
          await ctx.call(`${service}.rebuild`, {}, { meta: ctx.meta });
          return { name, accepted: true };
        },
      },
      /** The read model's parked streams, each with its parked events in order. */
      parked: {
        params: { $$strict: true, name: { type: "string", max: 100 } },
        handler: async (ctx: Context<{ name: string }, CallMeta>) => {
          requireAdmin(ctx);
          const service = readModelService(ctx, ctx.params.name);
          const events = await ctx.call<ParkedEvent[], object>(
            `${service}.parkedEvents`,
            {},
            { meta: ctx.meta },
          );
          return { name: ctx.params.name, streams: byStream(events) };
        },
      },
      /** Re-applies a parked stream; it stays parked (and the error is returned) if it fails again. */
      retryParked: {
        params: {
          $$strict: true,
          name: { type: "string", max: 100 },
          streamId: { type: "string", max: 200 },
        },
        handler: async (ctx: Context<{ name: string; streamId: string }, CallMeta>) => {
          requireAdmin(ctx);
          const { name, streamId } = ctx.params;
          const service = readModelService(ctx, name);
          const result = await ctx.call<{ outcome: string }, object>(
            `${service}.retryParked`,
            { streamId },
            { meta: ctx.meta },
          );
          if (result.outcome === "not-parked")
            throw new NotFoundError(`Parked stream "${streamId}" of "${name}"`);
          return { name, streamId, ...result };
        },
      },
    },
  };
}

function readModelService(ctx: Context<unknown, CallMeta>, name: string): string {
  const service = Object.hasOwn(READ_MODEL_SERVICES, name) ? READ_MODEL_SERVICES[name] : undefined;
  if (!service || !hasAction(ctx.broker, `${service}.parkedEvents`))
    throw new NotFoundError(`Projection "${name}"`);
  return service;
}

/** Parked events come in stream order, each stream in version order; the first parked the stream. */
function byStream(events: readonly ParkedEvent[]) {
  const streams = new Map<string, ParkedEvent[]>();
  for (const event of events) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  return [...streams].map(([streamId, parked]) => ({
    streamId,
    parkedAt: parked[0]!.parkedAt,
    error: parked[0]!.error,
    events: parked.map(({ eventId, eventType, streamVersion, position, error, parkedAt }) => ({
      eventId,
      eventType,
      streamVersion,
      position,
      error,
      parkedAt,
    })),
  }));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRebuildable(name: string): boolean {
  return (REBUILDABLE_PROJECTIONS as readonly string[]).includes(name);
}

function hasAction(broker: ServiceBroker, action: string): boolean {
  return !!broker.registry.getActionEndpoints(action);
}
