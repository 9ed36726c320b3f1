import type { EventMetadata } from "@second-brain/contracts";

/**
 * What a command asks and when it was accepted. Time (and every id) comes with the command, so
 * deciding stays pure and repeatable; `now` becomes the events' occurredAt.
 */
export interface Command<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: { now: Date };
}

/** An event as a decider emits it. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** An event as `evolve` sees it: in its stream, at its version, with when and for whom it happened. */
export type StreamEvent<Event extends DomainEvent> = Event & {
  streamVersion: number;
  metadata: Pick<EventMetadata, "occurredAt" | "ownerId">;
};

/**
 * One aggregate's rules, pure: what a command makes happen given the state, and how each event
 * changes the state. Every stream of every service is handled through this one shape.
 */
export interface Decider<C, E extends DomainEvent, S> {
  /** The state of a stream that does not exist yet. */
  initialState(): S;
  /** The events `command` causes on `state`; throws an AppError to refuse it; [] when nothing changes. */
  decide(command: C, state: S): E[];
  evolve(state: S, event: StreamEvent<E>): S;
  /**
   * Folds many events at once, for a state whose `evolve` must copy what a fold may change in
   * place (a long session's messages); by default `evolve` one event at a time.
   */
  fold?(events: readonly StreamEvent<E>[], from: S): S;
}

/** The state after `events`, from `from` (by default the initial state). */
export function foldEvents<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  events: readonly StreamEvent<E>[],
  from: S = decider.initialState(),
): S {
  return decider.fold ? decider.fold(events, from) : events.reduce(decider.evolve, from);
}
