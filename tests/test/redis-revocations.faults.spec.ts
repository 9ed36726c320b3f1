import { expect } from "chai";
import { Redis } from "ioredis";
import { ApiClient, eventually } from "../src/api-client.ts";
import { useStackBehindRelay } from "../src/stack-behind-relay.ts";

const sessionIdOf = (accessToken: string): string =>
  JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()).sid;

// The distributed mode's revocation set lives in Redis. With Redis out of reach (every process
// reaches it through a relay that is cut and then passes nothing), each request's session check
// falls back to the identity service's session table: a revoked token stays refused, a live one is
// served, and once Redis answers again the set is refilled from the table.
describe("revoked sessions while Redis cannot be reached (distributed)", function () {
  this.timeout(180_000);
  const fixture = useStackBehindRelay((database) => ({
    port: 6379,
    stackOptions: (relayPort) => ({
      databaseUrl: database.url,
      env: { REDIS_URL: `redis://127.0.0.1:${relayPort}/0` },
    }),
  }));

  it("never accepts a revoked token for want of Redis, and refills the set when it is back", async () => {
    const laptop = new ApiClient(fixture.stack.baseUrl);
    const account = await laptop.registerUser();
    const phone = new ApiClient(fixture.stack.baseUrl);
    await phone.login(account.email, account.password);
    const tablet = new ApiClient(fixture.stack.baseUrl);
    await tablet.login(account.email, account.password);
    expect((await tablet.request("POST", "/api/v1/auth/logout")).status).to.equal(204);

    fixture.relay.stall({ cut: true });
    let loggedOutDuringOutage: number;
    try {
      // Revoked before the outage: refused; live: served (the session table answers).
      expect((await tablet.request("GET", "/api/v1/users/me")).status).to.equal(401);
      expect((await laptop.request("GET", "/api/v1/users/me")).status).to.equal(200);
      // A logout now is recorded in the table but cannot reach the set: 503, and refused anyway.
      loggedOutDuringOutage = (await phone.request("POST", "/api/v1/auth/logout")).status;
      expect(loggedOutDuringOutage).to.equal(503);
      expect((await phone.request("GET", "/api/v1/users/me")).status).to.equal(401);
    } finally {
      fixture.relay.resume();
    }

    // Back: the identity service refills the set from its table, the phone's session included.
    const redis = new Redis("redis://127.0.0.1:6379/0");
    try {
      await eventually(async () => {
        const keys = await redis.keys(`*revoked-session:${sessionIdOf(phone.token!)}`);
        return keys.length === 1 ? true : undefined;
      }, 30_000);
    } finally {
      redis.disconnect();
    }
    expect((await phone.request("GET", "/api/v1/users/me")).status).to.equal(401);
    expect((await tablet.request("GET", "/api/v1/users/me")).status).to.equal(401);
    expect((await laptop.request("GET", "/api/v1/users/me")).status).to.equal(200);
  });
});
