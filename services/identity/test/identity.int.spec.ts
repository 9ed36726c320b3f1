import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { verifyAccessToken } from "@second-brain/auth";
import type { TokenPair, User } from "@second-brain/contracts";
import {
  createSqlKeyring,
  errorFromMoleculer,
  keyringMigrations,
  runMigrations,
  type Keyring,
  SchemaValidator,
} from "@second-brain/platform";
import { createPostgresEventStore, migrateEventStore } from "@second-brain/event-store";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { identityService } from "../src/index.ts";

const JWT_SECRET = randomBytes(32).toString("base64url");

async function expectError(call: Promise<unknown>, status: number, code: string) {
  try {
    await call;
  } catch (error) {
    const body = errorFromMoleculer(error);
    expect({ status: body.status, code: body.code }).to.deep.equal({ status, code });
    return body;
  }
  throw new Error(`expected ${status} ${code}`);
}

describe("identity service", function () {
  let db: TestDatabase;
  let broker: ServiceBroker;
  let keyring: Keyring;
  let clock = Date.UTC(2026, 0, 1);

  before(async () => {
    db = await createTestDatabase();
    await runMigrations(db.pool, "keyring", keyringMigrations);
    await migrateEventStore(db.pool);
    keyring = createSqlKeyring(db.pool, randomBytes(32));
    broker = new ServiceBroker({
      logger: false,
      validator: new SchemaValidator(),
      namespace: `identity-${randomBytes(4).toString("hex")}`,
    });
    broker.createService(
      identityService({
        store: createPostgresEventStore(db.pool),
        pool: db.pool,
        keyring,
        jwtSecret: JWT_SECRET,
        accessTokenTtlSeconds: 900,
        refreshTokenTtlSeconds: 3600,
        now: () => clock,
      }),
    );
    await broker.start();
  });

  after(async () => {
    await broker?.stop();
    await db?.drop();
  });

  const register = (email: string, password = "long enough password", name?: string) =>
    broker.call("identity.register", { email, password, ...(name === undefined ? {} : { name }) }) as Promise<
      TokenPair & { user: User }
    >;

  it("registers a user with a normalised email, a data key and working tokens", async () => {
    const result = await register("  Ada@Example.COM ", "correct horse battery", "Ada");
    expect(result.user).to.include({ email: "ada@example.com", name: "Ada", role: "user" });
    expect(await verifyAccessToken(result.accessToken, JWT_SECRET, clock)).to.deep.equal({
      userId: result.user.id,
      role: "user",
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

  it("refuses a second account for the same email, whatever its case", async () => {
    await register("grace@example.com");
    await expectError(register("GRACE@example.com "), 409, "ALREADY_EXISTS");
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

  it("rotates refresh tokens: the old one stops working, and reusing it ends the session family", async () => {
    const first = await register("margaret@example.com");
    const second = (await broker.call("identity.refresh", { refreshToken: first.refreshToken })) as TokenPair;
    expect(second.refreshToken).not.to.equal(first.refreshToken);
    expect((await verifyAccessToken(second.accessToken, JWT_SECRET, clock)).userId).to.equal(first.user.id);

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
  });

  it("refuses an expired refresh token", async () => {
    const { refreshToken } = await register("barbara@example.com");
    clock += 3601_000;
    await expectError(broker.call("identity.refresh", { refreshToken }), 401, "UNAUTHENTICATED");
  });

  it("answers a retried registration as its first attempt did, and keeps the user's data key", async () => {
    const commandId = randomUUID();
    const registerAs = (email: string, password: string, id = commandId) =>
      broker.call("identity.register", { email, password }, { meta: { commandId: id } }) as Promise<
        TokenPair & { user: User }
      >;
    const first = await registerAs("hedy@example.com", "frequency hopping");
    const key = await keyring.getKey(first.user.id);
    // Delivered again (its reply was lost): the same user, fresh working tokens.
    const again = await registerAs("hedy@example.com", "frequency hopping");
    expect(again.user).to.deep.equal(first.user);
    expect(await verifyAccessToken(again.accessToken, JWT_SECRET, clock)).to.include({
      userId: first.user.id,
    });
    // The same command with another password is not the same registration: 409, and nothing shredded.
    await expectError(registerAs("hedy@example.com", "a guessed password"), 409, "ALREADY_EXISTS");
    // Another email under the same command id (strangers sharing a key) is another account.
    const other = await registerAs("grete@example.com", "another password");
    expect(other.user.id).to.not.equal(first.user.id);
    expect(await keyring.getKey(first.user.id)).to.deep.equal(key);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE email = 'hedy@example.com'",
    );
    expect(rows[0]!.n).to.equal(1);
  });

  it("erases a user once, however often the erasure is delivered", async () => {
    const { user } = await register("ada-erased@example.com");
    const meta = { caller: { userId: user.id, role: "user" } };
    await broker.call("identity.erase", {}, { meta });
    await broker.call("identity.erase", {}, { meta });
    const { rows } = await db.pool.query<{ type: string }>(
      "SELECT type FROM event_store.events WHERE stream_id = $1",
      [`user-${user.id}`],
    );
    expect(rows.map((row) => row.type)).to.deep.equal(["UserErased"]);
  });

  it("answers me for the caller in ctx.meta, and 401 without one", async () => {
    const { user } = await register("ken@example.com", "long enough password", "Ken");
    const found = await broker.call(
      "identity.me",
      {},
      { meta: { caller: { userId: user.id, role: "user" } } },
    );
    expect(found).to.deep.equal(user);
    await expectError(broker.call("identity.me", {}), 401, "UNAUTHENTICATED");
  });
});
