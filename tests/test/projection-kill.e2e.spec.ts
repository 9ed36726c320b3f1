import { expect } from "chai";
import { startStack, type Stack } from "@second-brain/launcher";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { ApiClient, eventually } from "../src/api-client.ts";

// Invariant 3: nothing appended is ever missed or doubled by a projection. The memories projection
// process is killed with SIGKILL (no chance to finish its batch or say goodbye) while memories are
// being created, then started again; the read model must end up holding exactly the appended events.
describe("memories projection killed mid-stream (distributed)", function () {
  this.timeout(180_000);
  let stack: Stack;
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase("sb_fault");
    stack = await startStack({ mode: "distributed", databaseUrl: database.url });
  });

  after(async () => {
    await stack?.stop();
    await database?.drop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed")
      console.log(stack.recentOutput().split("\n").slice(-60).join("\n"));
  });

  it("holds exactly the appended memories after a SIGKILL and restart", async () => {
    const api = new ApiClient(stack.baseUrl);
    await api.registerUser();
    const created: string[] = [];
    let writing = true;
    const writer = (async () => {
      let i = 0;
      while (writing || i < 60) {
        const batch = await Promise.all(
          [0, 1, 2, 3].map((j) => api.request("POST", "/api/v1/memories", { content: `memory ${i}-${j}` })),
        );
        for (const res of batch) {
          expect(res.status, JSON.stringify(res.body)).to.equal(201);
          created.push(res.body.id);
        }
        i++;
        if (i >= 150) break;
      }
    })();

    await eventually(async () => (created.length >= 40 ? true : undefined), 30_000);
    await stack.kill("memories-projection", "SIGKILL");
    await eventually(async () => (created.length >= 200 ? true : undefined), 60_000);
    stack.start("memories-projection");
    writing = false;
    await writer;

    // Every appended memory is in the read model once, at the version of its stream.
    await eventually(async () => {
      const { rows } = await database.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM memories");
      return rows[0]!.n === created.length ? true : undefined;
    }, 60_000);
    const { rows: mismatches } = await database.pool.query(
      `SELECT s.stream_id, s.version, m.version AS row_version
         FROM event_store.event_streams s LEFT JOIN memories m ON s.stream_id = 'memory-' || m.id::text
        WHERE s.stream_id LIKE 'memory-%' AND (m.id IS NULL OR m.version <> s.version)`,
    );
    expect(mismatches).to.deep.equal([]);
    const { rows: ids } = await database.pool.query<{ id: string }>("SELECT id::text FROM memories");
    expect(ids.map((r) => r.id).sort()).to.deep.equal([...created].sort());
    const listed = await api.request("GET", "/api/v1/memories?limit=100");
    expect(listed.status).to.equal(200);
    expect(listed.body.items).to.have.length(100);
  });
});
