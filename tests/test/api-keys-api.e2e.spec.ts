import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { registerAdmin } from "../src/admin-client.ts";
import { ApiClient, type ApiResponse } from "../src/api-client.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

type Probe = [method: string, path: string, body?: unknown, headers?: Record<string, string>];

// API keys (API.md, Identity), over HTTP, in both run modes: created, listed and revoked with an
// access token; sent as X-API-Key wherever an access token works, within the scope each route
// declares; refused at once when expired or revoked.
for (const mode of RUN_MODES) {
  describe(`API keys API (${mode})`, function () {
    this.timeout(120_000);
    const env = useStack(mode);

    /** A client that sends only `X-API-Key: <key>`. */
    const withKey = (key: string) => {
      const client = new ApiClient(env.stack.baseUrl);
      return (...[method, path, body, headers = {}]: Probe) =>
        client.request(method, path, body, { ...headers, "x-api-key": key });
    };

    async function createKey(owner: ApiClient, body: Record<string, unknown>) {
      const res = await owner.request("POST", "/api/v1/auth/api-keys", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body as { id: string; key: string; prefix: string; scopes: string[]; name: string };
    }

    const listKeys = async (owner: ApiClient) => {
      const res = await owner.request("GET", "/api/v1/auth/api-keys");
      expect(res.status).to.equal(200);
      return res.body.items as Record<string, unknown>[];
    };

    it("creates a key shown once, lists it without the key, and revokes it at once", async () => {
      const created = await createKey(env.api, { name: "my laptop" });
      expect(created).to.include({ name: "my laptop", expiresAt: null });
      expect(created.scopes).to.deep.equal(["read", "write"]);
      expect(created.key).to.match(/^sb_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
      expect(created.key.startsWith(`${created.prefix}_`)).to.equal(true);

      const asKey = withKey(created.key);
      const memory = await asKey("POST", "/api/v1/memories", { content: "written with a key" });
      expect(memory.status, JSON.stringify(memory.body)).to.equal(201);
      expect((await asKey("GET", `/api/v1/memories/${memory.body.id}`)).status).to.equal(200);
      // The key speaks for its owner: the owner's token reads what the key wrote.
      expect((await env.api.request("GET", `/api/v1/memories/${memory.body.id}`)).status).to.equal(200);

      const listed = (await listKeys(env.api)).find((key) => key.id === created.id)!;
      expect(listed).to.include({ name: "my laptop", prefix: created.prefix, expiresAt: null });
      expect(listed.lastUsedAt).to.be.a("string");
      expect(listed).to.not.have.property("key");
      const everything = JSON.stringify(await env.api.request("GET", "/api/v1/auth/api-keys"));
      expect(everything).to.not.include(created.key.slice(created.prefix.length + 1));

      const revoked = await env.api.request("DELETE", `/api/v1/auth/api-keys/${created.id}`);
      expect(revoked.status).to.equal(204);
      const after = await asKey("GET", `/api/v1/memories/${memory.body.id}`);
      expect(after.status).to.equal(401);
      expect(after.body.error.code).to.equal("UNAUTHENTICATED");
      expect((await listKeys(env.api)).map((key) => key.id)).to.not.include(created.id);
      expect((await env.api.request("DELETE", `/api/v1/auth/api-keys/${created.id}`)).status).to.equal(404);
    });

    it("enforces the key's scopes on every class of route", async () => {
      const admin = await registerAdmin(env.stack);
      const memory = (await admin.request("POST", "/api/v1/memories", { content: "x", tags: ["t"] })).body;
      const read = withKey((await createKey(admin, { name: "r", scopes: ["read"] })).key);
      const write = withKey((await createKey(admin, { name: "w", scopes: ["write"] })).key);
      const adminOnly = withKey((await createKey(admin, { name: "a", scopes: ["admin"] })).key);
      const everything = withKey(
        (await createKey(admin, { name: "all", scopes: ["read", "write", "admin"] })).key,
      );
      const readWrite = withKey((await createKey(admin, { name: "rw" })).key);

      const m = `/api/v1/memories/${memory.id}`;
      const reads: Probe[] = [
        ["GET", "/api/v1/memories"],
        ["GET", m],
        ["GET", `${m}/history`],
        ["GET", `${m}/similar`],
        ["POST", "/api/v1/search", { query: "x", mode: "keyword" }],
        ["GET", "/api/v1/sessions"],
        ["GET", "/api/v1/tags"],
        ["GET", "/api/v1/users/me"],
        ["GET", `/api/v1/attachments/${randomUUID()}`],
      ];
      const writes: Probe[] = [
        ["POST", "/api/v1/memories", { content: "by key" }],
        ["PUT", `${m}/tags`, { tags: ["u"] }],
        ["POST", `${m}/archive`],
        ["POST", `${m}/restore`],
        ["POST", "/api/v1/sessions", { title: "s" }],
        ["PATCH", "/api/v1/tags/t", { color: "#ff0000" }],
        ["DELETE", `/api/v1/attachments/${randomUUID()}`],
      ];
      const admins: Probe[] = [["GET", "/api/v1/admin/projections"]];
      const accountOnly: Probe[] = [
        ["POST", "/api/v1/auth/api-keys", { name: "minted by a key" }],
        ["GET", "/api/v1/auth/api-keys"],
        ["DELETE", `/api/v1/auth/api-keys/${randomUUID()}`],
        ["DELETE", "/api/v1/users/me", { password: "whatever it is" }],
        ["POST", "/api/v1/auth/logout"],
        ["POST", "/api/v1/auth/password", { currentPassword: "a-password-1", newPassword: "b-password-2" }],
        ["POST", "/api/v1/auth/bootstrap-admin", { token: "t" }],
      ];
      const expectAllowed = async (send: (...probe: Probe) => Promise<ApiResponse>, probes: Probe[]) => {
        for (const probe of probes) {
          const res = await send(...probe);
          expect([401, 403], `${probe[0]} ${probe[1]}: ${JSON.stringify(res.body)}`).to.not.include(
            res.status,
          );
          expect(res.status, `${probe[0]} ${probe[1]}`).to.be.below(500);
        }
      };
      const expectForbidden = async (send: (...probe: Probe) => Promise<ApiResponse>, probes: Probe[]) => {
        for (const probe of probes) {
          const res = await send(...probe);
          expect(res.status, `${probe[0]} ${probe[1]}: ${JSON.stringify(res.body)}`).to.equal(403);
          expect(res.body.error.code).to.equal("FORBIDDEN");
        }
      };

      const versionBefore = (await admin.request("GET", m)).body.version;
      await expectForbidden(read, [...writes, ...admins, ...accountOnly]);
      await expectForbidden(write, [...reads, ...admins, ...accountOnly]);
      await expectForbidden(readWrite, [...admins, ...accountOnly]);
      await expectForbidden(adminOnly, [...reads, ...writes, ...accountOnly]);
      await expectForbidden(everything, accountOnly);
      // Nothing a refused key asked for happened.
      expect((await admin.request("GET", m)).body.version).to.equal(versionBefore);
      expect((await listKeys(admin)).map((key) => key.name)).to.have.members(["r", "w", "a", "all", "rw"]);
      expect((await admin.request("GET", "/api/v1/users/me")).status).to.equal(200);

      await expectAllowed(read, reads);
      await expectAllowed(write, writes);
      await expectAllowed(adminOnly, admins);
      await expectAllowed(everything, [...reads, ...writes, ...admins]);

      // The admin scope is the admins': a user asking for it is refused and gets no key.
      const before = await listKeys(env.api);
      const refused = await env.api.request("POST", "/api/v1/auth/api-keys", {
        name: "x",
        scopes: ["admin"],
      });
      expect(refused.status).to.equal(403);
      expect(await listKeys(env.api)).to.deep.equal(before);
    });

    it("refuses an expired key, a tampered key and a made-up key with 401", async () => {
      const expiring = await createKey(env.api, {
        name: "short-lived",
        expiresAt: new Date(Date.now() + 2_000).toISOString(),
      });
      const asExpiring = withKey(expiring.key);
      expect((await asExpiring("GET", "/api/v1/memories")).status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const expired = await asExpiring("GET", "/api/v1/memories");
      expect(expired.status).to.equal(401);
      expect(expired.body.error.code).to.equal("UNAUTHENTICATED");

      const { key } = await createKey(env.api, { name: "to tamper with" });
      const tampered = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
      for (const bad of [tampered, "sb_aaaaaaaa_" + "A".repeat(43), "not-a-key"])
        expect((await withKey(bad)("GET", "/api/v1/memories")).status, bad).to.equal(401);
    });

    it("answers 404 for another user's key id, which keeps working", async () => {
      const theirs = await createKey(env.api, { name: "theirs" });
      const stranger = new ApiClient(env.stack.baseUrl);
      await stranger.registerUser();
      expect(await listKeys(stranger)).to.deep.equal([]);
      const res = await stranger.request("DELETE", `/api/v1/auth/api-keys/${theirs.id}`);
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal("NOT_FOUND");
      expect((await withKey(theirs.key)("GET", "/api/v1/memories")).status).to.equal(200);
    });

    it("refuses a request with both an access token and a key (400)", async () => {
      const { key } = await createKey(env.api, { name: "both" });
      const res = await env.api.request("GET", "/api/v1/memories", undefined, { "x-api-key": key });
      expect(res.status).to.equal(400);
      expect(res.body.error.details).to.deep.equal([
        { field: "X-API-Key", message: "is not allowed together with Authorization" },
      ]);
    });

    it("refuses bad input with a 400 naming the field, and stores nothing", async () => {
      const before = await listKeys(env.api);
      const bad: [unknown, string][] = [
        [{}, "name"],
        [{ name: "" }, "name"],
        [{ name: "   " }, "name"],
        [{ name: "x".repeat(101) }, "name"],
        [{ name: "line\nbreak" }, "name"],
        [{ name: "nul\u0000" }, "name"],
        [{ name: 42 }, "name"],
        [{ name: "k", scopes: [] }, "scopes"],
        [{ name: "k", scopes: ["root"] }, "scopes[0]"],
        [{ name: "k", scopes: "read" }, "scopes"],
        [{ name: "k", scopes: ["read", "read"] }, "scopes"],
        [{ name: "k", expiresAt: "next week" }, "expiresAt"],
        [{ name: "k", expiresAt: "2020-01-01T00:00:00Z" }, "expiresAt"],
        [{ name: "k", userId: randomUUID() }, "userId"],
      ];
      for (const [body, field] of bad) {
        const res = await env.api.request("POST", "/api/v1/auth/api-keys", body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal("VALIDATION_FAILED");
        expect(res.body.error.details.map((problem: { field: string }) => problem.field)).to.include(field);
      }
      const huge = await env.api.request("POST", "/api/v1/auth/api-keys", { name: "x".repeat(100_000) });
      expect(huge.status).to.equal(413);
      const badId = await env.api.request("DELETE", "/api/v1/auth/api-keys/not-a-uuid");
      expect(badId.status).to.equal(400);
      expect(await listKeys(env.api)).to.deep.equal(before);
    });
  });
}
