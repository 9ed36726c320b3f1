import { expect } from "chai";
import { ApiClient, eventually } from "../src/api-client.ts";
import { useStack } from "../src/stack-fixture.ts";

// Search through the REST API in both run modes, with the real local embedding model: the
// projection embeds asynchronously, so every first lookup polls.
for (const mode of ["embedded", "distributed"] as const) {
  describe(`search API (${mode})`, function () {
    this.timeout(180_000);
    const fixture = useStack(mode);
    let alice: ApiClient;
    let bob: ApiClient;

    before(async () => {
      alice = fixture.api;
      bob = new ApiClient(fixture.stack.baseUrl);
      await bob.registerUser();
    });

    async function create(api: ApiClient, body: Record<string, unknown>) {
      const res = await api.request("POST", "/api/v1/memories", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body as { id: string };
    }

    async function search(api: ApiClient, body: Record<string, unknown>): Promise<string[]> {
      const res = await api.request("POST", "/api/v1/search", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.took).to.be.a("number");
      return res.body.results.map((r: { memory: { id: string } }) => r.memory.id);
    }

    it("finds a memory by a paraphrase, by an exact word, with filters, and never for another user", async () => {
      const dog = await create(alice, {
        title: "Vet visit",
        content: "Took my dog Biscuit to the veterinarian because he had been limping on his front paw.",
        tags: ["pets"],
        type: "episodic",
      });
      await create(alice, {
        content: "The quarterly budget spreadsheet needs new revenue figures.",
        tags: ["work"],
      });
      await create(alice, {
        content: "Bake sourdough bread with rye flour on Sunday morning.",
        tags: ["home"],
      });
      const bobs = await create(bob, {
        content: "My dog Biscuit saw the veterinarian about a limp.",
        tags: ["pets"],
      });

      const paraphrase = "my puppy went to the animal doctor with a sore leg";
      const semantic = await eventually(async () => {
        const ids = await search(alice, { query: paraphrase, mode: "semantic", limit: 3 });
        return ids[0] === dog.id ? ids : undefined;
      }, 60_000);
      expect(semantic).not.to.include(bobs.id);
      expect((await search(alice, { query: "Biscuit", mode: "keyword" }))[0]).to.equal(dog.id);
      expect((await search(alice, { query: paraphrase }))[0]).to.equal(dog.id);
      expect(
        await search(alice, { query: paraphrase, filters: { tags: ["pets"], type: "episodic" } }),
      ).to.deep.equal([dog.id]);
      expect(await search(alice, { query: "Biscuit", filters: { tags: ["work"] } })).not.to.include(dog.id);

      const bobSees = await eventually(async () => {
        const ids = await search(bob, { query: "Biscuit limping dog" });
        return ids.length > 0 ? ids : undefined;
      }, 60_000);
      expect(bobSees).to.deep.equal([bobs.id]);

      const similar = await alice.request("GET", `/api/v1/memories/${dog.id}/similar?limit=5`);
      expect(similar.status, JSON.stringify(similar.body)).to.equal(200);
      expect(similar.body.results.map((r: { memory: { id: string } }) => r.memory.id)).not.to.include(dog.id);
      expect((await bob.request("GET", `/api/v1/memories/${dog.id}/similar`)).status).to.equal(404);
    });

    it("forgets deleted memories and refuses bad requests", async () => {
      const note = await create(alice, {
        content: "Passport renewal appointment at the consulate on Tuesday.",
      });
      await eventually(
        async () =>
          (await search(alice, { query: "passport", mode: "keyword" })).includes(note.id) ? true : undefined,
        60_000,
      );
      expect((await alice.request("DELETE", `/api/v1/memories/${note.id}`)).status).to.equal(204);
      await eventually(
        async () =>
          (await search(alice, { query: "passport consulate" })).includes(note.id) ? undefined : true,
        30_000,
      );

      const blank = await alice.request("POST", "/api/v1/search", { query: "" });
      expect(blank.status).to.equal(400);
      const unknown = await alice.request("POST", "/api/v1/search", { query: "x", sort: "date" });
      expect(unknown.status).to.equal(400);
      const tooMany = await alice.request("POST", "/api/v1/search", { query: "x", limit: 51 });
      expect(tooMany.status).to.equal(400);
      const anonymous = new ApiClient(fixture.stack.baseUrl);
      expect((await anonymous.request("POST", "/api/v1/search", { query: "x" })).status).to.equal(401);
    });

    it("highlights the matched words in escaped HTML, never the stored markup", async () => {
      const note = await create(alice, {
        content: `Ideas <script>alert("pwned & gone")</script> for the garden's <b>rhubarb</b> bed`,
      });
      const res = await eventually(async () => {
        const found = await alice.request("POST", "/api/v1/search", { query: "rhubarb", mode: "keyword" });
        return found.body.results?.some((r: { memory: { id: string } }) => r.memory.id === note.id)
          ? found
          : undefined;
      }, 60_000);
      const hit = res.body.results.find((r: { memory: { id: string } }) => r.memory.id === note.id);
      const highlight = (hit.highlights as string[])[0]!;
      expect(highlight).to.include(
        "Ideas &lt;script&gt;alert(&quot;pwned &amp; gone&quot;)&lt;/script&gt; for the garden&#39;s " +
          "&lt;b&gt;<mark>rhubarb</mark>",
      );
      expect(highlight.replace(/<\/?mark>/g, "")).not.to.match(/[<>"']/);
    });
  });
}
