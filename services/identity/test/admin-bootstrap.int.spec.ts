import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { ServiceBroker } from "moleculer";
import { verifyAccessToken } from "@second-brain/auth";
import type { Caller, TokenPair } from "@second-brain/contracts";
import { errorFromMoleculer } from "@second-brain/platform";
import type { TestDatabase } from "@second-brain/testing";
import {
  startIdentityFixture,
  stopIdentityFixture,
  type IdentityFixture,
} from "./support/identity-fixture.ts";
import { issueBootstrapTokenIfNoAdmin } from "../src/application/admin-bootstrap.ts";
import { grantAdmin } from "../src/application/grant-admin.ts";

// The first admin is made by an operator's one-time token, never by claiming an email.
describe("admin bootstrap token", function () {
  let fixture: IdentityFixture;
  let db: TestDatabase;
  let broker: ServiceBroker;
  let JWT_SECRET: string;

  before(async () => {
    fixture = await startIdentityFixture();
    ({ db, broker, jwtSecret: JWT_SECRET } = fixture);
  });

  after(() => stopIdentityFixture(fixture));

  async function signedIn(): Promise<Caller> {
    const email = `u-${randomUUID()}@example.com`;
    await broker.call("identity.register", { email, password: "long enough password" });
    const pair = (await broker.call("identity.login", {
      email,
      password: "long enough password",
    })) as TokenPair;
    return verifyAccessToken(pair.accessToken, JWT_SECRET, Date.now());
  }

  const redeem = (caller: Caller, token: string) =>
    broker.call("identity.bootstrapAdmin", { token }, { meta: { caller } }) as Promise<{
      user: { role: string };
      accessToken: string;
    }>;

  async function refused(call: Promise<unknown>): Promise<number> {
    try {
      await call;
    } catch (error) {
      return errorFromMoleculer(error).status;
    }
    throw new Error("expected a refusal");
  }

  it("is stored hashed, works once, and is useless once an admin exists", async () => {
    // What the start logged cannot be read back here: a start makes a new token, as a restart would.
    const token = (await issueBootstrapTokenIfNoAdmin({ pool: db.pool, now: Date.now }))!;
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await db.pool.query<{ token_hash: string }>(
      "SELECT token_hash FROM admin_bootstrap_token",
    );
    expect(rows).to.have.length(1);
    expect(rows[0]!.token_hash).to.not.include(token);

    const first = await signedIn();
    const second = await signedIn();
    expect(await refused(redeem(first, "a wrong token"))).to.equal(403);
    const granted = await redeem(first, token);
    expect(granted.user.role).to.equal("admin");
    expect(await verifyAccessToken(granted.accessToken, JWT_SECRET, Date.now())).to.deep.equal({
      ...first,
      role: "admin",
    });
    expect(await refused(redeem(second, token))).to.equal(403);
    // An admin exists: no new token is made at the next start.
    expect(await issueBootstrapTokenIfNoAdmin({ pool: db.pool, now: Date.now })).to.equal(undefined);
    expect((await db.pool.query("SELECT 1 FROM admin_bootstrap_token")).rows).to.have.length(0);
  });

  it("lets an operator on the server grant the role by email, which also ends the bootstrap token", async () => {
    await issueBootstrapTokenIfNoAdmin({ pool: db.pool, now: Date.now });
    await db.pool.query("UPDATE users SET role = 'user'");
    expect(await issueBootstrapTokenIfNoAdmin({ pool: db.pool, now: Date.now })).to.be.a("string");
    const email = `ops-${randomUUID()}@example.com`;
    await broker.call("identity.register", { email, password: "long enough password" });
    expect(await grantAdmin(db.pool, `nobody-${randomUUID()}@example.com`)).to.equal(undefined);
    const granted = await grantAdmin(db.pool, ` ${email.toUpperCase()} `);
    expect(granted?.userId).to.be.a("string");
    const { rows } = await db.pool.query<{ role: string }>("SELECT role FROM users WHERE email = $1", [
      email,
    ]);
    expect(rows[0]!.role).to.equal("admin");
    expect((await db.pool.query("SELECT 1 FROM admin_bootstrap_token")).rows).to.have.length(0);
    // The next login carries the role.
    const pair = (await broker.call("identity.login", {
      email,
      password: "long enough password",
    })) as TokenPair;
    expect((await verifyAccessToken(pair.accessToken, JWT_SECRET, Date.now())).role).to.equal("admin");
  });
});
