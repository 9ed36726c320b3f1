import type { Context } from "moleculer";
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
