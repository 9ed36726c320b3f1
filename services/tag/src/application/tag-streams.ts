import { createHash } from "node:crypto";
import {
  TAG_EVENT_SCHEMA_VERSION,
  TAG_STREAM_PREFIX,
  tagOperationStreamId,
  type EventMetadata,
  type RecordedEvent,
  type TagEvent,
} from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { commandEventIds } from "@second-brain/platform";
import { evolveTagSettings, type TagSettingsEvent, type TagSettingsState } from "../domain/tag.ts";
import {
  evolveTagOperation,
  type TagOperationEvent,
  type TagOperationState,
} from "../domain/tag-operation.ts";
import type { TagRequestInfo } from "./tag-deps.ts";

/** One stream per (owner, tag name); hashed so any name makes a valid, fixed-length stream id. */
export function tagStreamId(ownerId: string, name: string): string {
  return (
    TAG_STREAM_PREFIX + createHash("sha256").update(`${ownerId}\n${name}`, "utf8").digest("hex").slice(0, 32)
  );
}

export async function loadTagSettings(
  store: EventStore,
  ownerId: string,
  name: string,
): Promise<{ version: number; state: TagSettingsState; events: RecordedEvent[] }> {
  const events = await store.readStream(tagStreamId(ownerId, name));
  return { version: events.at(-1)?.streamVersion ?? 0, state: foldTagSettings(events), events };
}

export function foldTagSettings(events: readonly RecordedEvent[]): TagSettingsState {
  let state: TagSettingsState = null;
  for (const event of events) {
    state = evolveTagSettings(state, event as unknown as TagSettingsEvent, event.streamVersion);
  }
  return state;
}

export interface LoadedOperation {
  version: number;
  state: TagOperationState;
  ownerId: string | null;
  correlationId: string | null;
}

export async function loadOperation(store: EventStore, operationId: string): Promise<LoadedOperation> {
  const events = await store.readStream(tagOperationStreamId(operationId));
  let state: TagOperationState = null;
  for (const event of events) {
    state = evolveTagOperation(state, event as unknown as TagOperationEvent, event.streamVersion);
  }
  return {
    version: events.at(-1)?.streamVersion ?? 0,
    state,
    ownerId: events[0]?.metadata.ownerId ?? null,
    correlationId: events[0]?.metadata.correlationId ?? null,
  };
}

/**
 * Appends tag events with the request's metadata, expecting the stream at `expectedVersion`. The
 * event ids are derived from `info.commandId`, so a command appends to one stream at most once and
 * a retry of it is deduplicated; a command of several steps on one stream gives each its own id.
 */
export async function appendTagEvents(
  store: EventStore,
  streamId: string,
  events: TagEvent[],
  expectedVersion: number,
  info: TagRequestInfo,
  now: Date,
): Promise<void> {
  if (events.length === 0) return;
  const metadata: EventMetadata = {
    actor: info.caller.userId,
    ownerId: info.caller.userId,
    correlationId: info.correlationId,
    causationId: info.commandId,
    occurredAt: now.toISOString(),
    schemaVersion: TAG_EVENT_SCHEMA_VERSION,
  };
  const ids = commandEventIds(info.commandId, streamId, events.length);
  await store.appendToStream(
    streamId,
    events.map((event, index) => ({ id: ids[index]!, type: event.type, data: event.data, metadata })),
    { expectedVersion },
  );
}
