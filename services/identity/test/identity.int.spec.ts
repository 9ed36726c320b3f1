import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { ServiceBroker } from "moleculer";
import {
  hashPassword,
  inProcessSessionRevocations,
  verifyAccessToken,
  type SessionRevocations,
} from "@second-brain/auth";
import type { TokenPair, User } from "@second-brain/contracts";
import type { Keyring } from "@second-brain/platform";
import type { TestDatabase } from "@second-brain/testing";
import {
  expectError,
  startIdentityFixture,
  stopIdentityFixture,
  type IdentityFixture,
} from "./support/identity-fixture.ts";

const REGISTRATION_ANSWER = {
  status: "accepted",
  message: "If this email can be used, its account is ready: sign in with your email and password.",
};

describe("identity service", function () {
  let fixture: IdentityFixture;
  let db: TestDatabase;
  let broker: ServiceBroker;
  let keyring: Keyring;
  let revocations: SessionRevocations;
  let JWT_SECRET: string;
  let clock = Date.UTC(2026, 0, 1);

  before(async () => {
    fixture = await startIdentityFixture(() => clock);
    ({ db, broker, keyring, revocations, jwtSecret: JWT_SECRET } = fixture);
  });

  after(() => stopIdentityFixture(fixture));

  /** Registers and signs in: the registration's own answer carries no tokens. */
  const register = async (email: string, password = "long enough password", name?: string) => {
    const accepted = await broker.call("identity.register", {
      email,
      password,
      ...(name === undefined ? {} : { name }),
    });
    expect(accepted).to.deep.equal(REGISTRATION_ANSWER);
    const pair = (await broker.call("identity.login", { email, password })) as TokenPair;
    const caller = await verifyAccessToken(pair.accessToken, JWT_SECRET, clock);
    const user = (await broker.call("identity.me", {}, { meta: { caller } })) as User;
    return { ...pair, user, caller };
  };

  it("registers a user with a normalised email, a data key and working tokens", async () => {
    const result = await register("  Ada@Example.COM ", "correct horse battery", "Ada");
    expect(result.user).to.include({ email: "ada@example.com", name: "Ada", role: "user" });
    expect(await verifyAccessToken(result.accessToken, JWT_SECRET, clock)).to.deep.equal({
      userId: result.user.id,
      role: "user",
      sessionId: result.caller.sessionId,
    });
    expect(result.refreshToken).to.be.a("string").with.length.above(30);
    expect(await keyring.getKey(result.user.id)).to.be.instanceOf(Buffer);
    const stored = await db.pool.query<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE id = $1",
      [result.user.id],
    );
    expect(stored.rows[0]!.password_hash)
      .to.match(/^scrypt\$/)
      .and.not.include("correct horse");
  });

  it("makes no second account for the same email, whatever its case, and answers as for a new one", async () => {
    const { user } = await register("grace@example.com");
    const again = await broker.call("identity.register", {
      email: "GRACE@example.com ",
      password: "another password",
    });
    expect(again).to.deep.equal(REGISTRATION_ANSWER);
    await expectError(
      broker.call("identity.login", { email: "grace@example.com", password: "another password" }),
      401,
      "UNAUTHENTICATED",
    );
    // The attempt made and removed a data key of its own; the account's key is untouched.
    expect(await keyring.getKey(user.id)).to.be.instanceOf(Buffer);
    const count = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE email = $1", [
      "grace@example.com",
    ]);
    expect(count.rows[0]!.n).to.equal("1");
  });

  it("validates params strictly", async () => {
    await expectError(register("not-an-email"), 400, "VALIDATION_FAILED");
    await expectError(register("short@example.com", "1234567"), 400, "VALIDATION_FAILED");
    await expectError(register("long@example.com", "x".repeat(1025)), 400, "VALIDATION_FAILED");
    const extra = broker.call("identity.register", {
      email: "e@example.com",
      password: "long enough",
      role: "admin",
    });
    const body = await expectError(extra, 400, "VALIDATION_FAILED");
    expect(JSON.stringify(body.details)).to.include("role");
  });

  it("logs in with the right password only, with one message for a wrong email or password", async () => {
    const { user } = await register("linus@example.com", "kernel hacker 1991");
    const pair = (await broker.call("identity.login", {
      email: "LINUS@example.com",
      password: "kernel hacker 1991",
    })) as TokenPair;
    expect(pair.expiresIn).to.equal(900);
    expect((await verifyAccessToken(pair.accessToken, JWT_SECRET, clock)).userId).to.equal(user.id);

    const wrongPassword = await expectError(
      broker.call("identity.login", { email: "linus@example.com", password: "kernel hacker 1992" }),
      401,
      "UNAUTHENTICATED",
    );
    const unknownEmail = await expectError(
      broker.call("identity.login", { email: "nobody@example.com", password: "kernel hacker 1991" }),
      401,
      "UNAUTHENTICATED",
    );
    expect(unknownEmail.message).to.equal(wrongPassword.message);
  });

  it("rotates refresh tokens: the old one stops working, and reusing it ends its session, not the others", async () => {
    const first = await register("margaret@example.com");
    const elsewhere = (await broker.call("identity.login", {
      email: "margaret@example.com",
      password: "long enough password",
    })) as TokenPair;
    const second = (await broker.call("identity.refresh", { refreshToken: first.refreshToken })) as TokenPair;
    expect(second.refreshToken).not.to.equal(first.refreshToken);
    const refreshed = await verifyAccessToken(second.accessToken, JWT_SECRET, clock);
    expect(refreshed).to.deep.equal(first.caller);

    await expectError(
      broker.call("identity.refresh", { refreshToken: first.refreshToken }),
      401,
      "UNAUTHENTICATED",
    );
    // The reuse revoked the whole family, including the token issued by the legitimate rotation.
    await expectError(
      broker.call("identity.refresh", { refreshToken: second.refreshToken }),
      401,
      "UNAUTHENTICATED",
    );
    await expectError(broker.call("identity.refresh", { refreshToken: "made-up" }), 401, "UNAUTHENTICATED");
    // The session is in the revocation set, so its access tokens stop too; another session goes on.
    expect(await revocations.lookup(first.caller.sessionId!)).to.equal("revoked");
    const other = await verifyAccessToken(elsewhere.accessToken, JWT_SECRET, clock);
    expect(await revocations.lookup(other.sessionId!)).to.equal("live");
    await broker.call("identity.refresh", { refreshToken: elsewhere.refreshToken });
  });

  it("refuses an expired refresh token", async () => {
    const { refreshToken } = await register("barbara@example.com");
    clock += 3601_000;
    await expectError(broker.call("identity.refresh", { refreshToken }), 401, "UNAUTHENTICATED");
  });

  it("answers a retried registration as its first attempt did, and keeps the user's data key", async () => {
    const commandId = randomUUID();
    const registerAs = (email: string, password: string, id = commandId) =>
      broker.call("identity.register", { email, password }, { meta: { commandId: id } });
    expect(await registerAs("hedy@example.com", "frequency hopping")).to.deep.equal(REGISTRATION_ANSWER);
    const { rows: users } = await db.pool.query<{ id: string }>(
      "SELECT id FROM users WHERE email = 'hedy@example.com'",
    );
    const key = await keyring.getKey(users[0]!.id);
    // Delivered again (its reply was lost), or with another password: the same answer, nothing shredded.
    expect(await registerAs("hedy@example.com", "frequency hopping")).to.deep.equal(REGISTRATION_ANSWER);
    expect(await registerAs("hedy@example.com", "a guessed password")).to.deep.equal(REGISTRATION_ANSWER);
    // Another email under the same command id (strangers sharing a key) is another account.
    await registerAs("grete@example.com", "another password");
    await broker.call("identity.login", { email: "grete@example.com", password: "another password" });
    expect(await keyring.getKey(users[0]!.id)).to.deep.equal(key);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE email = 'hedy@example.com'",
    );
    expect(rows[0]!.n).to.equal(1);
  });

  it("erases a user once, however often the erasure is delivered", async () => {
    const { user, caller } = await register("ada-erased@example.com");
    const meta = { caller };
    await broker.call("identity.erase", { password: "long enough password" }, { meta });
    await broker.call("identity.erase", { password: "long enough password" }, { meta });
    const { rows } = await db.pool.query<{ type: string }>(
      "SELECT type FROM event_store.events WHERE stream_id = $1",
      [`user-${user.id}`],
    );
    expect(rows.map((row) => row.type)).to.deep.equal(["UserErased"]);
  });

  it("answers me for the caller in ctx.meta, and 401 without one", async () => {
    const { user, caller } = await register("ken@example.com", "long enough password", "Ken");
    const found = await broker.call("identity.me", {}, { meta: { caller } });
    expect(found).to.deep.equal(user);
    await expectError(broker.call("identity.me", {}), 401, "UNAUTHENTICATED");
  });

  it("logs a session out: its refresh token and (in the set) its access tokens stop at once", async () => {
    const { refreshToken, caller } = await register("alan@example.com");
    const other = await register("alan-2@example.com");
    await broker.call("identity.logout", {}, { meta: { caller } });
    expect(await revocations.lookup(caller.sessionId!)).to.equal("revoked");
    expect(await broker.call("identity.sessionStatus", { sessionId: caller.sessionId })).to.deep.equal({
      live: false,
    });
    await expectError(broker.call("identity.refresh", { refreshToken }), 401, "UNAUTHENTICATED");
    expect(await revocations.lookup(other.caller.sessionId!)).to.equal("live");
    // Logging out again (a retry) is no error.
    await broker.call("identity.logout", {}, { meta: { caller } });
  });

  it("changes the password given the current one and signs out every other session", async () => {
    const mine = await register("joan@example.com", "first password 1");
    const theirs = (await broker.call("identity.login", {
      email: "joan@example.com",
      password: "first password 1",
    })) as TokenPair;
    const theirCaller = await verifyAccessToken(theirs.accessToken, JWT_SECRET, clock);
    const change = (currentPassword: string) =>
      broker.call(
        "identity.changePassword",
        { currentPassword, newPassword: "second password 2" },
        { meta: { caller: mine.caller } },
      );
    await expectError(change("not the password"), 403, "FORBIDDEN");
    expect(await revocations.lookup(theirCaller.sessionId!)).to.equal("live");
    await change("first password 1");
    expect(await revocations.lookup(theirCaller.sessionId!)).to.equal("revoked");
    expect(await revocations.lookup(mine.caller.sessionId!)).to.equal("live");
    await broker.call("identity.refresh", { refreshToken: mine.refreshToken });
    await expectError(
      broker.call("identity.refresh", { refreshToken: theirs.refreshToken }),
      401,
      "UNAUTHENTICATED",
    );
    await expectError(
      broker.call("identity.login", { email: "joan@example.com", password: "first password 1" }),
      401,
      "UNAUTHENTICATED",
    );
    await broker.call("identity.login", { email: "joan@example.com", password: "second password 2" });
  });

  it("erases only with the right password, and ends every session of the user", async () => {
    const { user, caller, refreshToken } = await register("rosalind@example.com");
    await expectError(
      broker.call("identity.erase", { password: "wrong" }, { meta: { caller } }),
      403,
      "FORBIDDEN",
    );
    await expectError(broker.call("identity.erase", {}, { meta: { caller } }), 400, "VALIDATION_FAILED");
    expect(await keyring.getKey(user.id)).to.be.instanceOf(Buffer);
    await broker.call("identity.erase", { password: "long enough password" }, { meta: { caller } });
    expect(await revocations.lookup(caller.sessionId!)).to.equal("revoked");
    await expectError(broker.call("identity.refresh", { refreshToken }), 401, "UNAUTHENTICATED");
  });

  it("re-hashes a password stored with older parameters at the next login", async () => {
    const { user } = await register("dorothy@example.com", "old hash password");
    const old = await hashPassword("old hash password", { N: 2048, r: 8, p: 1 });
    await db.pool.query("UPDATE users SET password_hash = $2 WHERE id = $1", [user.id, old]);
    await broker.call("identity.login", { email: "dorothy@example.com", password: "old hash password" });
    const { rows } = await db.pool.query<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE id = $1",
      [user.id],
    );
    expect(rows[0]!.password_hash).to.match(/^scrypt\$1024\$8\$1\$/);
    await broker.call("identity.login", { email: "dorothy@example.com", password: "old hash password" });
  });

  it("fills the revocation set from the session table at start", async () => {
    // The set the service started with was marked complete once the table had been read.
    expect(await revocations.lookup(randomUUID())).to.equal("live");
    const fresh = inProcessSessionRevocations(() => clock);
    expect(await fresh.lookup(randomUUID())).to.equal("unknown");
  });
});
