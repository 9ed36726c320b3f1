import { randomUUID } from "node:crypto";
import {
  comparePositions,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from "@second-brain/contracts";
import type { EventStore, Subscription } from "../src/event-store.ts";

export function newEvent(type = "Noted", data: unknown = { text: "hello" }): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      actor: "user-1",
      ownerId: "user-1",
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: "2026-01-02T03:04:05.678Z",
      schemaVersion: 1,
    },
  };
}

export function newStreamId(kind = "memory"): string {
  return `${kind}-${randomUUID()}`;
}

/** A position at the current end of the log: appends a marker event and returns where it landed. */
export async function markLogEnd(store: EventStore): Promise<LogPosition> {
  const result = await store.appendToStream(newStreamId("marker"), [newEvent("Marker", {})], {
    expectedVersion: 0,
  });
  return result.position;
}

export async function readAllAfter(
  store: EventStore,
  after: LogPosition,
  limit = 1000,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit });
    if (page.length === 0) return events;
    events.push(...page);
    cursor = page[page.length - 1]!.position;
  }
}

export function expectStrictlyIncreasing(positions: LogPosition[]): boolean {
  return positions.every((position, i) => i === 0 || comparePositions(positions[i - 1]!, position) < 0);
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A subscription that records what it was handed, for assertions. */
export function recordingSubscriber(
  store: EventStore,
  after: LogPosition,
  options: { batchSize?: number; failFirstBatch?: boolean; handleDelayMs?: number } = {},
): {
  received: RecordedEvent[];
  errors: unknown[];
  started: number;
  batches: number;
  subscription: Subscription;
} {
  const state = {
    received: [] as RecordedEvent[],
    started: 0,
    errors: [] as unknown[],
    batches: 0,
    subscription: undefined as unknown as Subscription,
  };
  let failuresLeft = options.failFirstBatch ? 1 : 0;
  state.subscription = store.subscribe({
    after,
    batchSize: options.batchSize ?? 100,
    handle: async (events) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error("handler failed on purpose");
      }
      state.started += 1;
      if (options.handleDelayMs) await sleep(options.handleDelayMs);
      state.batches += 1;
      state.received.push(...events);
    },
    onError: (error) => state.errors.push(error),
  });
  return state;
}
