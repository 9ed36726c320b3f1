import { expect } from "chai";
import { DEFAULT_LIMITS, type Limits, type MemoryEvent } from "@second-brain/contracts";
import { decide, type MemoryCommand } from "../../src/domain/decide.ts";
import { foldMemory, type MemoryEventEnvelope } from "../../src/domain/memory.ts";

/** given(events).when(command).then(events | error) over the pure memory decider. */
export const OWNER_ID = "00000000-0000-4000-8000-0000000000aa";
export const GIVEN_AT = "2026-01-01T00:00:00.000Z";

export function envelopes(
  events: MemoryEvent[],
  ownerId = OWNER_ID,
  occurredAt = GIVEN_AT,
): MemoryEventEnvelope[] {
  return events.map((event, index) => ({
    ...event,
    streamVersion: index + 1,
    metadata: { occurredAt, ownerId },
  }));
}

type ErrorClass = abstract new (...args: never[]) => Error;

export function given(events: MemoryEvent[], limits: Limits = DEFAULT_LIMITS) {
  return {
    when(command: MemoryCommand) {
      const run = () => decide(command, foldMemory(envelopes(events)), limits);
      return {
        then(expected: MemoryEvent[]): void {
          expect(run()).to.deep.equal(expected);
        },
        thenThrows<E extends Error>(errorClass: ErrorClass, check?: (error: E) => void): void {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown, "expected the command to be refused").to.be.instanceOf(errorClass);
          check?.(thrown as E);
        },
      };
    },
  };
}

/** The fields a ValidationError complains about. */
export function badFields(error: Error): string[] {
  return ((error as Error & { details: { field: string }[] }).details ?? []).map((problem) => problem.field);
}
