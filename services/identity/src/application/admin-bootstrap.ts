import { timingSafeEqual } from "node:crypto";
import { ForbiddenError, UnauthenticatedError, type Caller, type User } from "@second-brain/contracts";
import { generateOpaqueToken, hashToken, signAccessToken } from "@second-brain/auth";
import { inTransaction } from "@second-brain/platform";
import { findUserById } from "../adapters/identity-store.ts";
import {
  adminExists,
  deleteBootstrapToken,
  setRole,
  storeBootstrapToken,
  takeBootstrapToken,
} from "../adapters/session-store.ts";
import type { IdentityDeps } from "./identity-commands.ts";

/**
 * The first admin. Nobody becomes admin by claiming an email: while no admin exists, each start of
 * the identity service makes a one-time token, stores only its hash (replacing any earlier one)
 * and logs it for the operator. A signed-in user who redeems it becomes admin; the token is gone
 * from then on, and useless anyway once any admin exists.
 */
export async function issueBootstrapTokenIfNoAdmin(
  deps: Pick<IdentityDeps, "pool" | "now">,
): Promise<string | undefined> {
  return inTransaction(deps.pool, async (client) => {
    if (await adminExists(client)) {
      await deleteBootstrapToken(client);
      return undefined;
    }
    const token = generateOpaqueToken();
    await storeBootstrapToken(client, hashToken(token), new Date(deps.now()));
    return token;
  });
}

const REFUSED = "The bootstrap token is wrong, already used, or no longer needed.";

/** Makes the caller admin; answers the user and an access token of its session with the new role. */
export async function redeemBootstrapToken(
  deps: IdentityDeps,
  caller: Caller | undefined,
  token: string,
): Promise<{ user: User; accessToken: string; expiresIn: number }> {
  if (!caller?.sessionId) throw new UnauthenticatedError();
  const user = await inTransaction(deps.pool, async (client) => {
    // Taking the row locks it: of two concurrent redemptions, one finds it gone.
    const stored = await takeBootstrapToken(client);
    if (!stored || !sameHash(stored, hashToken(token)) || (await adminExists(client)))
      throw new ForbiddenError(REFUSED);
    if (!(await setRole(client, caller.userId, "admin"))) throw new UnauthenticatedError();
    return (await findUserById(client, caller.userId))!.user;
  });
  const accessToken = await signAccessToken(
    { userId: user.id, role: user.role, sessionId: caller.sessionId },
    deps.jwtSecret,
    deps.accessTokenTtlSeconds,
    deps.now(),
  );
  return { user, accessToken, expiresIn: deps.accessTokenTtlSeconds };
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
