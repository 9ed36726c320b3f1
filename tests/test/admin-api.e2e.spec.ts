import { expect } from "chai";
import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { ApiClient, eventually } from "../src/api-client.ts";
import { registerAdmin } from "../src/admin-client.ts";

// Replay for audits and repairs: an admin sees where each projection stands and can rebuild one
// from position 0; the rebuilt read model answers exactly as before.
for (const mode of ["embedded", "distributed"] as const) {
  describe(`admin projections API (${mode})`, function () {
    this.timeout(120_000);
    let stack: Stack;
    let database: TestDatabase | undefined;

    before(async () => {
      if (mode === "distributed") database = await createTestDatabase("sb_admin");
      stack = await startStack({
        mode,
        ...(database ? { databaseUrl: database.url } : {}),
      });
    });

    after(async () => {
      await stack?.stop();
      await database?.drop();
    });

    it("shows projection positions to admins only and rebuilds to the same rows", async () => {
      const admin = await registerAdmin(stack);
      const user = new ApiClient(stack.baseUrl);
      await user.registerUser();
      for (let i = 0; i < 15; i++)
        await user.request("POST", "/api/v1/memories", { content: `note ${i}`, tags: ["t"] });
      const listAll = async () => (await user.request("GET", "/api/v1/memories?limit=100")).body.items;
      const before = await eventually(async () => {
        const items = await listAll();
        return items.length === 15 ? items : undefined;
      });

      expect((await user.request("GET", "/api/v1/admin/projections")).status).to.equal(403);
      expect((await user.request("POST", "/api/v1/admin/projections/memories/rebuild")).status).to.equal(403);
      const status = await admin.request("GET", "/api/v1/admin/projections");
      expect(status.status, JSON.stringify(status.body)).to.equal(200);
      const memories = status.body.projections.find((p: { name: string }) => p.name === "memories");
      expect(memories.position).to.match(/^\d+\/\d+$/);
      expect(memories.lagEvents).to.be.a("number");
      expect(memories.rebuilding).to.equal(false);

      expect((await admin.request("POST", "/api/v1/admin/projections/nope/rebuild")).status).to.equal(404);
      const rebuild = await admin.request("POST", "/api/v1/admin/projections/memories/rebuild");
      expect(rebuild.status, JSON.stringify(rebuild.body)).to.equal(202);
      await eventually(async () => {
        const now = await admin.request("GET", "/api/v1/admin/projections");
        const entry = now.body.projections.find((p: { name: string }) => p.name === "memories");
        return entry.rebuilding === false && entry.lagEvents === 0 ? true : undefined;
      }, 30_000);
      expect(await listAll()).to.deep.equal(before);
    });
  });
}
