import { Redis } from "ioredis";

export interface FailFastRedisOptions {
  /** A command that takes longer than this fails. */
  commandTimeoutMs: number;
  /** Attempts after the first before a command fails (0: none). */
  maxRetriesPerRequest?: number;
  /** Sends the commands of one tick in one round trip. */
  autoPipelining?: boolean;
  /** How long `opened` waits for the first connection; one command timeout by default. */
  firstConnectionWaitMs?: number;
  /** Hears every connection error (rate-limit it: while Redis is down they come often). */
  onError: (error: Error) => void;
}

export interface FailFastRedis {
  redis: Redis;
  /** Resolves once the first connection is ready, or after `firstConnectionWaitMs` at most. */
  opened: Promise<void>;
}

/**
 * A Redis connection for work that must not wait for Redis: while it is unreachable, a command
 * fails at once instead of queueing until it returns (no offline queue), and reconnects keep being
 * tried in the background. Commands sent while the first connection is still opening would fail
 * too; callers await `opened` first, which waits for it a bounded time.
 */
export function openFailFastRedis(
  url: string,
  keyPrefix: string,
  options: FailFastRedisOptions,
): FailFastRedis {
  const redis = new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 1,
    commandTimeout: options.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  const opened = new Promise<void>((resolve) => {
    redis.once("ready", resolve);
    setTimeout(resolve, options.firstConnectionWaitMs ?? options.commandTimeoutMs).unref();
  });
  // Without a listener ioredis reports every failed reconnect as an unhandled error event.
  redis.on("error", options.onError);
  return { redis, opened };
}
