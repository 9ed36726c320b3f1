import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { ApiClient, type ApiResponse } from "../src/api-client.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

/** Limits low enough to reach in a test; one trusted proxy, so each test speaks from its own addresses. */
const LIMITS = {
  RATE_LIMIT_USER_PER_MINUTE: "5",
  RATE_LIMIT_IP_PER_MINUTE: "20",
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: "8",
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: "3",
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP: "3",
  LOGIN_FAILURES_PER_IP: "6",
  LOGIN_FAILURES_PER_ACCOUNT: "4",
  LOGIN_SLOWDOWN_SECONDS: "2",
  TRUST_PROXY_HOPS: "1",
};

let addresses = 0;
/** A fresh documentation address (TEST-NET-3) for X-Forwarded-For; never a host that is contacted. */
const freshAddress = () => `203.0.113.${++addresses}`;
const from = (address: string) => ({ "x-forwarded-for": address });

/**
 * Refused, in the contract's shape, told to wait at most `maxSeconds`. Every request counts, refused
 * ones too, so a sliding window can ask for more than its length: the refused requests of this
 * window still weigh in the next one.
 */
function expectRateLimited(res: ApiResponse, maxSeconds: number) {
  expect(res.status, JSON.stringify(res.body)).to.equal(429);
  expect(res.body.error.code).to.equal("RATE_LIMITED");
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter).to.match(/^\d+$/);
  expect(Number(retryAfter)).to.be.within(1, maxSeconds);
  expect(res.body.error.details.retryAfterSeconds).to.equal(Number(retryAfter));
}

// Rate limits and login backoff (API.md, "Rate limits") through the real gateway, in both run
// modes: counted in the process in the embedded mode, in Redis in the distributed mode.
for (const mode of RUN_MODES) {
  describe(`rate limits (${mode})`, function () {
    this.timeout(120_000);
    const env = useStack(mode, LIMITS);

    async function register(address: string) {
      const api = new ApiClient(env.stack.baseUrl);
      const email = `rl-${randomUUID()}@example.com`;
      const password = `pw-${randomUUID()}`;
      const res = await api.request("POST", "/api/v1/auth/register", { email, password }, from(address));
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      // Registration hands out no tokens: sign in, from an address of its own so that the
      // registering address's budget is only its registrations.
      const signedIn = await api.request(
        "POST",
        "/api/v1/auth/login",
        { email, password },
        from(freshAddress()),
      );
      expect(signedIn.status, JSON.stringify(signedIn.body)).to.equal(200);
      api.token = signedIn.body.accessToken;
      return { api, email, password };
    }

    const login = (email: string, password: string, address: string) =>
      new ApiClient(env.stack.baseUrl).request(
        "POST",
        "/api/v1/auth/login",
        { email, password },
        from(address),
      );

    it("refuses a user's requests past the per-user limit with 429 and Retry-After, and only that user's", async () => {
      const { api } = await register(freshAddress());
      const address = freshAddress();
      for (let i = 0; i < 5; i++)
        expect((await api.request("GET", "/api/v1/users/me", undefined, from(address))).status).to.equal(200);
      expectRateLimited(await api.request("GET", "/api/v1/users/me", undefined, from(address)), 120);
      // From another address too: the limit is the user's.
      expectRateLimited(await api.request("GET", "/api/v1/users/me", undefined, from(freshAddress())), 120);
      const other = await register(freshAddress());
      expect((await other.api.request("GET", "/api/v1/users/me", undefined, from(address))).status).to.equal(
        200,
      );
    });

    it("counts every request of an address, bad credentials too, towards its ceiling", async () => {
      const address = freshAddress();
      const stranger = new ApiClient(env.stack.baseUrl, "not-a-token");
      for (let i = 0; i < 20; i++)
        expect((await stranger.request("GET", "/api/v1/users/me", undefined, from(address))).status).to.equal(
          401,
        );
      expectRateLimited(await stranger.request("GET", "/api/v1/users/me", undefined, from(address)), 120);
      expect(
        (await stranger.request("GET", "/api/v1/users/me", undefined, from(freshAddress()))).status,
      ).to.equal(401);
    });

    it("limits requests without a token per address", async () => {
      const address = freshAddress();
      const anonymous = new ApiClient(env.stack.baseUrl);
      const refresh = () =>
        anonymous.request("POST", "/api/v1/auth/refresh", { refreshToken: "nope" }, from(address));
      for (let i = 0; i < 8; i++) expect((await refresh()).status).to.equal(401);
      expectRateLimited(await refresh(), 120);
    });

    it("limits registrations per address", async () => {
      const address = freshAddress();
      for (let i = 0; i < 3; i++) await register(address);
      const refused = await new ApiClient(env.stack.baseUrl).request(
        "POST",
        "/api/v1/auth/register",
        { email: `rl-${randomUUID()}@example.com`, password: "long enough password" },
        from(address),
      );
      expectRateLimited(refused, 2 * 3600);
      await register(freshAddress());
    });

    it("blocks one account from one address after its failures, not from elsewhere", async () => {
      const { email, password } = await register(freshAddress());
      const guesser = freshAddress();
      for (let i = 0; i < 3; i++)
        expect((await login(email, "wrong password", guesser)).status).to.equal(401);
      // Blocked before the password is even checked: the right one is refused as well.
      expectRateLimited(await login(email, password, guesser), 15 * 60);
      expect((await login(email, password, freshAddress())).status).to.equal(200);
    });

    it("slows an account guessed from many addresses without locking its owner out", async () => {
      const { email, password } = await register(freshAddress());
      const home = freshAddress();
      expect((await login(email, password, home)).status).to.equal(200);
      for (let i = 0; i < 4; i++)
        expect((await login(email, "wrong password", freshAddress())).status).to.equal(401);
      // Slowed: one attempt per LOGIN_SLOWDOWN_SECONDS from a new place; the next one waits.
      expect((await login(email, "wrong password", freshAddress())).status).to.equal(401);
      const newPlace = freshAddress();
      expectRateLimited(await login(email, password, newPlace), 2);
      // The owner, from where they logged in before, is not slowed.
      expect((await login(email, password, home)).status).to.equal(200);
      // And from the new place, after the wait it was told.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect((await login(email, password, newPlace)).status).to.equal(200);
    });

    it("blocks an address that fails to log in to many accounts", async () => {
      const { email, password } = await register(freshAddress());
      const guesser = freshAddress();
      for (let i = 0; i < 6; i++)
        expect((await login(`nobody-${randomUUID()}@example.com`, "guess", guesser)).status).to.equal(401);
      expectRateLimited(await login(email, password, guesser), 3600);
      expect((await login(email, password, freshAddress())).status).to.equal(200);
    });
  });
}
