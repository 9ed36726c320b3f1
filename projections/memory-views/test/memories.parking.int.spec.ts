import { expect } from "chai";
import { formatPosition, START_OF_LOG } from "@second-brain/contracts";
import { startMemoriesProjection } from "../src/read-model/memories.projection.ts";
import { getMemory } from "../src/read-model/memories.queries.ts";
import { rebuildMemories } from "../src/read-model/memories.rebuild.ts";
import { created, lifeOf, newId, openFixture, snapshotRows, waitFor, type Fixture } from "./fixture.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

// The failure measured in issue 7: a memory whose content holds a NUL reached the log (its content
// is encrypted there, so the log stores it), and the memories projection failed on it forever.
for (const kind of ["postgres", "pglite"] as const) {
  describe(`memories projection meeting content it cannot store (${kind})`, function () {
    this.timeout(60_000);
    let fixture: Fixture;

    beforeEach(async () => {
      fixture = await openFixture(kind);
    });
    afterEach(async () => {
      await fixture?.close();
    });

    it("parks that memory's stream, behind it its later events, and projects every other memory", async () => {
      const alice = `alice-${newId()}`;
      const bob = `bob-${newId()}`;
      const poisoned = newId();
      const before = newId();
      const after = newId();
      await fixture.append(before, bob, [created(before)]);
      await fixture.append(poisoned, alice, [created(poisoned, { content: "nul\u0000byte" })]);
      await fixture.append(poisoned, alice, [
        { type: "MemoryTagsSet", data: { memoryId: poisoned, tags: ["later"] } },
      ]);
      await fixture.append(after, bob, [created(after), ...lifeOf(after, 1)]);
      const projection = await startMemoriesProjection({ ...fixture, logger: quiet, batchSize: 50 });
      const all = await fixture.store.readAll({ after: START_OF_LOG, limit: 1_000 });
      const head = formatPosition(all[all.length - 1]!.position);
      await waitFor(async () => formatPosition(projection.position()) === head);

      expect(await getMemory(fixture.db, bob, before)).to.include({ version: 1 });
      expect(await getMemory(fixture.db, bob, after)).to.include({ version: 2, content: "edited 1" });
      expect(await getMemory(fixture.db, alice, poisoned)).to.equal(null);
      const parked = await projection.parkedEvents();
      expect(parked.map((event) => [event.streamId, event.streamVersion, event.eventType])).to.deep.equal([
        [`memory-${poisoned}`, 1, "MemoryCreated"],
        [`memory-${poisoned}`, 2, "MemoryTagsSet"],
      ]);
      expect(parked[0]!.error).to.match(/Unicode escape|0x00/);
      expect(await projection.status()).to.deep.include({ parkedStreams: 1, lagEvents: 0 });

      // Re-applying without a fix fails the same way and keeps both events parked.
      const retry = await projection.retryParked(`memory-${poisoned}`);
      expect(retry).to.deep.include({ outcome: "failed", parkedEvents: 2 });
      expect(await getMemory(fixture.db, alice, poisoned)).to.equal(null);

      // A rebuild from 0 meets the same event: it parks it too instead of failing, and swaps in.
      const rowsBefore = await snapshotRows(fixture.pool);
      await rebuildMemories({ ...fixture, logger: quiet, batchSize: 3 });
      expect(await snapshotRows(fixture.pool)).to.deep.equal(rowsBefore);
      const parkedAfter = await projection.parkedEvents();
      expect(parkedAfter.map((event) => event.eventId)).to.deep.equal(parked.map((event) => event.eventId));
      const rest = await fixture.pool.query(
        `SELECT name FROM projection_checkpoints WHERE name <> 'memories'`,
      );
      expect(rest.rows).to.deep.equal([]);
      await projection.stop();
    });
  });
}
