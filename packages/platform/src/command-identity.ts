import { createHash } from "node:crypto";

/**
 * Exactly-once effects over the broker (ARCHITECTURE.md, invariant 9). Every command carries an
 * identity from where it entered the system (`ctx.meta.commandId`, set by the gateway), and a
 * service derives from it every id it would otherwise draw at random: the id of a stream the
 * command creates and the ids of the events it appends. A broker retry, an AMQP redelivery after a
 * crash or a client retry under the same Idempotency-Key then carries the same ids, and the event
 * store keeps one copy.
 */

/** RFC 4122 version 5: SHA-1 of namespace and name, with the version and variant bits set. */
export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const COMMAND_NAMESPACE = "4f0b7c3e-8d21-4a6f-9e5b-2c7a1d9e0f63";

/**
 * The command id of a request sent with an Idempotency-Key: the key scoped to the caller (an
 * anonymous request has the empty caller) and to the route, so one key reused on another route or
 * by another user is another command.
 */
export function keyedCommandId(callerId: string, route: string, idempotencyKey: string): string {
  return nameBasedUuid(COMMAND_NAMESPACE, `key\n${callerId}\n${route}\n${idempotencyKey}`);
}

/**
 * An id derived from a command for one purpose: the stream a create makes ("memory", "session"…),
 * or the command id of one step the command causes in another service, so that the step, retried,
 * is the same step.
 */
export function derivedId(commandId: string, purpose: string): string {
  return nameBasedUuid(COMMAND_NAMESPACE, `derived\n${commandId}\n${purpose}`);
}

/**
 * The ids of the events one command appends to one stream, in order. A command appends to a
 * stream at most once; a command of several steps on one stream gives each step a `derivedId`.
 */
export function commandEventIds(commandId: string, streamId: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => commandEventId(commandId, streamId, index));
}

function commandEventId(commandId: string, streamId: string, index: number): string {
  return nameBasedUuid(COMMAND_NAMESPACE, `event\n${commandId}\n${streamId}\n${index}`);
}

/**
 * Whether `commandId` already appended to this stream (its first event is among `events`): a
 * retry of a command whose first attempt was stored. Returns the stream as it stood right after
 * that append, so the retry answers as the first attempt did; null when the command is new.
 */
export function eventsUpToOwnAppend<E extends { id: string }>(
  events: readonly E[],
  commandId: string,
  streamId: string,
): E[] | null {
  // Ids are hashed one at a time as needed: a long stream costs one hash per command, not one per event.
  const firstId = commandEventId(commandId, streamId, 0);
  const first = events.findIndex((event) => event.id.toLowerCase() === firstId);
  if (first < 0) return null;
  let end = first + 1;
  while (
    end < events.length &&
    events[end]!.id.toLowerCase() === commandEventId(commandId, streamId, end - first)
  )
    end++;
  return events.slice(0, end);
}
