import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { ApiClient } from "../src/api-client.ts";
import { bootstrapTokenIn, registerAdmin } from "../src/admin-client.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

// Identity that holds up to an attacker, over HTTP, in both run modes: a revoked session's tokens
// stop at once (the very next request), a password change signs out the other sessions, a copied
// refresh token ends its session, erasure needs the password, the first admin is made once by an
// operator's token, and registration does not tell which emails have accounts.
for (const mode of RUN_MODES) {
  describe(`sign-in sessions and roles (${mode})`, function () {
    this.timeout(180_000);
    const env = useStack(mode);

    /** A user with two sessions, as on two devices. */
    async function userOnTwoDevices() {
      const laptop = new ApiClient(env.stack.baseUrl);
      const account = await laptop.registerUser();
      const phone = new ApiClient(env.stack.baseUrl);
      const phoneTokens = await phone.login(account.email, account.password);
      return { account, laptop, phone, phoneRefresh: phoneTokens.refreshToken };
    }

    const works = async (client: ApiClient) => (await client.request("GET", "/api/v1/users/me")).status;
    const refresh = (refreshToken: string) =>
      new ApiClient(env.stack.baseUrl).request("POST", "/api/v1/auth/refresh", { refreshToken });

    it("logout ends this session's access and refresh tokens at once, and only this session's", async () => {
      const { account, laptop, phone, phoneRefresh } = await userOnTwoDevices();
      expect(await works(laptop)).to.equal(200);
      const out = await laptop.request("POST", "/api/v1/auth/logout");
      expect(out.status, JSON.stringify(out.body)).to.equal(204);
      // The very next request: no waiting for an expiry or a propagation.
      const refused = await laptop.request("GET", "/api/v1/users/me");
      expect(refused.status).to.equal(401);
      expect(refused.body.error.code).to.equal("UNAUTHENTICATED");
      expect((await laptop.request("POST", "/api/v1/memories", { content: "x" })).status).to.equal(401);
      expect((await refresh(account.refreshToken)).status).to.equal(401);
      // The other device is still signed in.
      expect(await works(phone)).to.equal(200);
      const renewed = await refresh(phoneRefresh);
      expect(renewed.status).to.equal(200);
      expect(renewed.headers.get("cache-control")).to.equal("no-store");
    });

    it("a password change signs out every other session; the caller's stays", async () => {
      const { account, laptop, phone, phoneRefresh } = await userOnTwoDevices();
      const wrong = await laptop.request("POST", "/api/v1/auth/password", {
        currentPassword: "not the password",
        newPassword: "a brand new password",
      });
      expect(wrong.status).to.equal(403);
      expect(await works(phone)).to.equal(200);

      const changed = await laptop.request("POST", "/api/v1/auth/password", {
        currentPassword: account.password,
        newPassword: "a brand new password",
      });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(204);
      expect(await works(phone)).to.equal(401);
      expect((await refresh(phoneRefresh)).status).to.equal(401);
      expect(await works(laptop)).to.equal(200);
      expect((await refresh(account.refreshToken)).status).to.equal(200);
      const login = (password: string) =>
        new ApiClient(env.stack.baseUrl).request("POST", "/api/v1/auth/login", {
          email: account.email,
          password,
        });
      expect((await login(account.password)).status).to.equal(401);
      expect((await login("a brand new password")).status).to.equal(200);
    });

    it("a refresh token presented again after its rotation ends the whole session", async () => {
      const { account, laptop, phone } = await userOnTwoDevices();
      const rotated = await refresh(account.refreshToken);
      expect(rotated.status).to.equal(200);
      const current = new ApiClient(env.stack.baseUrl, rotated.body.accessToken);
      expect(await works(current)).to.equal(200);
      // The old token again: someone copied it. Both the copy and the rightful holder are out.
      expect((await refresh(account.refreshToken)).status).to.equal(401);
      expect(await works(current)).to.equal(401);
      expect(await works(laptop)).to.equal(401);
      expect((await refresh(rotated.body.refreshToken)).status).to.equal(401);
      // Another session of the user is not the copied one.
      expect(await works(phone)).to.equal(200);
    });

    it("erasure needs the password, changes nothing without it, and ends every session", async () => {
      const { account, laptop, phone } = await userOnTwoDevices();
      const memory = await laptop.request("POST", "/api/v1/memories", { content: "mine" });
      expect(memory.status).to.equal(201);
      for (const body of [undefined, {}, { password: "" }, { password: "not the password" }]) {
        const refused = await laptop.request("DELETE", "/api/v1/users/me", body);
        expect(refused.status, JSON.stringify(body)).to.be.oneOf([400, 403]);
        expect(refused.body.error.code).to.be.oneOf(["VALIDATION_FAILED", "FORBIDDEN"]);
      }
      expect((await laptop.request("GET", `/api/v1/memories/${memory.body.id}`)).status).to.equal(200);

      const erased = await laptop.request("DELETE", "/api/v1/users/me", { password: account.password });
      expect(erased.status, JSON.stringify(erased.body)).to.equal(202);
      expect(await works(laptop)).to.equal(401);
      expect(await works(phone)).to.equal(401);
    });

    it("makes the first admin once, with the token the server logged, and never by claiming", async () => {
      const token = bootstrapTokenIn(env.stack.recentOutput());
      expect(token, "the start logged a bootstrap token").to.be.a("string");
      const user = env.api;
      expect((await user.request("GET", "/api/v1/admin/projections")).status).to.equal(403);
      const wrong = await user.request("POST", "/api/v1/auth/bootstrap-admin", { token: "guessed" });
      expect(wrong.status).to.equal(403);

      const admin = await registerAdmin(env.stack);
      expect((await admin.request("GET", "/api/v1/users/me")).body.role).to.equal("admin");
      expect((await admin.request("GET", "/api/v1/admin/projections")).status).to.equal(200);
      // Used: nobody else can redeem it, and the user it was tried with stays a user.
      const again = await user.request("POST", "/api/v1/auth/bootstrap-admin", { token });
      expect(again.status).to.equal(403);
      expect((await user.request("GET", "/api/v1/users/me")).body.role).to.equal("user");
      expect((await user.request("GET", "/api/v1/admin/projections")).status).to.equal(403);
    });

    it("answers a registration the same for a new and an existing email", async () => {
      const register = async (email: string) => {
        const started = performance.now();
        const res = await new ApiClient(env.stack.baseUrl).request("POST", "/api/v1/auth/register", {
          email,
          password: `pw-${randomUUID()}`,
        });
        return {
          status: res.status,
          body: res.body,
          cacheControl: res.headers.get("cache-control"),
          location: res.headers.get("location"),
          ms: performance.now() - started,
        };
      };
      const taken = `taken-${randomUUID()}@example.com`;
      await register(taken);
      const fresh: number[] = [];
      const existing: number[] = [];
      for (let round = 0; round < 7; round++) {
        const a = await register(`new-${randomUUID()}@example.com`);
        const b = await register(round % 2 ? taken : taken.toUpperCase());
        const { ms: msA, ...answerA } = a;
        const { ms: msB, ...answerB } = b;
        expect(answerB).to.deep.equal(answerA);
        expect(answerA.status).to.equal(202);
        fresh.push(msA);
        existing.push(msB);
      }
      // Both do the same work (a password hash, a data key made); the medians stay close.
      const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!;
      const ratio = median(existing) / median(fresh);
      expect(ratio, `existing ${median(existing)} ms, new ${median(fresh)} ms`).to.be.within(0.33, 3);
    });
  });
}
