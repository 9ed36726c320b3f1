import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { inProcessSessionRevocations, type SessionRevocations } from "@second-brain/auth";
import { createPostgresEventStore, migrateEventStore } from "@second-brain/event-store";
import {
  createSqlKeyring,
  errorFromMoleculer,
  keyringMigrations,
  runMigrations,
  SchemaValidator,
  type Keyring,
} from "@second-brain/platform";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { identityService } from "../../src/index.ts";

export interface IdentityFixture {
  db: TestDatabase;
  broker: ServiceBroker;
  keyring: Keyring;
  revocations: SessionRevocations;
  jwtSecret: string;
}

/**
 * The identity service on a broker of its own, over a fresh PostgreSQL database, with explicitly
 * cheap password hashes (the production parameters cost a second per hash on a busy machine).
 * `now` is the service's clock; the revocation set runs on it too.
 */
export async function startIdentityFixture(now: () => number = Date.now): Promise<IdentityFixture> {
  const db = await createTestDatabase();
  await runMigrations(db.pool, "keyring", keyringMigrations);
  await migrateEventStore(db.pool);
  const keyring = createSqlKeyring(db.pool, randomBytes(32));
  const revocations = inProcessSessionRevocations(now);
  const jwtSecret = randomBytes(32).toString("base64url");
  const broker = new ServiceBroker({
    logger: false,
    validator: new SchemaValidator(),
    namespace: `identity-${randomBytes(4).toString("hex")}`,
  });
  broker.createService(
    identityService({
      store: createPostgresEventStore(db.pool),
      pool: db.pool,
      keyring,
      jwtSecret,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 3600,
      revocations,
      passwordParams: { N: 1024, r: 8, p: 1 },
      now,
    }),
  );
  await broker.start();
  return { db, broker, keyring, revocations, jwtSecret };
}

export async function stopIdentityFixture(fixture: IdentityFixture | undefined): Promise<void> {
  await fixture?.broker.stop();
  await fixture?.db.drop();
}

/** Expects the call to fail with this status and code; returns the error's body. */
export async function expectError(call: Promise<unknown>, status: number, code: string) {
  try {
    await call;
  } catch (error) {
    const body = errorFromMoleculer(error);
    expect({ status: body.status, code: body.code }).to.deep.equal({ status, code });
    return body;
  }
  throw new Error(`expected ${status} ${code}`);
}
