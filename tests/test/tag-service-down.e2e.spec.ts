import { expect } from "chai";
import { eventually } from "../src/api-client.ts";
import { useStack } from "../src/stack-fixture.ts";

// Delivery between services: the tag service reads memory events from the log with its own
// checkpoint, so while it is down nothing is lost — it catches up when it starts. And a merge cut
// short by a SIGKILL is found and finished when the service starts again.
describe("tag service down and killed mid-merge (distributed)", function () {
  this.timeout(180_000);
  const fixture = useStack("distributed");

  async function createMany(count: number, tags: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, count - i) }, (_, j) =>
          fixture.api.request("POST", "/api/v1/memories", { content: `memory ${i + j}`, tags }),
        ),
      );
      for (const res of batch) {
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        ids.push(res.body.id);
      }
    }
    return ids;
  }

  const countsOf = async () => {
    const res = await fixture.api.request("GET", "/api/v1/tags");
    return res.status === 200 ? Object.fromEntries(res.body.map((t: any) => [t.name, t.count])) : undefined;
  };
  const eventCount = async (type: string) =>
    (
      await fixture.database!.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM event_store.events WHERE type = $1",
        [type],
      )
    ).rows[0]!.n;

  it("catches up on memories tagged while it was down", async () => {
    await createMany(3, ["before"]);
    await eventually(async () => ((await countsOf())?.before === 3 ? true : undefined), 20_000);
    await fixture.stack.kill("tag");
    await createMany(20, ["while-down", "before"]);
    const down = await fixture.api.request("GET", "/api/v1/tags");
    expect(down.status).to.equal(503);
    expect(down.headers.get("retry-after")).to.match(/^\d+$/);
    // Only the tag service's routes are refused: the gateway stays ready and says what is down.
    expect((await fixture.api.request("GET", "/health/ready")).status).to.equal(200);
    const details = await fixture.api.request("GET", "/health/details");
    expect(details.body.status).to.equal("degraded");
    expect(details.body.services.tag.status).to.equal("down");
    expect(details.body.services.memory.status).to.equal("ok");
    expect((await fixture.api.request("GET", "/api/v1/memories")).status).to.equal(200);
    fixture.stack.start("tag");
    const counts = await eventually(async () => {
      const now = await countsOf();
      return now?.["while-down"] === 20 ? now : undefined;
    }, 60_000);
    expect(counts).to.deep.equal({ before: 23, "while-down": 20 });
  });

  it("finishes a merge interrupted by a SIGKILL after the restart", async () => {
    const total = 150;
    const ids = await createMany(total, ["old", "keep"]);
    await eventually(async () => ((await countsOf())?.old === total ? true : undefined), 30_000);

    const merge = fixture.api.request("POST", "/api/v1/tags/old/merge", { into: "new" });
    await eventually(
      async () => ((await eventCount("TagOperationMemoryRetagged")) >= 10 ? true : undefined),
      30_000,
    );
    await fixture.stack.kill("tag", "SIGKILL");
    const answer = await merge;
    expect(answer.status).to.be.oneOf([500, 503, 504]);
    const doneBeforeRestart = await eventCount("TagOperationMemoryRetagged");
    expect(doneBeforeRestart, "the merge should have been cut short").to.be.lessThan(total);
    expect(await eventCount("TagOperationCompleted")).to.equal(0);

    fixture.stack.start("tag");
    await eventually(
      async () => ((await eventCount("TagOperationCompleted")) === 1 ? true : undefined),
      60_000,
    );
    const counts = await eventually(async () => {
      const now = await countsOf();
      return now?.new === total ? now : undefined;
    }, 60_000);
    expect(counts).to.deep.equal({ before: 23, "while-down": 20, keep: total, new: total });
    for (const id of ids.slice(0, 20)) {
      const memory = await fixture.api.request("GET", `/api/v1/memories/${id}`);
      expect(memory.body.tags).to.deep.equal(["new", "keep"]);
    }
    const stale = await fixture.api.request("GET", "/api/v1/memories?tag=old");
    expect(stale.body.items).to.deep.equal([]);
    // Each memory was re-tagged once: one MemoryTagsSet per memory, however the run was cut.
    const { rows } = await fixture.database!.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM event_store.events WHERE type = 'MemoryTagsSet'",
    );
    expect(rows[0]!.n).to.equal(total);
  });
});
