import { LRUCache } from "lru-cache";
import type { Cache } from "./ports.ts";
import { openFailFastRedis } from "./fail-fast-redis.ts";
import { createLogger, rateLimitedWarn } from "./logger.ts";

export interface MemoryCacheOptions {
  /** Least recently used entries are dropped beyond this many. */
  maxEntries?: number;
  /**
   * Least recently used entries are dropped while the entries take more than this many bytes
   * (keys and JSON text as JavaScript holds them, two bytes a character, plus a bookkeeping
   * allowance each), so no caller can grow the process without bound, however big or many its
   * entries. A single entry over a quarter of it is not stored: it would push out most others.
   */
  maxBytes?: number;
  /** Milliseconds; never 0, which lru-cache reads as "no start time" (the entry would never expire). */
  now?: () => number;
}

/** The embedded mode's cache bound when configuration names none (CACHE_MAX_BYTES). */
export const DEFAULT_MEMORY_CACHE_BYTES = 64 * 1024 * 1024;
/** What the LRU keeps per entry besides its key and value (node, links, TTL slots), roughly. */
const ENTRY_OVERHEAD_BYTES = 128;

/**
 * The embedded mode's cache. Values are stored as JSON text, as Redis stores them, so a caller
 * that mutates what it got back cannot change what the next caller reads.
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
  const entries = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    maxSize: maxBytes,
    maxEntrySize: Math.floor(maxBytes / 4),
    sizeCalculation: (json, key) => 2 * (json.length + key.length) + ENTRY_OVERHEAD_BYTES,
    // Exact expiry on every read, on the given clock (no cached "now").
    ttlResolution: 0,
    perf: { now: options.now ?? Date.now },
  });
  return {
    get: async <T>(key: string) => {
      const json = entries.get(key);
      return json === undefined ? undefined : (JSON.parse(json) as T);
    },
    set: async (key, value, ttlSeconds) => {
      if (value === undefined || ttlSeconds <= 0) entries.delete(key);
      // lru-cache keeps an entry while its age is at most `ttl`; Redis (EX) drops it once the TTL
      // has passed, one millisecond earlier.
      else entries.set(key, JSON.stringify(value), { ttl: Math.max(1, ttlSeconds * 1000 - 1) });
    },
    delete: async (...keys) => {
      for (const key of keys) entries.delete(key);
    },
    deletePrefix: async (prefix) => {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
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
  const commandTimeout = options.commandTimeoutMs ?? 1_000;
  // One line per burst: while Redis is down every request would otherwise log its miss.
  const warn = rateLimitedWarn(logger);
  let down = false;
  const { redis, opened } = openFailFastRedis(url, prefix, {
    commandTimeoutMs: commandTimeout,
    onError: (error) => {
      down = true;
      warn("redis connection error", error);
    },
  });
  redis.on("ready", () => {
    if (down) logger.info("redis connection ready again");
    down = false;
  });
  return {
    get: async <T>(key: string) => {
      try {
        await opened;
        const json = await redis.get(key);
        return json === null ? undefined : (JSON.parse(json) as T);
      } catch (error) {
        warn("cache get failed, treated as a miss", error);
        return undefined;
      }
    },
    set: async (key, value, ttlSeconds) => {
      try {
        await opened;
        if (value === undefined || ttlSeconds <= 0) await redis.del(key);
        else await redis.set(key, JSON.stringify(value), "EX", Math.max(1, Math.ceil(ttlSeconds)));
      } catch (error) {
        warn("cache set failed, skipped", error);
      }
    },
    delete: async (...keys) => {
      if (keys.length === 0) return;
      await opened;
      await redis.del(...keys);
    },
    deletePrefix: async (start) => {
      await opened;
      // SCAN sees keys with the connection's prefix on them, and UNLINK adds it again: strip it.
      const keys = redis.scanStream({ match: `${escapeGlob(`${prefix}${start}`)}*`, count: 1000 });
      for await (const batch of keys as AsyncIterable<string[]>) {
        if (batch.length > 0) await redis.unlink(...batch.map((key) => key.slice(prefix.length)));
      }
    },
    ping: async () => {
      await opened;
      await redis.ping();
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** A literal for a Redis MATCH pattern: its glob characters escaped. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
