import { expect } from "chai";
import { REQUEST_TIMEOUT_MS } from "@second-brain/platform";
import { ApiClient, eventually, type ApiResponse } from "../src/api-client.ts";
import { useStackBehindRelay } from "../src/stack-behind-relay.ts";

/** How long PostgreSQL stays stalled: past the pools' connect timeout and the request timeout. */
const STALL_MS = 12_000;

// PostgreSQL hung rather than stopped: connections are accepted and nothing answers. Every process
// reaches it through a relay that stops passing bytes, as a SIGSTOPped server would look; the open
// connections are cut as the stall begins, so every process has to connect into the stall (a
// restart that hangs, a failover onto a hung host), which is where a failure can be remembered.
describe("PostgreSQL stalled rather than stopped (distributed)", function () {
  this.timeout(180_000);
  const fixture = useStackBehindRelay((database) => ({
    port: Number(new URL(database.url).port || 5432),
    stackOptions: (relayPort) => {
      const url = new URL(database.url);
      url.port = String(relayPort);
      return { databaseUrl: url.toString() };
    },
  }));

  it("answers 503 within the request timeout while stalled, and every route recovers by itself", async () => {
    const api = new ApiClient(fixture.stack.baseUrl);
    await api.registerUser();
    const routes: [string, () => Promise<ApiResponse>][] = [
      ["create", () => api.request("POST", "/api/v1/memories", { content: "written while stalled" })],
      ["list", () => api.request("GET", "/api/v1/memories?limit=5")],
      ["tags", () => api.request("GET", "/api/v1/tags")],
      // The first search of the process, so the search service opens its embedder now.
      ["search", () => api.request("POST", "/api/v1/search", { query: "stalled", mode: "keyword" })],
    ];

    const seen: { route: string; status: number; ms: number }[] = [];
    fixture.relay.stall({ cut: true });
    const resumedAt = await (async () => {
      try {
        const deadline = Date.now() + STALL_MS;
        while (Date.now() < deadline) {
          await Promise.all(
            routes.map(async ([route, send]) => {
              const started = Date.now();
              const { status } = await send();
              seen.push({ route, status, ms: Date.now() - started });
            }),
          );
        }
      } finally {
        fixture.relay.resume();
      }
      return Date.now();
    })();
    expect(
      seen.filter((s) => s.status !== 503 || s.ms > REQUEST_TIMEOUT_MS + 3_000),
      "answers while stalled that were not a timely 503",
    ).to.deep.equal([]);

    // Every route answers again within seconds, without a process restarted.
    const word = `w${Date.now()}`;
    const recovered = await eventually(async () => {
      const results = await Promise.all([
        api.request("POST", "/api/v1/memories", { content: `after the stall ${word}` }),
        api.request("GET", "/api/v1/memories?limit=5"),
        api.request("GET", "/api/v1/tags"),
        api.request("POST", "/api/v1/search", { query: word, mode: "keyword" }),
      ]);
      return results.every((r) => r.status < 300) ? Date.now() : undefined;
    }, 30_000).catch(async (error: Error) => {
      const search = await api.request("POST", "/api/v1/search", { query: word, mode: "keyword" });
      throw new Error(`${error.message}; search answers ${search.status} ${JSON.stringify(search.body)}`);
    });
    const waits = seen.map((s) => s.ms);
    console.log(
      `PostgreSQL stalled: ${seen.length} requests answered 503 in ${Math.min(...waits)}–${Math.max(...waits)} ms; ` +
        `every route answered again ${recovered - resumedAt} ms after the stall ended`,
    );
    expect(recovered - resumedAt, "from the resume to every route answering (ms)").to.be.below(30_000);
    // The memory written after the stall is found: the search projection recovered too.
    await eventually(async () => {
      const found = await api.request("POST", "/api/v1/search", { query: word, mode: "keyword" });
      return found.status === 200 && found.body.results.length > 0 ? true : undefined;
    }, 30_000);
  });
});
