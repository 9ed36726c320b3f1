import { expect } from "chai";
import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { ApiClient, eventually } from "../src/api-client.ts";

// Invariant 5: erasing a user destroys their data key (crypto-shredding) and purges the read
// models; the log is never rewritten, and what it holds of them can no longer be read.
for (const mode of ["embedded", "distributed"] as const) {
  describe(`erasing a user (${mode})`, function () {
    this.timeout(120_000);
    let stack: Stack;
    let database: TestDatabase | undefined;

    before(async () => {
      if (mode === "distributed") database = await createTestDatabase("sb_erase");
      stack = await startStack({ mode, ...(database ? { databaseUrl: database.url } : {}) });
    });

    after(async () => {
      await stack?.stop();
      await database?.drop();
    });

    it("shreds the key, purges the read model and keeps the log", async () => {
      const erased = new ApiClient(stack.baseUrl);
      const user = await erased.registerUser();
      const kept = new ApiClient(stack.baseUrl);
      await kept.registerUser();
      const secret = "my bank PIN is 4711";
      const session = await erased.request("POST", "/api/v1/sessions", { title: "banking" });
      expect(session.status).to.equal(201);
      const mine = await erased.request("POST", "/api/v1/memories", {
        title: "PIN",
        content: secret,
        tags: ["bank-secrets"],
        sessionId: session.body.id,
      });
      expect(mine.status).to.equal(201);
      const styled = await erased.request("PATCH", "/api/v1/tags/bank-secrets", { color: "#ff0000" });
      expect(styled.status, JSON.stringify(styled.body)).to.equal(200);
      const theirs = await kept.request("POST", "/api/v1/memories", { content: "kept safe" });
      await eventually(async () => {
        const list = await erased.request("GET", "/api/v1/memories");
        return list.body.items.length === 1 ? true : undefined;
      });

      const erase = await erased.request("DELETE", "/api/v1/users/me");
      expect(erase.status, JSON.stringify(erase.body)).to.equal(202);

      // The access token still verifies until it expires, but nothing of the user can be read or
      // written. Other processes drop their cached key on identity's broadcast: well within the 5 s
      // the cache would otherwise keep it.
      await eventually(async () => {
        const read = await erased.request("GET", `/api/v1/memories/${mine.body.id}`);
        return read.status === 404 ? true : undefined;
      }, 2_000);
      expect((await erased.request("GET", `/api/v1/memories/${mine.body.id}/history`)).status).to.equal(404);
      expect((await erased.request("POST", "/api/v1/memories", { content: "after" })).status).to.equal(401);
      const restyled = await erased.request("PATCH", "/api/v1/tags/bank-secrets", { color: "#00ff00" });
      expect(restyled.status).to.be.oneOf([401, 404]);
      await eventually(async () => {
        const list = await erased.request("GET", "/api/v1/memories");
        return list.status === 200 && list.body.items.length === 0 ? true : undefined;
      });
      // Sessions and tags purge the user too (their read models learn of the erasure from the log).
      await eventually(async () => {
        const [sessions, tags] = await Promise.all([
          erased.request("GET", "/api/v1/sessions"),
          erased.request("GET", "/api/v1/tags"),
        ]);
        return sessions.body.items?.length === 0 && Array.isArray(tags.body) && tags.body.length === 0
          ? true
          : undefined;
      });
      const login = await new ApiClient(stack.baseUrl).request("POST", "/api/v1/auth/login", {
        email: user.email,
        password: user.password,
      });
      expect(login.status).to.equal(401);

      // Other users are untouched.
      expect((await kept.request("GET", `/api/v1/memories/${theirs.body.id}`)).body.content).to.equal(
        "kept safe",
      );

      if (database) {
        const { rows: events } = await database.pool.query<{ data: string; type: string }>(
          "SELECT type, data::text AS data FROM event_store.events WHERE stream_id = $1 OR stream_id = $2 ORDER BY position",
          [`memory-${mine.body.id}`, `user-${user.id}`],
        );
        expect(events.map((e) => e.type)).to.deep.equal(["MemoryCreated", "UserErased"]);
        expect(events[0]!.data).to.not.include(secret);
        expect(events[0]!.data).to.include("enc:v1:");
        // Tag names are personal too: nowhere in the log in clear.
        const { rows: tagged } = await database.pool.query(
          "SELECT stream_id FROM event_store.events WHERE data::text LIKE '%bank-secrets%'",
        );
        expect(tagged).to.deep.equal([]);
        const { rows: keys } = await database.pool.query("SELECT 1 FROM data_keys WHERE user_id = $1", [
          user.id,
        ]);
        expect(keys).to.deep.equal([]);
        for (const table of ["memories", "sessions", "tag_counts", "tag_memories", "tag_styles"]) {
          const { rows } = await database.pool.query(`SELECT 1 FROM ${table} WHERE owner_id = $1`, [user.id]);
          expect(rows, table).to.deep.equal([]);
        }
      }
    });
  });
}
