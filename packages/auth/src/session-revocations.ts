import { openFailFastRedis } from "@second-brain/platform";

/**
 * The sessions revoked recently (logged out, signed out by a password change, ended by refresh
 * token reuse or erasure), asked on every authenticated request so that a revoked session's access
 * tokens stop working at once, on every gateway. An entry only needs to live as long as an access
 * token can: after that the token has expired anyway. The durable truth is the identity service's
 * session table; this set is its fast copy:
 *
 * - embedded mode: a Map in the process (the identity service and the gateway share it);
 * - distributed mode: Redis keys with a TTL, shared by every gateway.
 *
 * A set that cannot answer says `unknown` rather than `live`: Redis unreachable, or a set that does
 * not (yet) hold every recent revocation (a process that just started, a Redis that restarted
 * empty). The identity service fills it from the table (`markComplete` afterwards); until then the
 * gateway asks the identity service, which reads the table. A revoked token is never accepted
 * because the fast copy was missing.
 */
export type RevocationLookup = "revoked" | "live" | "unknown";

export interface SessionRevocations {
  /** Records the sessions as revoked for `ttlSeconds`; throws when it cannot. */
  revoke(sessionIds: readonly string[], ttlSeconds: number): Promise<void>;
  /** The set now holds every revocation younger than an access token (it was filled from the table). */
  markComplete(): Promise<void>;
  /** Never throws: a set that cannot answer says `unknown`. */
  lookup(sessionId: string): Promise<RevocationLookup>;
  close(): Promise<void>;
}

/** Embedded mode. `now` is milliseconds since the epoch (tests pass a clock). */
export function inProcessSessionRevocations(now: () => number = Date.now): SessionRevocations {
  const expiries = new Map<string, number>();
  let complete = false;
  let sweepAt = 1024;
  const sweep = () => {
    const at = now();
    for (const [sessionId, expiresAt] of expiries) if (expiresAt <= at) expiries.delete(sessionId);
    sweepAt = Math.max(1024, expiries.size * 2);
  };
  return {
    revoke: async (sessionIds, ttlSeconds) => {
      const expiresAt = now() + ttlSeconds * 1000;
      for (const sessionId of sessionIds)
        expiries.set(sessionId, Math.max(expiresAt, expiries.get(sessionId) ?? 0));
      if (expiries.size >= sweepAt) sweep();
    },
    markComplete: async () => {
      complete = true;
    },
    lookup: async (sessionId) => {
      if (!complete) return "unknown";
      const expiresAt = expiries.get(sessionId);
      return expiresAt !== undefined && expiresAt > now() ? "revoked" : "live";
    },
    close: async () => {
      expiries.clear();
    },
  };
}

export interface RedisRevocationOptions {
  /** A lookup slower than this answers `unknown` (then the table decides). */
  commandTimeoutMs?: number;
  /** Hears every failure (rate-limit it: while Redis is down each request fails once). */
  onError?: (message: string, error: unknown) => void;
}

const REVOKED = "revoked-session:";
/** Present while the keys hold every recent revocation; Redis restarted empty loses it too. */
const COMPLETE = "revoked-sessions:complete";

/** Distributed mode: one key per revoked session, expiring with the last access token it could have. */
export function redisSessionRevocations(
  url: string,
  prefix: string,
  options: RedisRevocationOptions = {},
): SessionRevocations {
  const commandTimeout = options.commandTimeoutMs ?? 500;
  // While Redis is unreachable a lookup fails at once (then `unknown`) instead of queueing.
  const { redis, opened } = openFailFastRedis(url, prefix, {
    commandTimeoutMs: commandTimeout,
    onError: (error) => options.onError?.("revocation set: redis connection error", error),
  });
  return {
    revoke: async (sessionIds, ttlSeconds) => {
      if (sessionIds.length === 0) return;
      await opened;
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      const batch = redis.multi();
      for (const sessionId of sessionIds) batch.set(`${REVOKED}${sessionId}`, "1", "EX", ttl);
      const results = await batch.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error("The revocation set refused the write.");
    },
    markComplete: async () => {
      await opened;
      await redis.set(COMPLETE, "1");
    },
    lookup: async (sessionId) => {
      try {
        await opened;
        const [complete, revoked] = await redis.mget(COMPLETE, `${REVOKED}${sessionId}`);
        if (revoked !== null) return "revoked";
        return complete === null ? "unknown" : "live";
      } catch (error) {
        options.onError?.("revocation set: lookup failed, asking the session table", error);
        return "unknown";
      }
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

/**
 * Opens the set on first use: every process of the distributed mode has the resources, but only
 * the gateway and the identity service ask or write the set, so the others hold no connection.
 */
export function lazySessionRevocations(open: () => SessionRevocations): SessionRevocations {
  let set: SessionRevocations | undefined;
  const opened = () => (set ??= open());
  return {
    revoke: (sessionIds, ttlSeconds) => opened().revoke(sessionIds, ttlSeconds),
    markComplete: () => opened().markComplete(),
    lookup: (sessionId) => opened().lookup(sessionId),
    close: async () => {
      await set?.close();
    },
  };
}
