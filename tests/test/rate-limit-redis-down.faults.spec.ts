import { expect } from "chai";
import { createTestDatabase, startStack, type Stack, type TestDatabase } from "@second-brain/testing";
import { ApiClient, eventually } from "../src/api-client.ts";
import { ensureRunning, REDIS, waitDown } from "../src/servers.ts";

const USER_LIMIT = 5;
/** A request served unchecked must not wait on the missing Redis (its command timeout is 250 ms). */
const SLOWEST_MS = 2_000;

async function failOpenCount(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^rate_limit_fail_open_total (\d+)/m.exec(text)?.[1] ?? 0);
}

// The distributed gateway counts requests in Redis. With Redis stopped, the limiter must not take
// the API down: every request is served (fail open), logged and counted in a metric; once Redis is
// back the limits hold again. Redis is started again whatever happens.
describe("rate limits while Redis is down (distributed)", function () {
  this.timeout(180_000);
  let stack: Stack;
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase("sb_faults");
    stack = await startStack({
      mode: "distributed",
      databaseUrl: database.url,
      env: { RATE_LIMIT_USER_PER_MINUTE: String(USER_LIMIT) },
    });
  });

  after(async () => {
    await ensureRunning(REDIS);
    await stack?.stop();
    await database?.drop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed")
      console.log(stack.recentOutput().split("\n").slice(-60).join("\n"));
  });

  async function callsOf(api: ApiClient, count: number) {
    const answers: { status: number; ms: number }[] = [];
    for (let i = 0; i < count; i++) {
      const started = Date.now();
      const res = await api.request("GET", "/api/v1/users/me");
      answers.push({ status: res.status, ms: Date.now() - started });
    }
    return answers;
  }

  it("serves every request unchecked while Redis is down, and limits again once it is back", async () => {
    const limited = new ApiClient(stack.baseUrl);
    await limited.registerUser();
    // Registering spent one of the user's requests already (it reads GET /users/me).
    const before = await callsOf(limited, USER_LIMIT);
    expect(before.map((a) => a.status)).to.deep.equal([...Array(USER_LIMIT - 1).fill(200), 429]);

    const fresh = new ApiClient(stack.baseUrl);
    await fresh.registerUser();
    const failOpenBefore = await failOpenCount(stack.baseUrl);
    let whileDown: { status: number; ms: number }[];
    try {
      await REDIS.stop();
      await waitDown(REDIS);
      whileDown = [...(await callsOf(limited, 3)), ...(await callsOf(fresh, 2 * USER_LIMIT))];
    } finally {
      await ensureRunning(REDIS);
    }
    expect(whileDown.map((a) => a.status)).to.deep.equal(Array(3 + 2 * USER_LIMIT).fill(200));
    expect(Math.max(...whileDown.map((a) => a.ms)), "slowest request (ms)").to.be.below(SLOWEST_MS);
    expect(await failOpenCount(stack.baseUrl)).to.be.at.least(failOpenBefore + 3 + 2 * USER_LIMIT);

    // Redis is back (empty: it keeps nothing on disk), and a new user is limited again.
    const after = new ApiClient(stack.baseUrl);
    await after.registerUser();
    await eventually(async () => {
      const res = await after.request("GET", "/api/v1/users/me");
      return res.status === 429 ? true : undefined;
    }, 30_000);
  });
});
