import { eventsAppended } from "@second-brain/platform";
import type { EventStore } from "./event-store.ts";

/**
 * The store, with every event it appends counted in `events_appended_total` by type. A retry
 * that found its events already stored appended nothing, so it counts nothing.
 */
export function countAppends(store: EventStore): EventStore {
  return {
    ...store,
    async appendToStream(streamId, events, options) {
      const result = await store.appendToStream(streamId, events, options);
      if (!result.alreadyStored) for (const event of events) eventsAppended.inc({ type: event.type });
      return result;
    },
  };
}
