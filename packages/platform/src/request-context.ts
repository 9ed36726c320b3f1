import { AsyncLocalStorage } from "node:async_hooks";
import type { Middleware } from "moleculer";

/**
 * What every log line written while serving one Moleculer request should carry. Moleculer itself
 * only binds nodeID/service to its loggers, so the request id travels in async-local storage.
 */
export interface RequestContext {
  requestID: string | undefined;
  nodeID: string | undefined;
  action: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

interface ContextLike {
  requestID?: string | null;
  nodeID?: string | null;
  action?: { name?: string } | null;
  eventName?: string | null;
}

function contextOf(ctx: ContextLike): RequestContext {
  return {
    requestID: ctx.requestID ?? undefined,
    nodeID: ctx.nodeID ?? undefined,
    action: ctx.action?.name ?? ctx.eventName ?? undefined,
  };
}

/** Broker middleware that runs every local action and event handler inside its request context. */
export const requestContextMiddleware: Middleware = {
  name: "RequestContext",
  localAction(next) {
    return function (this: unknown, ctx) {
      return storage.run(contextOf(ctx as ContextLike), () => next.call(this as never, ctx));
    };
  },
  localEvent(next) {
    return (ctx) => storage.run(contextOf(ctx as ContextLike), () => next(ctx));
  },
};
