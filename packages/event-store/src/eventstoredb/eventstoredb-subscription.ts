import {
  excludeSystemEvents,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from "@eventstore/db-client";
import { comparePositions } from "@second-brain/contracts";
import type { SubscribeOptions, Subscription } from "../event-store.ts";
import { isSystemEvent, toReadPosition, toRecordedEvent, type StoredEvent } from "./eventstoredb-events.ts";

/**
 * A catch-up subscription to $all. The server pushes events, so there is nothing to wake; on an
 * error (the handler's or the connection's) it reports, pauses and subscribes again from the last
 * handled position, which redelivers the failed event.
 */
export function subscribeToLog(
  client: EventStoreDBClient,
  options: SubscribeOptions,
  retryDelayMs: number,
): Subscription {
  let checkpoint = options.after;
  let stopping = false;
  let current: AllStreamSubscription | null = null;
  let cutPauseShort: (() => void) | null = null;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      cutPauseShort = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async () => {
    while (!stopping) {
      const subscription = client.subscribeToAll({
        fromPosition: toReadPosition(checkpoint),
        filter: excludeSystemEvents(),
      });
      current = subscription;
      try {
        for await (const resolved of subscription) {
          if (stopping) break;
          const event = resolved.event as StoredEvent | undefined;
          if (!event?.position || isSystemEvent(event)) continue;
          const recorded = toRecordedEvent(event);
          if (comparePositions(recorded.position, checkpoint) <= 0) continue;
          await options.handle([recorded]);
          checkpoint = recorded.position;
        }
      } catch (error) {
        if (!stopping) {
          try {
            options.onError?.(error);
          } catch {
            // A reporter that throws must not end the subscription.
          }
        }
      } finally {
        current = null;
        await subscription.unsubscribe().catch(() => undefined);
      }
      if (!stopping) await pause(retryDelayMs);
    }
  };
  const running = run();

  return {
    wake: () => undefined,
    stop: async () => {
      stopping = true;
      cutPauseShort?.();
      await current?.unsubscribe().catch(() => undefined);
      await running;
    },
  };
}
