import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { DISTRIBUTED_PROCESSES } from "@second-brain/launcher";
import { ApiClient, eventually } from "../src/api-client.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

// The memories part of the REST contract (API.md), driven over HTTP against the real processes:
// once on the embedded mode, once on the distributed processes over RabbitMQ.
for (const mode of RUN_MODES) {
  describe(`memories API (${mode})`, function () {
    this.timeout(120_000);
    const env = useStack(mode);

    /** Everything the caller can see: used to show that a refused request changed nothing. */
    async function snapshot() {
      const statuses = ["draft", "active", "archived"];
      const lists = await Promise.all(
        statuses.map((s) => env.api.request("GET", `/api/v1/memories?status=${s}&limit=100`)),
      );
      const events = env.database
        ? (await env.database.pool.query("SELECT count(*)::int AS n FROM event_store.events")).rows[0]
        : null;
      return { items: lists.map((l) => l.body.items.map((m: any) => `${m.id}@${m.version}`).sort()), events };
    }

    async function create(body: Record<string, unknown>) {
      const res = await env.api.request("POST", "/api/v1/memories", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body;
    }

    it("creates, reads, edits with If-Match, and keeps the history", async () => {
      const created = await create({
        title: "Léa's café",
        content: "Met Léa 🎉 at the café",
        tags: [" Paris ", "FOOD"],
      });
      expect(created).to.include({
        version: 1,
        title: "Léa's café",
        content: "Met Léa 🎉 at the café",
        type: "semantic",
        status: "active",
      });
      expect(created.tags).to.deep.equal(["paris", "food"]);

      const read = await env.api.request("GET", `/api/v1/memories/${created.id}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.deep.equal(created);

      const edited = await env.api.request(
        "PATCH",
        `/api/v1/memories/${created.id}`,
        { content: "Met Léa again" },
        { "if-match": "1" },
      );
      expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
      expect(edited.body).to.include({ version: 2, content: "Met Léa again" });
      // read-your-writes: the very next read sees the edit
      expect((await env.api.request("GET", `/api/v1/memories/${created.id}`)).body.version).to.equal(2);

      const stale = await env.api.request(
        "PATCH",
        `/api/v1/memories/${created.id}`,
        { content: "lost update" },
        { "if-match": "1" },
      );
      expect(stale.status).to.equal(409);
      expect(stale.body.error.code).to.equal("VERSION_CONFLICT");
      expect(stale.body.error.details.currentVersion).to.equal(2);

      const noIfMatch = await env.api.request("PATCH", `/api/v1/memories/${created.id}`, { content: "x" });
      expect(noIfMatch.status).to.equal(428);

      const history = await env.api.request("GET", `/api/v1/memories/${created.id}/history`);
      expect(history.status).to.equal(200);
      expect(history.body.events.map((e: any) => [e.type, e.version])).to.deep.equal([
        ["MemoryCreated", 1],
        ["MemoryEdited", 2],
      ]);
      expect(history.body.events[1].data.content).to.equal("Met Léa again");
      const createdAt = history.body.events[0].occurredAt;
      const asOf = await env.api.request(
        "GET",
        `/api/v1/memories/${created.id}?asOf=${encodeURIComponent(createdAt)}`,
      );
      expect(asOf.status).to.equal(200);
      expect(asOf.body).to.include({ version: 1, content: "Met Léa 🎉 at the café" });
    });

    it("tags, links, archives, restores and deletes", async () => {
      const a = await create({ content: "alpha" });
      const b = await create({ content: "beta" });
      const tagged = await env.api.request("PUT", `/api/v1/memories/${a.id}/tags`, { tags: ["One", "two"] });
      expect(tagged.status).to.equal(200);
      expect(tagged.body.tags).to.deep.equal(["one", "two"]);
      const linked = await env.api.request("POST", `/api/v1/memories/${a.id}/links`, {
        targetId: b.id,
        type: "related",
      });
      expect(linked.status, JSON.stringify(linked.body)).to.be.oneOf([200, 201]);
      expect(linked.body.links).to.deep.equal([{ targetId: b.id, type: "related" }]);
      expect((await env.api.request("POST", `/api/v1/memories/${a.id}/archive`)).body.status).to.equal(
        "archived",
      );
      const activeList = await eventually(async () => {
        const list = await env.api.request("GET", "/api/v1/memories?limit=100");
        return list.body.items.some((m: any) => m.id === a.id) ? undefined : list;
      });
      expect(activeList.status).to.equal(200);
      expect((await env.api.request("POST", `/api/v1/memories/${a.id}/restore`)).body.status).to.equal(
        "active",
      );
      expect((await env.api.request("DELETE", `/api/v1/memories/${b.id}`)).status).to.equal(204);
      expect((await env.api.request("GET", `/api/v1/memories/${b.id}`)).status).to.equal(404);
      await eventually(async () => {
        const list = await env.api.request("GET", "/api/v1/memories?limit=100");
        return list.body.items.some((m: any) => m.id === b.id) ? undefined : true;
      });
    });

    it("lists with filters and a cursor, eventually consistent", async () => {
      const tag = `batch-${randomUUID().slice(0, 8)}`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await create({ content: `item ${i}`, tags: [tag], type: "episodic" })).id);
      const pages: string[] = [];
      await eventually(async () => {
        pages.length = 0;
        let cursor: string | null = null;
        do {
          const query: string = `/api/v1/memories?tag=${tag}&type=episodic&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
          const res = await env.api.request("GET", query);
          expect(res.status).to.equal(200);
          expect(res.body.items.length).to.be.at.most(2);
          pages.push(...res.body.items.map((m: any) => m.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        return pages.length === 5 ? true : undefined;
      });
      expect([...pages].sort()).to.deep.equal([...ids].sort());
      expect(pages).to.deep.equal([...ids].reverse()); // newest first
    });

    it("never shows one user's memory to another (404, not 403)", async () => {
      const mine = await create({ content: "private" });
      const other = new ApiClient(env.stack.baseUrl);
      await other.registerUser();
      expect((await other.request("GET", `/api/v1/memories/${mine.id}`)).status).to.equal(404);
      expect((await other.request("GET", `/api/v1/memories/${mine.id}/history`)).status).to.equal(404);
      expect(
        (await other.request("PATCH", `/api/v1/memories/${mine.id}`, { content: "x" }, { "if-match": "1" }))
          .status,
      ).to.equal(404);
      expect((await other.request("DELETE", `/api/v1/memories/${mine.id}`)).status).to.equal(404);
      const list = await other.request("GET", "/api/v1/memories?limit=100");
      expect(list.body.items).to.deep.equal([]);
      expect((await env.api.request("GET", `/api/v1/memories/${mine.id}`)).body.content).to.equal("private");
    });

    it("answers an Idempotency-Key retry with the same memory, once", async () => {
      const key = randomUUID();
      const body = { content: "exactly once" };
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => env.api.request("POST", "/api/v1/memories", body, { "idempotency-key": key })),
      );
      const ids = new Set(results.map((r) => r.body.id));
      expect(
        results.map((r) => r.status).every((s) => s === 201 || s === 200),
        JSON.stringify(results.map((r) => r.body)),
      ).to.equal(true);
      expect(ids.size).to.equal(1);
      const history = await env.api.request("GET", `/api/v1/memories/${[...ids][0]}/history`);
      expect(history.body.events).to.have.length(1);
      const other = await env.api.request(
        "POST",
        "/api/v1/memories",
        { content: "another body" },
        { "idempotency-key": key },
      );
      expect(other.status).to.equal(409);
    });

    it("refuses bad input with a 4xx in the error shape and changes nothing", async () => {
      const target = await create({ content: "untouched" });
      // Lists lag a write briefly: take the "before" picture once the read model holds the target.
      const before = await eventually(async () => {
        const taken = await snapshot();
        return taken.items.some((list: string[]) => list.includes(`${target.id}@1`)) ? taken : undefined;
      });
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        env.api.request("POST", "/api/v1/memories", body as any, headers);
      const cases: Array<[string, () => Promise<{ status: number; body: any }>, number]> = [
        ["malformed JSON", () => post('{"content": "x",'), 400],
        ["not an object", () => post("[1,2,3]"), 400],
        ["missing content", () => post({ title: "no content" }), 400],
        ["empty content", () => post({ content: "   " }), 400],
        ["content over the limit", () => post({ content: "x".repeat(100_001) }), 400],
        ["body over 1 MiB", () => post({ content: "x".repeat(1_100_000) }), 413],
        ["unknown field", () => post({ content: "x", colour: "red" }), 400],
        ["wrong type", () => post({ content: 42 }), 400],
        ["importance out of range", () => post({ content: "x", importance: 7 }), 400],
        ["bad memory type", () => post({ content: "x", type: "dream" }), 400],
        ["empty tag", () => post({ content: "x", tags: [" "] }), 400],
        ["tag of 500 characters", () => post({ content: "x", tags: ["t".repeat(500)] }), 400],
        ["65 tags", () => post({ content: "x", tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }), 400],
        ["id that is not a UUID", () => env.api.request("GET", "/api/v1/memories/not-a-uuid"), 400],
        [
          "patch with a non-UUID id",
          () =>
            env.api.request(
              "PATCH",
              "/api/v1/memories/1%27%20OR%201=1",
              { content: "x" },
              { "if-match": "1" },
            ),
          400,
        ],
        [
          "patch with an unknown field",
          () =>
            env.api.request("PATCH", `/api/v1/memories/${target.id}`, { owner: "me" }, { "if-match": "1" }),
          400,
        ],
        [
          "patch with a bad If-Match",
          () =>
            env.api.request(
              "PATCH",
              `/api/v1/memories/${target.id}`,
              { content: "x" },
              { "if-match": "banana" },
            ),
          400,
        ],
        [
          "no credentials",
          () => new ApiClient(env.stack.baseUrl).request("POST", "/api/v1/memories", { content: "x" }),
          401,
        ],
        [
          "forged token",
          () =>
            new ApiClient(env.stack.baseUrl, `${env.api.token}x`).request("POST", "/api/v1/memories", {
              content: "x",
            }),
          401,
        ],
        ["unknown memory", () => env.api.request("GET", `/api/v1/memories/${randomUUID()}`), 404],
        ["list limit not a number", () => env.api.request("GET", "/api/v1/memories?limit=lots"), 400],
      ];
      for (const [name, run, status] of cases) {
        const res = await run();
        expect(res.status, `${name}: ${JSON.stringify(res.body)?.slice(0, 300)}`).to.equal(status);
        expect(res.body?.error?.code, name)
          .to.be.a("string")
          .and.match(/^[A-Z_]+$/);
        expect(res.body.error.message, name).to.be.a("string");
      }
      expect(await snapshot()).to.deep.equal(before);
    });

    it("stores injection strings and unicode verbatim", async () => {
      const content = "'; DROP TABLE events; -- <script>alert(1)</script> ${process.env} \u0000-free 中文 🧠";
      const safe = content.replace("\u0000", "");
      const created = await create({ content: safe, metadata: { "k'ey": 'v"al', nested: { n: 1 } } });
      const read = await env.api.request("GET", `/api/v1/memories/${created.id}`);
      expect(read.body.content).to.equal(safe);
      expect(read.body.metadata).to.deep.equal({ "k'ey": 'v"al', nested: { n: 1 } });
    });

    it("serves health, metrics and the OpenAPI document", async () => {
      expect((await env.api.request("GET", "/health/live")).status).to.equal(200);
      const ready = await env.api.request("GET", "/health/ready");
      expect(ready.status).to.equal(200);
      expect(ready.body).to.deep.equal({ status: "ok" });
      const details = await env.api.request("GET", "/health/details");
      expect(details.body.status).to.equal("ok");
      expect(details.body.services.memory).to.deep.include({
        status: "ok",
        dependencies: {
          database: "ok",
          eventStore: "ok",
          ...(mode === "distributed" ? { cache: "ok" } : {}),
        },
      });
      const openapi = await env.api.request("GET", "/openapi.json");
      expect(openapi.body.openapi).to.match(/^3\./);
      expect(Object.keys(openapi.body.paths)).to.include("/api/v1/memories");
      await create({ content: "counted when appended" });
      const metrics = await env.api.request("GET", "/metrics");
      expect(metrics.status).to.equal(200);
      // The embedded process appends and serves /metrics; in the distributed mode the memory
      // service appends, and only the gateway serves /metrics so far.
      if (mode === "embedded")
        expect(metrics.body).to.match(/^events_appended_total\{type="MemoryCreated"\} [1-9]/m);
    });

    it("keeps memories and tokens across a restart", async () => {
      const created = await create({ content: "survives restarts" });
      const names = mode === "embedded" ? ["embedded"] : Object.keys(env.stack.pids());
      for (const n of names) await env.stack.kill(n as any);
      for (const n of names) env.stack.start(n as any);
      await env.stack.waitReady();
      const read = await eventually(async () => {
        const res = await env.api.request("GET", `/api/v1/memories/${created.id}`);
        return res.status === 200 ? res : undefined;
      }, 20_000);
      expect(read.body.content).to.equal("survives restarts");
    });

    if (mode === "distributed") {
      it("runs each service as its own OS process", () => {
        const pids = env.stack.pids();
        expect(Object.keys(pids).sort()).to.deep.equal(Object.keys(DISTRIBUTED_PROCESSES).sort());
        expect(new Set(Object.values(pids)).size).to.equal(Object.keys(DISTRIBUTED_PROCESSES).length);
      });
    }
  });
}
