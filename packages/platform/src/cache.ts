import { Redis } from "ioredis";
import type { Cache } from "./ports.ts";
import { createLogger } from "./logger.ts";

export interface MemoryCacheOptions {
  /** Least recently used entries are dropped beyond this many. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * The embedded mode's cache. Values are stored as JSON text, as Redis stores them, so a caller
 * that mutates what it got back cannot change what the next caller reads.
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on read keeps the oldest-used entry first.
  const entries = new Map<string, { json: string; expiresAt: number }>();
  return {
    get: async <T>(key: string) => {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return JSON.parse(entry.json) as T;
    },
    set: async (key, value, ttlSeconds) => {
      entries.delete(key);
      if (value === undefined || ttlSeconds <= 0) return;
      entries.set(key, { json: JSON.stringify(value), expiresAt: now() + ttlSeconds * 1000 });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    delete: async (...keys) => {
      for (const key of keys) entries.delete(key);
    },
    close: async () => {
      entries.clear();
    },
  };
}

export interface RedisCacheOptions {
  /** A command that takes longer than this fails (and a get becomes a miss). */
  commandTimeoutMs?: number;
}

/**
 * The distributed mode's cache. It is best effort: when Redis is slow or down, `get` is a miss and
 * `set` is skipped (both logged), so requests fall through to the read model instead of failing.
 * `delete` is the invalidation path, so its failure is thrown: the caller (the cache projection)
 * must retry rather than leave a stale entry behind.
 */
export function createRedisCache(url: string, prefix: string, options: RedisCacheOptions = {}): Cache {
  const logger = createLogger("cache");
  const redis = new Redis(url, {
    keyPrefix: prefix,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastErrorLog = 0;
  // Without a listener ioredis reports every failed reconnect as an unhandled error event.
  redis.on("error", (error: Error) => {
    if (Date.now() - lastErrorLog < 10_000) return;
    lastErrorLog = Date.now();
    logger.warn("redis connection error", { error: error.message });
  });
  return {
    get: async <T>(key: string) => {
      try {
        const json = await redis.get(key);
        return json === null ? undefined : (JSON.parse(json) as T);
      } catch (error) {
        logger.warn("cache get failed, treated as a miss", { key, error: (error as Error).message });
        return undefined;
      }
    },
    set: async (key, value, ttlSeconds) => {
      try {
        if (value === undefined || ttlSeconds <= 0) await redis.del(key);
        else await redis.set(key, JSON.stringify(value), "EX", Math.max(1, Math.ceil(ttlSeconds)));
      } catch (error) {
        logger.warn("cache set failed, skipped", { key, error: (error as Error).message });
      }
    },
    delete: async (...keys) => {
      if (keys.length === 0) return;
      await redis.del(...keys);
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
