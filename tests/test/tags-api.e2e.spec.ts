import { expect } from "chai";
import { ApiClient, eventually } from "../src/api-client.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

// The tags part of the REST contract (API.md), over HTTP, in both run modes: usage counts
// projected from memory events, and rename and merge re-tagging every memory through the
// memory service's commands.
for (const mode of RUN_MODES) {
  describe(`tags API (${mode})`, function () {
    this.timeout(120_000);
    const env = useStack(mode);

    async function create(tags: string[], extra: Record<string, unknown> = {}) {
      const res = await env.api.request("POST", "/api/v1/memories", {
        content: `tagged ${tags.join(",")}`,
        tags,
        ...extra,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.id as string;
    }

    const tags = async (client = env.api) => {
      const res = await client.request("GET", "/api/v1/tags");
      expect(res.status).to.equal(200);
      return res.body as { name: string; count: number; color?: string; parent?: string }[];
    };
    const countsOf = async () => Object.fromEntries((await tags()).map((t) => [t.name, t.count]));
    const until = (expected: Record<string, number>) =>
      eventually(async () => {
        const counts = await countsOf();
        const sorted = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort());
        return sorted(counts) === sorted(expected) ? counts : undefined;
      });
    const tagsOf = async (id: string) => (await env.api.request("GET", `/api/v1/memories/${id}`)).body.tags;

    it("counts tags per owner: archived memories count, deleted ones do not", async () => {
      const a = await create([" Work ", "home"]);
      await create(["work"]);
      const c = await create(["work", "urgent"]);
      await until({ home: 1, urgent: 1, work: 3 });
      expect((await env.api.request("POST", `/api/v1/memories/${a}/archive`)).status).to.equal(200);
      expect((await env.api.request("DELETE", `/api/v1/memories/${c}`)).status).to.equal(204);
      await until({ home: 1, work: 2 });
      // Names travel URL-encoded in the path.
      const accented = await create(["Café Bar"]);
      await until({ "café bar": 1, home: 1, work: 2 });
      const styled = await env.api.request("PATCH", `/api/v1/tags/${encodeURIComponent("café bar")}`, {
        color: "#123456",
      });
      expect(styled.status, JSON.stringify(styled.body)).to.equal(200);
      expect(styled.body).to.deep.equal({ name: "café bar", count: 1, color: "#123456" });
      expect((await env.api.request("DELETE", `/api/v1/memories/${accented}`)).status).to.equal(204);
      await until({ "café bar": 0, home: 1, work: 2 });
      const stranger = new ApiClient(env.stack.baseUrl);
      await stranger.registerUser();
      expect(await tags(stranger)).to.deep.equal([]);
    });

    it("recolours, re-parents, renames and merges, re-tagging every memory", async () => {
      const x = await create(["draft-ideas", "misc"]);
      const y = await create(["draft-ideas"], { status: "draft" });
      const z = await create(["ideas"]);
      await until({ "café bar": 0, "draft-ideas": 2, home: 1, ideas: 1, misc: 1, work: 2 });

      const styled = await env.api.request("PATCH", "/api/v1/tags/draft-ideas", {
        color: "#00AA00",
        parent: "work",
      });
      expect(styled.status, JSON.stringify(styled.body)).to.equal(200);
      expect(styled.body).to.deep.include({ name: "draft-ideas", color: "#00aa00", parent: "work" });

      const renamed = await env.api.request("PATCH", "/api/v1/tags/Draft-Ideas", { name: "brainstorm" });
      expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
      expect(renamed.body.operation).to.include({ status: "completed", total: 2, retagged: 2 });
      // The answer is the tag as the rename leaves it, before the tag list has caught up.
      expect(renamed.body).to.deep.include({
        name: "brainstorm",
        count: 2,
        color: "#00aa00",
        parent: "work",
      });
      expect(await tagsOf(x)).to.deep.equal(["brainstorm", "misc"]);
      expect(await tagsOf(y)).to.deep.equal(["brainstorm"]);
      await until({ brainstorm: 2, "café bar": 0, home: 1, ideas: 1, misc: 1, work: 2 });
      const brainstorm = (await tags()).find((t) => t.name === "brainstorm");
      expect(brainstorm).to.deep.equal({ name: "brainstorm", count: 2, color: "#00aa00", parent: "work" });

      const merged = await env.api.request("POST", "/api/v1/tags/brainstorm/merge", { into: "ideas" });
      expect(merged.status, JSON.stringify(merged.body)).to.equal(200);
      expect(merged.body).to.include({ status: "completed", from: "brainstorm", into: "ideas", total: 2 });
      expect(await tagsOf(x)).to.deep.equal(["ideas", "misc"]);
      expect(await tagsOf(y)).to.deep.equal(["ideas"]);
      expect(await tagsOf(z)).to.deep.equal(["ideas"]);
      await until({ "café bar": 0, home: 1, ideas: 3, misc: 1, work: 2 });
      const listed = await env.api.request("GET", "/api/v1/memories?tag=brainstorm");
      expect(listed.body.items).to.deep.equal([]);
    });

    it("refuses bad input with the error shape and changes nothing", async () => {
      const before = await tags();
      const cases: [string, string, unknown, number][] = [
        ["POST", "/api/v1/memories", { content: "x", tags: [""] }, 400],
        ["POST", "/api/v1/memories", { content: "x", tags: ["t".repeat(500)] }, 400],
        ["PATCH", "/api/v1/tags/work", { name: "" }, 400],
        ["PATCH", "/api/v1/tags/work", { name: "t".repeat(500) }, 400],
        ["PATCH", `/api/v1/tags/${"t".repeat(500)}`, { color: "#000000" }, 400],
        ["PATCH", "/api/v1/tags/work", { colour: "#000000" }, 400],
        ["PATCH", "/api/v1/tags/work", { color: "green" }, 400],
        ["PATCH", "/api/v1/tags/work", { name: "job", color: "green" }, 400],
        ["PATCH", "/api/v1/tags/work", { name: "job", parent: "job" }, 400],
        ["PATCH", "/api/v1/tags/work", { parent: "work" }, 400],
        ["POST", "/api/v1/tags/work/merge", { into: "" }, 400],
        ["POST", "/api/v1/tags/work/merge", { into: "work" }, 400],
        ["POST", "/api/v1/tags/work/merge", { into: "x", extra: 1 }, 400],
        ["POST", "/api/v1/tags/nope/merge", { into: "x" }, 404],
        ["PATCH", "/api/v1/tags/nope", { color: "#000000" }, 404],
        // Onto a tag that exists: a merge, which is asked for as one (POST .../merge), never silently.
        ["PATCH", "/api/v1/tags/work", { name: " Home " }, 409],
        ["PATCH", "/api/v1/tags/work", { name: "home", color: "#000000" }, 409],
      ];
      for (const [method, path, body, status] of cases) {
        const res = await env.api.request(method, path, body);
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).to.equal(status);
        expect(res.body.error.code).to.be.a("string");
        if (status === 409) expect(res.body.error.code).to.equal("ALREADY_EXISTS");
      }
      expect(await tags()).to.deep.equal(before);
    });
  });
}
