import path from "node:path";
import { expect } from "chai";
import { openEmbeddedDatabase, type SqlPool } from "@second-brain/platform";
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
      // The tag exists once the tag read model has applied the create (eventually, under load).
      await eventually(async () => {
        const tags = await erased.request("GET", "/api/v1/tags");
        return tags.body.some?.((tag: { name: string }) => tag.name === "bank-secrets") ? true : undefined;
      });
      const styled = await erased.request("PATCH", "/api/v1/tags/bank-secrets", { color: "#ff0000" });
      expect(styled.status, JSON.stringify(styled.body)).to.equal(200);
      const theirs = await kept.request("POST", "/api/v1/memories", { content: "kept safe" });
      await eventually(async () => {
        const list = await erased.request("GET", "/api/v1/memories");
        return list.body.items.length === 1 ? true : undefined;
      });

      // Erasure cannot be undone, so it needs the password: without it, or with a wrong one, nothing goes.
      for (const body of [undefined, { password: "not the password" }]) {
        const refused = await erased.request("DELETE", "/api/v1/users/me", body);
        expect(refused.status, JSON.stringify(refused.body)).to.be.oneOf([400, 403]);
      }
      expect((await erased.request("GET", `/api/v1/memories/${mine.body.id}`)).status).to.equal(200);

      const erase = await erased.request("DELETE", "/api/v1/users/me", { password: user.password });
      expect(erase.status, JSON.stringify(erase.body)).to.equal(202);

      // Every session of the user ended with the erasure: its access token is refused at once.
      for (const [method, path] of [
        ["GET", `/api/v1/memories/${mine.body.id}`],
        ["GET", "/api/v1/memories"],
        ["POST", "/api/v1/memories"],
        ["PATCH", "/api/v1/tags/bank-secrets"],
        ["GET", "/api/v1/users/me"],
      ] as const) {
        const body =
          method === "POST" ? { content: "after" } : method === "PATCH" ? { color: "#00ff00" } : undefined;
        const after = await erased.request(method, path, body);
        expect(after.status, `${method} ${path}`).to.equal(401);
      }
      const refreshed = await erased.request("POST", "/api/v1/auth/refresh", {
        refreshToken: user.refreshToken,
      });
      expect(refreshed.status).to.equal(401);
      const login = await new ApiClient(stack.baseUrl).request("POST", "/api/v1/auth/login", {
        email: user.email,
        password: user.password,
      });
      expect(login.status).to.equal(401);

      // Other users are untouched.
      expect((await kept.request("GET", `/api/v1/memories/${theirs.body.id}`)).body.content).to.equal(
        "kept safe",
      );

      // The erased user's tokens are dead, so the purge is read in the database: in the embedded mode
      // once each read model has read past the erasure (a later write of another user shows in it),
      // with the process stopped (one process per data folder).
      let pool: SqlPool | undefined = database?.pool;
      if (!database) {
        const note = await kept.request("POST", "/api/v1/memories", { content: "later", tags: ["later"] });
        const session = await kept.request("POST", "/api/v1/sessions", { title: "later" });
        await eventually(async () => {
          const [memories, sessions, tags] = await Promise.all([
            kept.request("GET", "/api/v1/memories"),
            kept.request("GET", "/api/v1/sessions"),
            kept.request("GET", "/api/v1/tags"),
          ]);
          const seen =
            memories.body.items.some((m: { id: string }) => m.id === note.body.id) &&
            sessions.body.items.some((s: { id: string }) => s.id === session.body.id) &&
            tags.body.some((t: { name: string }) => t.name === "later");
          return seen ? true : undefined;
        });
        await stack.kill("embedded");
        pool = await openEmbeddedDatabase(path.join(stack.dataDir, "pgdata"));
      }
      try {
        const { rows: events } = await pool!.query<{ data: string; type: string }>(
          "SELECT type, data::text AS data FROM event_store.events WHERE stream_id = $1 OR stream_id = $2 ORDER BY position",
          [`memory-${mine.body.id}`, `user-${user.id}`],
        );
        expect(events.map((e) => e.type)).to.deep.equal(["MemoryCreated", "UserErased"]);
        expect(events[0]!.data).to.not.include(secret);
        expect(events[0]!.data).to.include("enc:v2:");
        // Tag names are personal too: nowhere in the log in clear.
        const { rows: tagged } = await pool!.query(
          "SELECT stream_id FROM event_store.events WHERE data::text LIKE '%bank-secrets%'",
        );
        expect(tagged).to.deep.equal([]);
        const { rows: keys } = await pool!.query("SELECT 1 FROM data_keys WHERE user_id = $1", [user.id]);
        expect(keys).to.deep.equal([]);
        // The read models purge the user once they read the erasure from the log.
        for (const table of ["memories", "sessions", "tag_counts", "tag_memories", "tag_styles"]) {
          await eventually(async () => {
            const { rows } = await pool!.query(`SELECT 1 FROM ${table} WHERE owner_id = $1`, [user.id]);
            return rows.length === 0 ? true : undefined;
          });
        }
      } finally {
        if (!database) await pool?.end();
      }
    });
  });
}
