import pg from "pg";

export interface NotificationListener {
  /** Calls `notice` on every notification (and after a reconnect); returns how to stop. */
  add(notice: () => void): () => void;
  close(): Promise<void>;
}

/**
 * One dedicated connection that LISTENs on a channel and fans notifications out to every
 * subscription of a store. It connects on first use and reconnects after losing the server; while
 * it is down, subscriptions still poll.
 */
export function createNotificationListener(
  connectionString: string,
  channel: string,
  reconnectDelayMs = 1000,
): NotificationListener {
  const notices = new Set<() => void>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | null = null;

  const noticeAll = () => notices.forEach((notice) => notice());

  const connect = (): Promise<void> => {
    if (connecting || closed) return connecting ?? Promise.resolve();
    const next = new pg.Client({ connectionString });
    const lost = () => {
      if (client !== next) return;
      client = null;
      next.end().catch(() => undefined);
      scheduleReconnect();
    };
    next.on("notification", (message) => {
      if (message.channel === channel) noticeAll();
    });
    next.on("error", lost);
    next.on("end", lost);
    client = next;
    connecting = next
      .connect()
      .then(() => next.query(`LISTEN ${channel}`))
      .then(() => {
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
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void connect();
    }, reconnectDelayMs);
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
