import type { Context } from "moleculer";
import { UnauthenticatedError, type Caller } from "@second-brain/contracts";
import type { SessionRevocations } from "@second-brain/auth";

/**
 * After the token's signature: is its session still live? The revocation set answers (a Map in
 * the embedded mode, one Redis round trip in the distributed mode). When it cannot (Redis
 * unreachable, or not yet refilled after a start), the identity service reads its session table;
 * when that cannot answer either, the request fails (503), so a revoked token is never let through
 * for want of an answer.
 */
export async function assertSessionLive(
  caller: Caller,
  revocations: SessionRevocations,
  ctx: Context,
): Promise<void> {
  if (!caller.sessionId) return;
  const known = await revocations.lookup(caller.sessionId);
  if (known === "live") return;
  if (known === "unknown") {
    const { live } = await ctx.call<{ live: boolean }, { sessionId: string }>("identity.sessionStatus", {
      sessionId: caller.sessionId,
    });
    if (live) return;
  }
  throw new UnauthenticatedError("The session has ended; sign in again.");
}
