import pg from "pg";
import { createLogger, POSTGRES_TIMEOUTS, rateLimitedWarn } from "@second-brain/platform";

export interface NotificationListener {
  /** Calls `notice` on every notification (and after a reconnect); returns how to stop. */
  add(notice: () => void): () => void;
  close(): Promise<void>;
}

/**
 * One dedicated connection that LISTENs on a channel and fans notifications out to every
 * subscription of a store. It connects on first use and reconnects after losing the server, with
 * a backoff that doubles up to `maxReconnectDelayMs` (short enough that a returning server is found
 * within seconds); while it is down, subscriptions still poll.
 */
export function createNotificationListener(
  connectionString: string,
  channel: string,
  reconnectDelayMs = 1000,
  maxReconnectDelayMs = 5000,
): NotificationListener {
  const notices = new Set<() => void>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let failures = 0;
  const warn = rateLimitedWarn(createLogger("event-store"));

  const noticeAll = () => notices.forEach((notice) => notice());

  const connect = (): Promise<void> => {
    if (connecting || closed) return connecting ?? Promise.resolve();
    const next = new pg.Client({ connectionString, ...POSTGRES_TIMEOUTS });
    const lost = (error?: Error) => {
      if (client !== next) return;
      if (!closed) warn("the LISTEN connection to PostgreSQL was lost; reconnecting", error ?? "it ended");
      client = null;
      next.end().catch(() => undefined);
      scheduleReconnect();
    };
    next.on("notification", (message) => {
      if (message.channel === channel) noticeAll();
    });
    next.on("error", lost);
    next.on("end", () => lost());
    client = next;
    connecting = next
      .connect()
      .then(() => next.query(`LISTEN ${channel}`))
      .then(() => {
        failures = 0;
        if (closed) return void next.end().catch(() => undefined);
        // Anything appended while no one was listening is only found by reading.
        noticeAll();
      })
      .catch(lost)
      .finally(() => {
        connecting = null;
      });
    return connecting;
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer || notices.size === 0) return;
    const delay = Math.min(reconnectDelayMs * 2 ** failures, maxReconnectDelayMs);
    failures += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void connect();
    }, delay);
  };

  return {
    add(notice) {
      notices.add(notice);
      if (!client && !connecting) void connect();
      return () => notices.delete(notice);
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await connecting;
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
