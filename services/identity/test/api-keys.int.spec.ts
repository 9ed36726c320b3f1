import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { ServiceBroker } from "moleculer";
import { generateApiKey, verifyAccessToken } from "@second-brain/auth";
import type { ApiKeyGrant, Caller, TokenPair } from "@second-brain/contracts";
import type { TestDatabase } from "@second-brain/testing";
import { grantAdmin } from "../src/application/grant-admin.ts";
import {
  expectError,
  startIdentityFixture,
  stopIdentityFixture,
  type IdentityFixture,
} from "./support/identity-fixture.ts";

// The API key store behind the identity service's actions, on PostgreSQL: only a hash is kept,
// each owner sees and revokes only their keys, and a key stops working the moment it is revoked,
// expires, or its owner is erased.
describe("identity service: API keys", function () {
  let fixture: IdentityFixture;
  let db: TestDatabase;
  let broker: ServiceBroker;
  let JWT_SECRET: string;
  let clock = Date.UTC(2026, 11, 3, 12);
  const adminEmail = `root-${randomUUID()}@example.com`;

  before(async () => {
    fixture = await startIdentityFixture(() => clock);
    ({ db, broker, jwtSecret: JWT_SECRET } = fixture);
  });

  after(() => stopIdentityFixture(fixture));

  async function newCaller(email = `${randomUUID()}@example.com`): Promise<Caller> {
    await broker.call("identity.register", { email, password: "long enough password" });
    // An operator makes the admin on the server (services/identity/src/application/grant-admin.ts).
    if (email === adminEmail) await grantAdmin(db.pool, email);
    const pair = (await broker.call("identity.login", {
      email,
      password: "long enough password",
    })) as TokenPair;
    return verifyAccessToken(pair.accessToken, JWT_SECRET, clock);
  }
  const asCaller = (caller: Caller) => ({ meta: { caller, commandId: randomUUID() } });
  const create = (caller: Caller, params: Record<string, unknown>) =>
    broker.call("identity.createApiKey", params, asCaller(caller)) as Promise<Record<string, any>>;
  const list = async (caller: Caller) =>
    ((await broker.call("identity.listApiKeys", {}, asCaller(caller))) as { items: Record<string, any>[] })
      .items;
  const authenticate = (key: string) =>
    broker.call("identity.authenticateApiKey", { key }) as Promise<ApiKeyGrant>;
  const rowCount = async () =>
    Number((await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM api_keys")).rows[0]!.n);

  it("creates a key shown once, stores only its hash, and authenticates it for its owner", async () => {
    const caller = await newCaller();
    const created = await create(caller, { name: "  laptop CLI  " });
    expect(created).to.include({ name: "laptop CLI", expiresAt: null });
    expect(created.scopes).to.deep.equal(["read", "write"]);
    expect(created.key.startsWith(`${created.prefix}_`)).to.equal(true);

    const stored = await db.pool.query("SELECT * FROM api_keys WHERE id = $1", [created.id]);
    expect(JSON.stringify(stored.rows)).to.not.include(created.key.slice(created.prefix.length + 1));
    expect(await authenticate(created.key)).to.deep.equal({
      keyId: created.id,
      userId: caller.userId,
      role: "user",
      scopes: ["read", "write"],
    });
    const [listed] = await list(caller);
    expect(listed).to.deep.equal({
      id: created.id,
      name: "laptop CLI",
      scopes: ["read", "write"],
      prefix: created.prefix,
      createdAt: created.createdAt,
      expiresAt: null,
      lastUsedAt: new Date(clock).toISOString(),
    });
    expect(listed).to.not.have.property("key");
  });

  it("records a key's use at most once a minute", async () => {
    const caller = await newCaller();
    const { key } = await create(caller, { name: "busy" });
    const start = clock;
    await authenticate(key);
    clock += 30_000;
    await authenticate(key);
    expect((await list(caller))[0]!.lastUsedAt).to.equal(new Date(start).toISOString());
    clock += 30_000;
    await authenticate(key);
    expect((await list(caller))[0]!.lastUsedAt).to.equal(new Date(clock).toISOString());
  });

  it("refuses a wrong secret, an unknown key, an expired key and a revoked key with one 401", async () => {
    const caller = await newCaller();
    const expiring = await create(caller, {
      name: "short",
      expiresAt: new Date(clock + 60_000).toISOString(),
    });
    const revoked = await create(caller, { name: "gone" });
    const { key } = await create(caller, { name: "kept" });
    const wrongSecret = `${key.slice(0, -2)}${key.endsWith("AA") ? "BB" : "AA"}`;
    const messages = new Set<string>();
    for (const bad of [wrongSecret, generateApiKey().key, "not a key"])
      messages.add((await expectError(authenticate(bad), 401, "UNAUTHENTICATED")).message);

    await authenticate(expiring.key);
    clock += 60_000;
    messages.add((await expectError(authenticate(expiring.key), 401, "UNAUTHENTICATED")).message);

    await authenticate(revoked.key);
    await broker.call("identity.revokeApiKey", { id: revoked.id }, asCaller(caller));
    messages.add((await expectError(authenticate(revoked.key), 401, "UNAUTHENTICATED")).message);
    expect(messages.size).to.equal(1);
    expect((await list(caller)).map((listed) => listed.name)).to.have.members(["short", "kept"]);
  });

  it("shows and revokes only the caller's own keys: another user's key id is not found", async () => {
    const owner = await newCaller();
    const stranger = await newCaller();
    const created = await create(owner, { name: "mine" });
    expect(await list(stranger)).to.deep.equal([]);
    await expectError(
      broker.call("identity.revokeApiKey", { id: created.id }, asCaller(stranger)),
      404,
      "NOT_FOUND",
    );
    await authenticate(created.key);
    await broker.call("identity.revokeApiKey", { id: created.id }, asCaller(owner));
    await expectError(
      broker.call("identity.revokeApiKey", { id: created.id }, asCaller(owner)),
      404,
      "NOT_FOUND",
    );
  });

  it("grants the admin scope to admins only", async () => {
    const user = await newCaller();
    await expectError(create(user, { name: "ops", scopes: ["admin"] }), 403, "FORBIDDEN");
    const admin = await newCaller(adminEmail);
    const created = await create(admin, { name: "ops", scopes: ["admin", "read"] });
    expect(created.scopes).to.deep.equal(["read", "admin"]);
    expect((await authenticate(created.key)).role).to.equal("admin");
  });

  it("refuses bad input with a 400 naming the field, and stores nothing", async () => {
    const caller = await newCaller();
    const before = await rowCount();
    const bad: [Record<string, unknown>, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(101) }, "name"],
      [{ name: "two\nlines" }, "name"],
      [{ name: "tab\there" }, "name"],
      [{ name: "bell\u0007" }, "name"],
      [{ name: "k", scopes: [] }, "scopes"],
      [{ name: "k", scopes: ["root"] }, "scopes[0]"],
      [{ name: "k", scopes: ["read", "read"] }, "scopes"],
      [{ name: "k", expiresAt: "tomorrow" }, "expiresAt"],
      [{ name: "k", expiresAt: new Date(clock - 1000).toISOString() }, "expiresAt"],
      [{ name: "k", expiresAt: new Date(clock).toISOString() }, "expiresAt"],
      [{ name: "k", owner: "someone" }, "owner"],
    ];
    for (const [params, field] of bad) {
      const body = await expectError(create(caller, params), 400, "VALIDATION_FAILED");
      expect(
        (body.details as { field: string }[]).map((problem) => problem.field),
        JSON.stringify(params),
      ).to.include(field);
    }
    expect(await rowCount()).to.equal(before);
  });

  it("answers a retried creation (same command id) with a conflict, never a second key", async () => {
    const caller = await newCaller();
    const options = { meta: { caller, commandId: randomUUID() } };
    await broker.call("identity.createApiKey", { name: "once" }, options);
    await expectError(broker.call("identity.createApiKey", { name: "once" }, options), 409, "ALREADY_EXISTS");
    expect(await list(caller)).to.have.length(1);
  });

  it("drops an erased user's keys with the account", async () => {
    const caller = await newCaller();
    const { key } = await create(caller, { name: "doomed" });
    await broker.call("identity.erase", { password: "long enough password" }, asCaller(caller));
    await expectError(authenticate(key), 401, "UNAUTHENTICATED");
    const left = await db.pool.query("SELECT 1 FROM api_keys WHERE user_id = $1", [caller.userId]);
    expect(left.rows).to.deep.equal([]);
  });
});
