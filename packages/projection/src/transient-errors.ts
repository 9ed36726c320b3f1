import { UnavailableError } from "@second-brain/contracts";
import { isInfrastructureFailure, someCause } from "@second-brain/platform";

/**
 * SQLSTATEs that are not a server being down but still pass by themselves: 40001 serialization
 * failure, 40P01 deadlock, 55P03 lock not available. And 42P01, 42703, 42501 (a table or column
 * missing, no privilege): they fail for every event alike, so the schema or the grants are wrong,
 * and parking every stream one by one would hide that.
 */
const RETRYABLE_SQLSTATES = new Set(["40001", "40P01", "55P03", "42P01", "42703", "42501"]);

/**
 * Whether retrying the same work later can succeed without anyone changing anything: the database,
 * the cache or the embedding provider was unreachable, overloaded or busy (the one list of those is
 * platform's isInfrastructureFailure). Anything else (a value the read model cannot store, malformed
 * data, a decoder's TypeError, a constraint violation) fails again for the same event, so the
 * projection isolates and parks it instead of retrying forever.
 */
export function isTransientError(error: unknown): boolean {
  return (
    isInfrastructureFailure(error) ||
    someCause(error, (candidate) => {
      if (candidate instanceof UnavailableError) return true;
      const code = (candidate as { code?: unknown } | null)?.code;
      return typeof code === "string" && RETRYABLE_SQLSTATES.has(code);
    })
  );
}
