import type { SqlPool } from "@second-brain/platform";
import type { EventStore } from "../event-store.ts";
import { openSubscriptions } from "../open-subscriptions.ts";
import { appendNotifier, appendOnClient, findStoredAppend, isUniqueViolation } from "./append-events.ts";
import { startCatchUp } from "./catch-up-subscription.ts";
import { createNotificationListener, type NotificationListener } from "./notification-listener.ts";
import { readLog, readStreamEvents, readStreamVersion } from "./read-events.ts";
import { EVENTS_CHANNEL } from "./schema.ts";

export interface PostgresEventStoreOptions {
  /** How often a caught-up subscription reads again without a notice; default 100 ms. */
  pollIntervalMs?: number;
  /** Pause after a failed read or batch before retrying; default 500 ms. */
  retryDelayMs?: number;
  /**
   * Connection string for a dedicated LISTEN connection, so subscriptions wake on every commit
   * instead of waiting for the poll. Only used on a PostgreSQL server (PGlite has no cross-client
   * notifications); without it subscriptions poll.
   */
  listenUrl?: string;
  /** Set false to poll even when `listenUrl` is given. */
  listen?: boolean;
}

/**
 * The event store on PostgreSQL or PGlite (run `migrateEventStore` first). The pool belongs to the
 * caller: `close()` stops the subscriptions and the LISTEN connection but leaves the pool open.
 */
export function createPostgresEventStore(pool: SqlPool, options: PostgresEventStoreOptions = {}): EventStore {
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const listener: NotificationListener | null =
    pool.kind === "postgres" && options.listen !== false && options.listenUrl
      ? createNotificationListener(options.listenUrl, EVENTS_CHANNEL)
      : null;
  const subscriptions = openSubscriptions();
  // PGlite runs one transaction at a time (pglitePool queues its clients), so a read never meets
  // an append in flight: the gap guard's probe and the held-back check would find nothing there.
  const appendsMayBeInFlight = pool.kind === "postgres";
  const notifyOtherProcesses = pool.kind === "postgres" ? appendNotifier(pool) : () => undefined;

  return {
    async appendToStream(streamId, events, { expectedVersion }) {
      try {
        // A single statement: atomic without an explicit transaction.
        const result = await appendOnClient(pool, streamId, events, expectedVersion);
        // Subscribers in this process hear of the commit at once (the only wake-up PGlite has);
        // those in other processes through LISTEN.
        subscriptions.wakeAll();
        notifyOtherProcesses();
        return result;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // A retry raced its own original and lost on the event id: answer with what the original stored.
        const stored = await findStoredAppend(pool, streamId, events, expectedVersion);
        if (stored) return stored;
        throw error;
      }
    },
    readStream: (streamId, readOptions) => readStreamEvents(pool, streamId, readOptions),
    streamVersion: (streamId) => readStreamVersion(pool, streamId),
    readAll: async (readOptions) => (await readLog(pool, readOptions, appendsMayBeInFlight)).events,
    subscribe(subscribeOptions) {
      const subscription = startCatchUp(
        {
          read: (after, limit) => readLog(pool, { after, limit }, appendsMayBeInFlight),
          ...(listener ? { onAppendNotice: (notice: () => void) => listener.add(notice) } : {}),
          pollIntervalMs,
          retryDelayMs,
        },
        subscribeOptions,
      );
      return subscriptions.track(subscription);
    },
    async close() {
      await subscriptions.stopAll();
      await listener?.close();
    },
  };
}
