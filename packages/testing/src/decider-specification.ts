import { expect } from "chai";
import type { EventMetadata } from "@second-brain/contracts";

/** Who owns, and when happened, the events a specification starts from (unless it says otherwise). */
export const GIVEN_OWNER_ID = "00000000-0000-4000-8000-0000000000aa";
export const GIVEN_AT = "2026-01-01T00:00:00.000Z";

export interface GivenOptions {
  ownerId?: string;
  occurredAt?: string;
}

interface DomainEvent {
  type: string;
  data: unknown;
}

type StreamEvent<E> = E & { streamVersion: number; metadata: Pick<EventMetadata, "occurredAt" | "ownerId"> };

/**
 * What a specification needs of a decider: the shape of `Decider` in @second-brain/command-handling,
 * restated so that the handler's own tests can use this package without a dependency cycle.
 */
export interface SpecifiedDecider<C, E extends DomainEvent, S> {
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: StreamEvent<E>): S;
  fold?(events: readonly StreamEvent<E>[], from: S): S;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** What to check of a refusal: a function given the error, or the fields a ValidationError names. */
export type ErrorCheck = ((error: Error) => void) | string[];

/** Events as they would stand in one stream from version 1, for `evolve`. */
export function asStreamEvents<E extends DomainEvent>(
  events: readonly E[],
  options: GivenOptions = {},
): StreamEvent<E>[] {
  const metadata = { ownerId: options.ownerId ?? GIVEN_OWNER_ID, occurredAt: options.occurredAt ?? GIVEN_AT };
  return events.map((event, index) => ({ ...event, streamVersion: index + 1, metadata }));
}

/** The fields a ValidationError complains about, in order. */
export function badFields(error: Error): string[] {
  return ((error as Error & { details?: { field: string }[] }).details ?? []).map((problem) => problem.field);
}

/**
 * given(events).when(command).then(events) | .thenThrows(ErrorClass, check): a decider's unit
 * test in its own words. The given events are folded with the decider's own `evolve`.
 *
 *     const given = DeciderSpecification.for(memoryDecider());
 *     given([created]).when(archive).then([archived]);
 */
export const DeciderSpecification = {
  for<C, E extends DomainEvent, S>(decider: SpecifiedDecider<C, E, S>, options: GivenOptions = {}) {
    return (events: readonly E[]) => ({
      when(command: C) {
        const given = asStreamEvents(events, options);
        const fold = () =>
          decider.fold
            ? decider.fold(given, decider.initialState())
            : given.reduce(decider.evolve, decider.initialState());
        const run = () => decider.decide(command, fold());
        return {
          then(expected: readonly E[]): void {
            expect(run()).to.deep.equal(expected);
          },
          thenThrows(errorClass: ErrorClass, check?: ErrorCheck): void {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            expect(thrown, "expected the command to be refused").to.be.instanceOf(errorClass);
            if (Array.isArray(check)) expect(badFields(thrown as Error)).to.deep.equal(check);
            else check?.(thrown as Error);
          },
        };
      },
    });
  },
};
