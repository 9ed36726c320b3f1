import { expect } from "chai";
import { eventually } from "../src/api-client.ts";
import { useStack } from "../src/stack-fixture.ts";
import { recordRowWrites, rowsBehindTheirStreams, rowWriteProblems } from "../src/row-writes.ts";

// Invariants 3 and 9: nothing appended is ever missed or applied twice by a projection. Every
// memory of the load gets three events (created, edited, tagged), and a trigger records every
// write of a row, so an event applied twice (the same version written again) or out of order (a
// row moved back) shows, and so does a lost one (a row behind its stream).
describe("memories projection killed mid-stream, and two live instances (distributed)", function () {
  this.timeout(240_000);
  // Info logs, so the test can see a second instance say it has started.
  const fixture = useStack("distributed", { LOG_LEVEL: "info" });
  before(() => recordRowWrites(fixture.database!.pool));

  /** Writes `count` memories, four at a time, each created, edited and tagged; their final states. */
  function writeLoad(label: string, count: number) {
    const written = new Map<string, { content: string; tags: string[] }>();
    const done = (async () => {
      for (let i = 0; i < count; i += 4) {
        await Promise.all(
          [0, 1, 2, 3].map(async (j) => {
            const created = await fixture.api.request("POST", "/api/v1/memories", {
              content: `${label} ${i + j}`,
            });
            expect(created.status, JSON.stringify(created.body)).to.equal(201);
            const id: string = created.body.id;
            const content = `${label} ${i + j}, edited`;
            const edited = await fixture.api.request(
              "PATCH",
              `/api/v1/memories/${id}`,
              { content },
              { "if-match": "1" },
            );
            expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
            const tags = [`${label}-${j}`];
            const tagged = await fixture.api.request("PUT", `/api/v1/memories/${id}/tags`, { tags });
            expect(tagged.status, JSON.stringify(tagged.body)).to.equal(200);
            written.set(id, { content, tags });
          }),
        );
      }
    })();
    return { written, done };
  }

  /** Every memory written is in the read model once, in its final state, written version by version. */
  async function expectReadModelHolds(written: Map<string, { content: string; tags: string[] }>) {
    await eventually(
      async () => ((await rowsBehindTheirStreams(fixture.database!.pool)).length === 0 ? true : undefined),
      60_000,
    );
    expect(await rowWriteProblems(fixture.database!.pool)).to.deep.equal([]);
    const { rows } = await fixture.database!.pool.query<{
      id: string;
      version: number;
      content: string;
      tags: string[];
    }>("SELECT id::text, version, content, tags FROM memories WHERE id = ANY($1::uuid[])", [
      [...written.keys()],
    ]);
    expect(rows).to.have.length(written.size);
    for (const row of rows) {
      expect({ version: row.version, content: row.content, tags: row.tags }, row.id).to.deep.equal({
        version: 3,
        ...written.get(row.id),
      });
    }
  }

  it("holds exactly the appended events after a SIGKILL and restart", async () => {
    const load = writeLoad("killed", 120);
    await eventually(async () => (load.written.size >= 20 ? true : undefined), 60_000);
    await fixture.stack.kill("memory-views", "SIGKILL");
    await eventually(async () => (load.written.size >= 60 ? true : undefined), 60_000);
    fixture.stack.start("memory-views");
    await load.done;
    await expectReadModelHolds(load.written);
    // The restarted process answers lists once the gateway sees it again (503 until then).
    const listed = await eventually(async () => {
      const response = await fixture.api.request("GET", "/api/v1/memories?limit=100");
      return response.status === 503 ? undefined : response;
    }, 30_000);
    expect(listed.status).to.equal(200);
    expect(listed.body.items).to.have.length(100);
  });

  it("runs two live instances over one database: nothing applied twice, both still alive", async () => {
    fixture.stack.start("memory-views#2");
    await eventually(
      async () => (/^\[memory-views#2\] .*"started"/m.test(fixture.stack.recentOutput()) ? true : undefined),
      60_000,
    );
    const pids = [fixture.stack.pids()["memory-views"], fixture.stack.pids()["memory-views#2"]];
    const load = writeLoad("twice", 120);
    await load.done;
    await expectReadModelHolds(load.written);
    // Both processes are still the ones started (neither crashed and was replaced).
    expect([fixture.stack.pids()["memory-views"], fixture.stack.pids()["memory-views#2"]]).to.deep.equal(
      pids,
    );
    for (const pid of pids) expect(() => process.kill(pid!, 0), `process ${pid}`).to.not.throw();
  });
});
