import type { createLogger } from "@second-brain/platform";
import { issueBootstrapTokenIfNoAdmin } from "./admin-bootstrap.ts";
import type { IdentityDeps } from "./identity-commands.ts";
import { refillRevocations } from "./sessions.ts";

/**
 * What the identity service does once its tables exist: refill the revocation set (a restarted
 * process, or a Redis restarted empty, holds none of the recent revocations) and, while no admin
 * exists, log a fresh one-time bootstrap token for the operator.
 */
export async function onIdentityStarted(
  deps: IdentityDeps,
  logger: ReturnType<typeof createLogger>,
): Promise<void> {
  await refillRevocations(deps).catch((error: unknown) =>
    // Gateways ask the session table until a later refill succeeds (sessions.ts).
    logger.warn("could not refill the revocation set at start", { error: (error as Error)?.message }),
  );
  const token = await issueBootstrapTokenIfNoAdmin(deps);
  if (token)
    logger.warn(
      "No admin account exists. To make one, sign in and send this one-time token: " +
        'POST /api/v1/auth/bootstrap-admin {"token": "<token>"}. It replaces any earlier one.',
      { bootstrapAdminToken: token },
    );
}
