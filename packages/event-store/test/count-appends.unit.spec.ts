import { expect } from "chai";
import { eventsAppended } from "@second-brain/platform";
// A relative import: @second-brain/testing depends on this package, so it is not one of its dependencies.
import { createInMemoryEventStore } from "../../testing/src/in-memory-event-store.ts";
import { countAppends } from "../src/count-appends.ts";
import { newEvent, newStreamId } from "./contract-helpers.ts";

async function appendedOf(type: string): Promise<number> {
  const { values } = await eventsAppended.get();
  return values.find((value) => value.labels.type === type)?.value ?? 0;
}

describe("counting appends", function () {
  it("counts each appended event by type, and nothing for a retry that found them stored", async () => {
    const store = countAppends(createInMemoryEventStore());
    const [noted, linked] = [`Noted${Date.now()}`, `Linked${Date.now()}`];
    const streamId = newStreamId();
    const events = [newEvent(noted), newEvent(noted), newEvent(linked)];
    await store.appendToStream(streamId, events, { expectedVersion: 0 });
    await store.appendToStream(streamId, events, { expectedVersion: 0 }); // a retry
    const failed = await store
      .appendToStream(streamId, [newEvent(noted)], { expectedVersion: 0 })
      .catch((error: unknown) => error);
    expect(failed).to.be.instanceOf(Error);
    expect(await appendedOf(noted)).to.equal(2);
    expect(await appendedOf(linked)).to.equal(1);
    expect((await store.readStream(streamId)).map((event) => event.type)).to.deep.equal([
      noted,
      noted,
      linked,
    ]);
  });
});
