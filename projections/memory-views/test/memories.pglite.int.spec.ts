import { expect } from "chai";
import { formatPosition, START_OF_LOG } from "@second-brain/contracts";
import { startMemoriesProjection } from "../src/read-model/memories.projection.ts";
import { getMemory, listMemories } from "../src/read-model/memories.queries.ts";
import { rebuildMemories } from "../src/read-model/memories.rebuild.ts";
import { created, lifeOf, newId, openFixture, snapshotRows, waitFor, type Fixture } from "./fixture.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("memories projection on PGlite (embedded mode)", () => {
  let fixture: Fixture;
  before(async () => {
    fixture = await openFixture("pglite");
  });
  after(async () => {
    await fixture?.close();
  });

  it("projects, queries through Kysely and rebuilds identically", async () => {
    const owner = `owner-${newId()}`;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = newId();
      ids.push(id);
      await fixture.append(id, owner, [created(id, { title: `Kayak trip ${i}` })]);
      if (i > 0) await fixture.append(id, owner, lifeOf(id, i));
    }
    const projection = await startMemoriesProjection({ ...fixture, logger: quiet, batchSize: 4 });
    const all = await fixture.store.readAll({ after: START_OF_LOG, limit: 1000 });
    const head = formatPosition(all[all.length - 1]!.position);
    await waitFor(async () => formatPosition(projection.position()) === head);
    await projection.stop();

    expect((await getMemory(fixture.db, owner, ids[0]!))!.title).to.equal("Kayak trip 0");
    const page = await listMemories(fixture.db, owner, { limit: 2 });
    expect(page.items).to.have.length(2);
    expect(page.nextCursor).to.be.a("string");

    const live = await snapshotRows(fixture.pool);
    await rebuildMemories({ ...fixture, logger: quiet });
    expect(await snapshotRows(fixture.pool)).to.deep.equal(live);
  });
});
