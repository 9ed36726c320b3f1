import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { createLogger, openFailFastRedis, rateLimitedWarn } from "@second-brain/platform";
import { rateLimitFailOpen } from "./rate-limit-metrics.ts";

/**
 * Where the rate-limit counters live: in this process (the embedded mode: one process, so one
 * counter), or in Redis (the distributed mode: every gateway replica counts in the same keys).
 * Counters are rate-limiter-flexible limiters; this gives each family of counters its own.
 */
export interface CounterStore {
  /** Counters named `name`, each living `seconds` from its first count. */
  counters(name: string, seconds: number): RateLimiterAbstract;
  /**
   * Runs an operation on the counters; when the store does not answer, the request is let through
   * (`fallback`), logged once per burst and counted in `rate_limit_fail_open_total`: a limiter that
   * is down must not take the API down with it.
   */
  failOpen<T>(operation: () => Promise<T>, fallback: T): Promise<T>;
  close(): Promise<void>;
}

/** Points are only ever counted (penalty/get), never consumed against a limit, so any bound is fine. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** A Redis that answers slower than this is treated as down for the request (fail open). */
export const REDIS_COMMAND_TIMEOUT_MS = 250;

const FIRST_CONNECTION_WAIT_MS = 1_000;

export function memoryCounterStore(): CounterStore {
  return {
    counters: (name, seconds) =>
      new RateLimiterMemory({ keyPrefix: name, points: UNBOUNDED, duration: seconds }),
    failOpen: (operation) => operation(),
    close: async () => undefined,
  };
}

export function redisCounterStore(url: string, prefix: string, logLevel?: string): CounterStore {
  const logger = createLogger("rate-limit", logLevel);
  const warn = rateLimitedWarn(logger);
  // Down means "fail open now", not "wait": no queue while disconnected, no second attempt. A
  // request's counters (its address, its user, each of two windows) go in one round trip.
  // Requests that arrive while the first connection is still opening wait for it, for at most a
  // second; after that a Redis that is not connected fails open at once.
  const { redis, opened } = openFailFastRedis(url, `${prefix}rl:`, {
    commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    autoPipelining: true,
    firstConnectionWaitMs: FIRST_CONNECTION_WAIT_MS,
    onError: (error) => warn("rate-limit store connection error", error),
  });
  return {
    counters: (name, seconds) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: name,
        points: UNBOUNDED,
        duration: seconds,
        rejectIfRedisNotReady: true,
      }),
    failOpen: async (operation, fallback) => {
      try {
        await opened;
        return await operation();
      } catch (error) {
        rateLimitFailOpen.inc();
        warn("rate-limit store unavailable, request served unchecked", error);
        return fallback;
      }
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
