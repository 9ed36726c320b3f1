import type { Subscription } from "./event-store.ts";

/** The subscriptions an event store has open, so that its `close()` stops every one of them. */
export interface OpenSubscriptions {
  /** Keeps `subscription` open; stopping the handle returned stops it and lets it go. */
  track(subscription: Subscription): Subscription;
  /** Wakes every open subscription (an append in this process). */
  wakeAll(): void;
  /** Stops every open subscription; resolves when all have stopped. */
  stopAll(): Promise<void>;
}

export function openSubscriptions(): OpenSubscriptions {
  const open = new Set<Subscription>();
  return {
    track(subscription) {
      open.add(subscription);
      return {
        wake: () => subscription.wake(),
        stop: async () => {
          open.delete(subscription);
          await subscription.stop();
        },
      };
    },
    wakeAll() {
      for (const subscription of open) subscription.wake();
    },
    async stopAll() {
      const stopping = [...open].map((subscription) => subscription.stop());
      open.clear();
      await Promise.all(stopping);
    },
  };
}
