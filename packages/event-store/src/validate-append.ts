import { ValidationError, type NewEvent } from "@second-brain/contracts";
import type { ExpectedVersion } from "./event-store.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What every adapter refuses before touching its store: both key their dedupe on UUID event ids. */
export function validateAppend(events: NewEvent[], expectedVersion: ExpectedVersion): void {
  if (events.length === 0) throw new ValidationError("An append needs at least one event.");
  if (expectedVersion !== "any" && !(Number.isInteger(expectedVersion) && expectedVersion >= 0)) {
    throw new ValidationError(
      `Expected version must be "any" or a whole number >= 0, not ${expectedVersion}.`,
    );
  }
  const bad = events.filter((event) => !UUID.test(event.id));
  if (bad.length > 0) {
    throw new ValidationError(
      "Event ids must be UUIDs.",
      bad.map((event) => ({ field: "id", message: `${event.id} is not a UUID` })),
    );
  }
}
