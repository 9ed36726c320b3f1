import { START, type Position, type ReadPosition } from "@eventstore/db-client";
import type { EventMetadata, LogPosition, RecordedEvent } from "@second-brain/contracts";

/** The shape of an event as the client hands it back (stream reads and $all reads alike). */
export interface StoredEvent {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/** EventStoreDB counts revisions from 0 and we count versions from 1. */
export function toRecordedEvent(event: StoredEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    streamVersion: Number(event.revision) + 1,
    data: event.data,
    metadata: event.metadata as EventMetadata,
    position: event.position ? toLogPosition(event.position) : { commit: 0n, prepare: 0n },
    recordedAt: event.created.toISOString(),
  };
}

export function toLogPosition(position: Position): LogPosition {
  return { commit: position.commit, prepare: position.prepare };
}

export function toReadPosition(position: LogPosition): ReadPosition {
  return position.commit === 0n && position.prepare === 0n ? START : { ...position };
}

/** System events ($-prefixed types, $-prefixed streams) are the server's own, never ours. */
export function isSystemEvent(event: Pick<StoredEvent, "type" | "streamId">): boolean {
  return event.type.startsWith("$") || event.streamId.startsWith("$");
}
