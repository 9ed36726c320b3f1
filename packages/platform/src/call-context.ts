import { Errors, type Context } from "moleculer";
import { UnauthenticatedError, type CallMeta, type Caller } from "@second-brain/contracts";

/** The caller the gateway resolved into `ctx.meta`; a call without one is refused (401). */
export function callerOf(ctx: Context<unknown, CallMeta>): Caller {
  const caller = ctx.meta.caller;
  if (!caller || typeof caller.userId !== "string" || caller.userId === "") throw new UnauthenticatedError();
  return caller;
}

/** Who asks, and the ids that tie what a command appends to the request that caused it. */
export interface CallInfo {
  caller: Caller;
  correlationId: string;
  commandId: string;
}

export function callInfoOf(ctx: Context<unknown, CallMeta>): CallInfo {
  return {
    caller: callerOf(ctx),
    correlationId: ctx.requestID ?? ctx.meta.requestId ?? ctx.id,
    commandId: commandIdOf(ctx),
  };
}

/**
 * The identity of the command a call carries (ARCHITECTURE.md, invariant 9). A retried call is a
 * new context (new ctx.id) with the same meta, so the id lives in meta; a call made without one
 * (a test, a script) is a command of its own.
 */
export function commandIdOf(ctx: Context<unknown, CallMeta>): string {
  return ctx.meta.commandId ?? ctx.id;
}

/**
 * Asks another service, as `caller`, for something the request can do without (attachments listed
 * beside a write already stored, counts shown beside an answer, a check that must not hold a write
 * up): undefined when it does not answer within `timeoutMs`, with `warning` logged unless that
 * service is simply not running in this deployment.
 */
export async function optionalCall<T>(
  ctx: Context<unknown, CallMeta>,
  action: string,
  params: object,
  options: {
    caller: Caller | undefined;
    timeoutMs: number;
    logger: { warn(message: string, meta: object): void };
    warning: string;
  },
): Promise<T | undefined> {
  try {
    return await ctx.call<T, object>(action, params, {
      meta: { caller: options.caller },
      timeout: options.timeoutMs,
      retries: 0,
    });
  } catch (error) {
    if (!(error instanceof Errors.ServiceNotFoundError))
      options.logger.warn(options.warning, { action, params, error: String(error) });
    return undefined;
  }
}
