import { USER_ERASED, UnauthenticatedError, userStreamId, type Caller } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { derivedId, inTransaction, type Keyring, type SqlPool } from "@second-brain/platform";
import { deleteUser, findUserById } from "../adapters/identity-store.ts";
import { liveSessionsOf } from "../adapters/session-store.ts";
import type { IdentityDeps } from "./identity-commands.ts";
import { revokeSessions } from "./sessions.ts";
import { requirePassword } from "./sign-out.ts";

export interface EraseDeps extends IdentityDeps {
  pool: SqlPool;
  keyring: Keyring;
  store: EventStore;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/**
 * Erases a user by crypto-shredding, once the password confirms it (a stolen access token alone
 * cannot erase anyone): every session ends first, so no token of the user works any more; then the
 * data key goes, which makes every personal field in the log unreadable for good without rewriting
 * it; then the account and its tokens; last a `UserErased` event, from which every read model
 * purges the user's rows. Each step can be run again, so a retry after a failure finishes the job
 * (a retry that finds the account gone already had the password checked).
 */
export async function eraseUser(
  deps: EraseDeps,
  caller: Caller | undefined,
  password: string,
): Promise<{ erased: string }> {
  if (!caller) throw new UnauthenticatedError();
  const userId = caller.userId;
  if (await findUserById(deps.pool, userId)) {
    await requirePassword(deps, userId, password);
    await revokeSessions(deps, await liveSessionsOf(deps.pool, userId));
  }
  await deps.keyring.destroyKey(userId);
  await inTransaction(deps.pool, (client) => deleteUser(client, userId));
  // A user is erased once: every erasure of this user, retried or repeated, is the same event.
  const eventId = derivedId(userId, USER_ERASED);
  await deps.store.appendToStream(
    userStreamId(userId),
    [
      {
        id: eventId,
        type: USER_ERASED,
        data: { userId },
        metadata: {
          actor: userId,
          ownerId: userId,
          correlationId: eventId,
          causationId: eventId,
          occurredAt: new Date(deps.now()).toISOString(),
          schemaVersion: 1,
        },
      },
    ],
    { expectedVersion: "any" },
  );
  return { erased: userId };
}
