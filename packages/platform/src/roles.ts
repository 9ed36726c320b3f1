import type { Context } from "moleculer";
import { ForbiddenError, type CallMeta } from "@second-brain/contracts";
import { callerOf } from "./call-context.ts";

/**
 * The one role check, used by every action that needs the admin role (the gateway's admin service,
 * each read model's admin actions): 401 without a caller, 403 for anyone but an admin. A role is
 * granted by an operator (the bootstrap token), never claimed; the caller's role is the one its
 * access token was issued with.
 */
export function requireAdmin(ctx: Context<unknown, CallMeta>): void {
  if (callerOf(ctx).role !== "admin") throw new ForbiddenError("This needs the admin role.");
}
