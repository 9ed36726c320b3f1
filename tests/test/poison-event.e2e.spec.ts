import { randomUUID } from "node:crypto";
import path from "node:path";
import { expect } from "chai";
import { createPostgresEventStore } from "@second-brain/event-store";
import { openEmbeddedDatabase, postgresPool, type SqlPool } from "@second-brain/platform";
import { ApiClient, eventually } from "../src/api-client.ts";
import { registerAdmin } from "../src/admin-client.ts";
import { RUN_MODES, useStack, type StackFixture } from "../src/stack-fixture.ts";
import { checkedFetch } from "../src/openapi-responses.ts";

// Invariant 8: an event that a read model cannot store, written straight into the log (no
// validation on the way), parks its own stream and nothing else. Another user's new memory still
// reaches lists and search within a second, and the admin sees the parked stream.
for (const mode of RUN_MODES) {
  describe(`a poison event in the log (${mode})`, function () {
    this.timeout(300_000);
    const fixture = useStack(mode);

    it("parks its stream while other users' new memories appear in list and search within 1 s", async () => {
      const victim = fixture.api;
      const victimId: string = (await victim.request("GET", "/api/v1/users/me")).body.id;
      const admin = await registerAdmin(fixture.stack);
      const other = new ApiClient(fixture.stack.baseUrl);
      await other.registerUser();
      // The search model is loaded and the read models are caught up before the poison arrives.
      const warm = await create(other, "warm up the search model");
      await eventually(() => visible(other, warm, "warm"), 120_000);

      const memoryId = randomUUID();
      const streamId = `memory-${memoryId}`;
      await appendStraightToLog(fixture, streamId, poisonedCreate(victimId, memoryId));

      // Both read models that store importance as a number refuse it, each parks the stream alone.
      for (const name of ["memories", "search"]) {
        const parked = await eventually(async () => {
          const res = await admin.request("GET", `/api/v1/admin/projections/${name}/parked`);
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          return res.body.streams.find((stream: { streamId: string }) => stream.streamId === streamId);
        }, 60_000);
        expect(parked.error, name).to.match(/invalid input syntax/);
        expect(parked.events.map((event: { eventType: string }) => event.eventType)).to.deep.equal([
          "MemoryCreated",
        ]);
      }
      const statuses = (await admin.request("GET", "/api/v1/admin/projections")).body.projections;
      const parkedCounts = Object.fromEntries(
        statuses.map((status: { name: string; parkedStreams: number }) => [
          status.name,
          status.parkedStreams,
        ]),
      );
      expect(parkedCounts).to.include({
        memories: 1,
        search: 1,
        sessions: 0,
        tags: 0,
        cache: 0,
        attachments: 0,
      });

      // Health details say which read model is degraded, reported once, by the service that runs it.
      const details = (await admin.request("GET", "/health/details")).body;
      expect(details.status).to.equal("degraded");
      const reporters = Object.entries(
        details.services as Record<string, { status: string; readModels?: Record<string, unknown> }>,
      ).filter(([, service]) => service.readModels?.memories !== undefined);
      expect(reporters, JSON.stringify(details)).to.have.length(1);
      expect(reporters[0]![1].status).to.equal("degraded");
      expect(reporters[0]![1].readModels!.memories).to.deep.equal({ status: "degraded", parkedStreams: 1 });
      if (mode === "embedded") {
        // The one process's /metrics holds every read model's gauge (the distributed mode's
        // projections run in processes of their own).
        const metrics = await checkedFetch(`${fixture.stack.baseUrl}/metrics`).then((res) => res.text());
        expect(metrics).to.match(/projection_parked_streams\{projection="memories"\} 1\b/);
      }

      // Another user's new memories reach the list and search within a second, one after another.
      for (let i = 0; i < 3; i++) {
        const word = `okapi${randomUUID().slice(0, 8)}`;
        const started = Date.now();
        const created = await create(other, `A note about the ${word} at the zoo`);
        await eventually(() => visible(other, created, word), 1_000);
        expect(Date.now() - started).to.be.below(1_000);
      }
      // The victim's own other memories are unaffected too.
      const own = await create(victim, "the victim's next memory");
      await eventually(() => visible(victim, own, "victim"), 1_000);

      // Nothing was fixed: a retry fails again and the stream stays parked.
      const retry = await admin.request(
        "POST",
        `/api/v1/admin/projections/memories/parked/${encodeURIComponent(streamId)}/retry`,
      );
      expect(retry.status, JSON.stringify(retry.body)).to.equal(200);
      expect(retry.body).to.deep.include({ name: "memories", streamId, outcome: "failed", parkedEvents: 1 });
      expect(retry.body.error).to.match(/invalid input syntax/);
      const still = await admin.request("GET", "/api/v1/admin/projections/memories/parked");
      expect(still.body.streams.map((stream: { streamId: string }) => stream.streamId)).to.include(streamId);

      expect((await victim.request("GET", "/api/v1/admin/projections/memories/parked")).status).to.equal(403);
      const unknown = await admin.request("POST", `/api/v1/admin/projections/memories/parked/nope/retry`);
      expect(unknown.status).to.equal(404);
    });
  });
}

async function create(api: ApiClient, content: string): Promise<string> {
  const res = await api.request("POST", "/api/v1/memories", { content });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.id;
}

/** Whether the memory is in the owner's list and found by a keyword search for `word`. */
async function visible(api: ApiClient, id: string, word: string): Promise<true | undefined> {
  const list = await api.request("GET", "/api/v1/memories?limit=100");
  if (!list.body.items?.some((item: { id: string }) => item.id === id)) return undefined;
  const search = await api.request("POST", "/api/v1/search", { query: word, mode: "keyword" });
  return search.body.results?.some((result: { memory: { id: string } }) => result.memory.id === id)
    ? true
    : undefined;
}

/** A MemoryCreated whose importance is text: no API accepts it, and no read model can store it. */
function poisonedCreate(ownerId: string, memoryId: string) {
  return {
    id: randomUUID(),
    type: "MemoryCreated",
    data: {
      memoryId,
      title: null,
      content: "importance is not a number",
      type: "semantic",
      status: "active",
      tags: [],
      importance: "very",
      confidence: 0.5,
      metadata: {},
      sourceUrl: null,
      sessionId: null,
      requestHash: null,
    },
    metadata: {
      actor: ownerId,
      ownerId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

/**
 * Appends through the event store package, bypassing every service. The embedded mode's log is
 * PGlite inside the server process, which holds it alone: the process is stopped, the event
 * appended on its data folder, and the process started again.
 */
async function appendStraightToLog(
  fixture: StackFixture,
  streamId: string,
  event: ReturnType<typeof poisonedCreate>,
): Promise<void> {
  const { stack, database } = fixture;
  if (stack.mode === "embedded") await stack.kill("embedded");
  const pool: SqlPool = database
    ? postgresPool(database.url)
    : await openEmbeddedDatabase(path.join(stack.dataDir, "pgdata"));
  const store = createPostgresEventStore(pool);
  try {
    await store.appendToStream(streamId, [event], { expectedVersion: 0 });
  } finally {
    await store.close();
    await pool.end();
  }
  if (stack.mode === "embedded") {
    stack.start("embedded");
    await stack.waitReady(120_000);
  }
}
