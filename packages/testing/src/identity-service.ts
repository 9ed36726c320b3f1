import { identityService } from "@second-brain/identity-service";
import type { EventStore } from "@second-brain/event-store";
import type { Keyring, SqlPool } from "@second-brain/platform";

type Revocations = Parameters<typeof identityService>[0]["revocations"];

/**
 * The identity service for the gateway's tests, on a test event log: they register and log in
 * through the real one rather than a stand-in. Password hashes are explicitly cheap (hashing is not
 * what they test, and the production parameters cost a second per hash here). Kept here, with the
 * other harness code, so that no unit's tests import another unit.
 */
export function identityServiceOnLog(
  log: { store: EventStore; pool: SqlPool; keyring: Keyring },
  jwtSecret: string,
  revocations: Revocations,
): ReturnType<typeof identityService> {
  return identityService({
    store: log.store,
    pool: log.pool,
    keyring: log.keyring,
    jwtSecret,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 3600,
    revocations,
    passwordParams: { N: 1024, r: 8, p: 1 },
  });
}
