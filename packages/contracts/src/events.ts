/**
 * The envelope every event travels in, whichever store holds it. Data is the event's own payload;
 * metadata says who did it, when, and why (correlation and causation), so any event can be audited.
 */
export interface EventMetadata {
  /** The user (or "system") whose request caused the event. */
  actor: string;
  /** The user who owns the data: every event is owned, and no query crosses owners. */
  ownerId: string;
  correlationId: string;
  causationId: string;
  /** When the command was accepted, ISO-8601 UTC; chosen by the caller, never by the store. */
  occurredAt: string;
  /** Version of the event's data shape, so old events can be upcast when shapes change. */
  schemaVersion: number;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** Chosen by the writer: appending the same id twice stores one copy. */
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/**
 * A place in the global log. PostgreSQL orders the log by (transaction id, sequence) so that a
 * reader never passes a transaction still in flight; EventStoreDB by (commit, prepare). Both are
 * pairs of unsigned 64-bit integers compared lexicographically.
 */
export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  /** 1 for the first event of a stream, growing by one (0 means "no stream"). */
  streamVersion: number;
  position: LogPosition;
  recordedAt: string;
}

export const START_OF_LOG: LogPosition = { commit: 0n, prepare: 0n };

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function formatPosition(p: LogPosition): string {
  return `${p.commit}/${p.prepare}`;
}

export function parsePosition(text: string): LogPosition {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new Error(`Not a log position: ${text}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}
