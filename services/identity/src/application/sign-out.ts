import { ForbiddenError, UnauthenticatedError, type Caller } from "@second-brain/contracts";
import { hashPassword, verifyPassword } from "@second-brain/auth";
import { findUserById } from "../adapters/identity-store.ts";
import { liveSessionsOf, setPasswordHash } from "../adapters/session-store.ts";
import type { IdentityDeps } from "./identity-commands.ts";
import { revokeSessions } from "./sessions.ts";

const WRONG_PASSWORD = "The password is wrong.";

/** The caller's session ends: its access and refresh tokens stop working at once. */
export async function logout(deps: IdentityDeps, caller: Caller | undefined): Promise<void> {
  await revokeSessions(deps, [sessionOf(caller)]);
}

/**
 * A new password, given the current one. Every other session of the user ends (a thief signed in
 * elsewhere is out); the caller's stays.
 */
export async function changePassword(
  deps: IdentityDeps,
  caller: Caller | undefined,
  command: { currentPassword: string; newPassword: string },
): Promise<void> {
  const sessionId = sessionOf(caller);
  const { userId } = caller!;
  await requirePassword(deps, userId, command.currentPassword);
  await setPasswordHash(deps.pool, userId, await hashPassword(command.newPassword, deps.passwordParams));
  const others = (await liveSessionsOf(deps.pool, userId)).filter((id) => id !== sessionId);
  await revokeSessions(deps, others);
}

/** Throws 403 unless `password` is the user's (401 when the account is gone). */
export async function requirePassword(deps: IdentityDeps, userId: string, password: string): Promise<void> {
  const stored = await findUserById(deps.pool, userId);
  if (!stored) throw new UnauthenticatedError("The account no longer exists.");
  if (!(await verifyPassword(password, stored.passwordHash))) throw new ForbiddenError(WRONG_PASSWORD);
}

function sessionOf(caller: Caller | undefined): string {
  if (!caller) throw new UnauthenticatedError();
  if (!caller.sessionId) throw new ForbiddenError("Only a signed-in session can do this.");
  return caller.sessionId;
}
