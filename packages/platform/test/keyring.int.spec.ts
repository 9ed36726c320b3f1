import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { createTestDatabase, type TestDatabase } from "../../testing/src/database.ts";
import type { SqlPool } from "../src/sql.ts";
import { openEmbeddedDatabase } from "../src/pglite.ts";
import { runMigrations } from "../src/migrations.ts";
import { createSqlKeyring, keyringMigrations, parseMasterKey } from "../src/keyring.ts";
import { decryptValue, encryptValue } from "../src/cipher.ts";

function keyringBehaviour(open: () => Promise<{ pool: SqlPool; close: () => Promise<void> }>) {
  let pool: SqlPool;
  let close: () => Promise<void>;
  const masterKey = randomBytes(32);

  before(async () => {
    ({ pool, close } = await open());
    await runMigrations(pool, "keyring", keyringMigrations);
  });
  after(() => close());

  it("creates one key per user, idempotently, even under concurrency", async () => {
    const keyring = createSqlKeyring(pool, masterKey);
    const others = [createSqlKeyring(pool, masterKey), createSqlKeyring(pool, masterKey)];
    await Promise.all([keyring, ...others, keyring].map((k) => k.ensureKey("alice")));
    const key = await keyring.getKey("alice");
    expect(key).to.have.length(32);
    for (const other of others) expect((await other.getKey("alice"))!.equals(key!)).to.equal(true);
    await keyring.ensureKey("alice");
    expect((await createSqlKeyring(pool, masterKey).getKey("alice"))!.equals(key!)).to.equal(true);
    const rows = await pool.query("SELECT wrapped_key FROM data_keys WHERE user_id = 'alice'");
    expect(rows.rows).to.have.length(1);
    expect(String(rows.rows[0]!.wrapped_key)).not.to.contain(key!.toString("base64"));
  });

  it("gives different users different keys and none to unknown users", async () => {
    const keyring = createSqlKeyring(pool, masterKey);
    await keyring.ensureKey("bob");
    await keyring.ensureKey("carol");
    expect((await keyring.getKey("bob"))!.equals((await keyring.getKey("carol"))!)).to.equal(false);
    expect(await keyring.getKey("nobody")).to.equal(undefined);
  });

  it("cannot unwrap with another master key or on another user's row", async () => {
    const keyring = createSqlKeyring(pool, masterKey);
    await keyring.ensureKey("dave");
    let failed = false;
    await createSqlKeyring(pool, randomBytes(32))
      .getKey("dave")
      .catch(() => (failed = true));
    expect(failed).to.equal(true);
    await keyring.ensureKey("eve");
    await pool.query(
      "UPDATE data_keys SET wrapped_key = (SELECT wrapped_key FROM data_keys WHERE user_id = 'dave') WHERE user_id = 'eve'",
    );
    failed = false;
    await createSqlKeyring(pool, masterKey)
      .getKey("eve")
      .catch(() => (failed = true));
    expect(failed).to.equal(true);
  });

  it("destroys a key for good (crypto-shredding), also for other processes after the cache window", async () => {
    let now = 0;
    const here = createSqlKeyring(pool, masterKey);
    const elsewhere = createSqlKeyring(pool, masterKey, { now: () => now });
    await here.ensureKey("frank");
    const sealed = encryptValue((await here.getKey("frank"))!, "frank's diary", "diary");
    expect(await elsewhere.getKey("frank")).to.not.equal(undefined);

    await here.destroyKey("frank");
    expect(await here.getKey("frank")).to.equal(undefined);
    now += 5_001;
    expect(await elsewhere.getKey("frank")).to.equal(undefined);

    // A new key after erasure does not open old content.
    await here.ensureKey("frank");
    const newKey = (await here.getKey("frank"))!;
    expect(() => decryptValue(newKey, sealed, "diary")).to.throw(/cannot be decrypted/);
  });
}

describe("SQL keyring on PostgreSQL", () => {
  keyringBehaviour(async () => {
    const database: TestDatabase = await createTestDatabase("sb_platform_keys");
    return { pool: database.pool, close: () => database.drop() };
  });
});

describe("SQL keyring on PGlite", () => {
  keyringBehaviour(async () => {
    const pool = await openEmbeddedDatabase(undefined);
    return { pool, close: () => pool.end() };
  });
});

describe("parseMasterKey", () => {
  it("accepts 32 bytes of base64 and rejects anything else", () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString("base64")).equals(key)).to.equal(true);
    expect(() => parseMasterKey(randomBytes(16).toString("base64"))).to.throw(/32 bytes/);
    expect(() => parseMasterKey("not base64!")).to.throw(/base64/);
  });
});
