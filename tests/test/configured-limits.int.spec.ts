import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { inProcessSessionRevocations, signAccessToken } from "@second-brain/auth";
import { DEFAULT_LIMITS, type ErrorBody } from "@second-brain/contracts";
import { createPostgresEventStore, migrateEventStore, type EventStore } from "@second-brain/event-store";
import { memoryService } from "@second-brain/memory-service";
import {
  brokerOptions,
  createSqlKeyring,
  keyringMigrations,
  loadConfig,
  runMigrations,
} from "@second-brain/platform";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { gatewayPort, gatewayService } from "@second-brain/gateway";

const JWT_SECRET = randomBytes(32).toString("base64url");
const MAX_CONTENT_CHARS = DEFAULT_LIMITS.maxContentChars + 5_000;
const MAX_TAGS = DEFAULT_LIMITS.maxTags + 6;

/**
 * A deployment that raises its limits: the gateway, the broker's validator and the memory domain
 * all hold requests to the configured numbers, and /openapi.json states them.
 */
describe("the gateway with configured limits", function () {
  let db: TestDatabase;
  let store: EventStore;
  let broker: ServiceBroker;
  let base: string;
  let token: string;

  before(async () => {
    db = await createTestDatabase();
    await runMigrations(db.pool, "keyring", keyringMigrations);
    await migrateEventStore(db.pool);
    store = createPostgresEventStore(db.pool);
    const keyring = createSqlKeyring(db.pool, randomBytes(32));
    const config = {
      ...loadConfig({
        SB_MODE: "embedded",
        MAX_CONTENT_CHARS: String(MAX_CONTENT_CHARS),
        MAX_TAGS: String(MAX_TAGS),
      }),
      port: 0,
      logLevel: "error",
    };
    broker = new ServiceBroker({
      ...brokerOptions(config, `limits-${randomUUID()}`),
      logger: false,
      namespace: `limits-${randomUUID()}`,
    });
    broker.createService(memoryService({ store, keyring, limits: config.limits }));
    // A set that holds every revocation (none): the token below names a session nobody revoked.
    const revocations = inProcessSessionRevocations();
    await revocations.markComplete();
    broker.createService(gatewayService({ config, jwtSecret: JWT_SECRET, revocations }));
    await broker.start();
    base = `http://127.0.0.1:${gatewayPort(broker)}`;
    const userId = randomUUID();
    await keyring.ensureKey(userId);
    token = await signAccessToken(
      { userId, role: "user", sessionId: randomUUID() },
      JWT_SECRET,
      900,
      Date.now(),
    );
  });

  after(async () => {
    await broker?.stop();
    await store?.close();
    await db?.drop();
  });

  const create = (body: object) =>
    fetch(`${base}/api/v1/memories`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  it("accepts content and tags above the defaults, up to the configured limits", async () => {
    const content = "x".repeat(MAX_CONTENT_CHARS);
    const tags = Array.from({ length: MAX_TAGS }, (_, index) => `tag-${index}`);
    const response = await create({ content, tags });
    expect(response.status, await response.clone().text()).to.equal(201);
    const memory = (await response.json()) as { content: string; tags: string[] };
    expect(memory.content).to.have.length(MAX_CONTENT_CHARS);
    expect(memory.tags).to.have.length(MAX_TAGS);
  });

  it("refuses content over the configured limit, naming the field and the limit", async () => {
    const response = await create({ content: "x".repeat(MAX_CONTENT_CHARS + 1) });
    expect(response.status).to.equal(400);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.details).to.deep.equal([
      {
        field: "content",
        message: `must be at most ${MAX_CONTENT_CHARS} characters; sent ${MAX_CONTENT_CHARS + 1}`,
      },
    ]);
  });

  it("states the configured limits in /openapi.json", async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    };
    const { content, tags } = document.components.schemas.CreateMemoryRequest!.properties;
    expect(content).to.include({ maxLength: MAX_CONTENT_CHARS });
    expect(tags).to.include({ maxItems: MAX_TAGS });
    expect(document.components.schemas.AddMessageRequest!.properties.content).to.include({
      maxLength: MAX_CONTENT_CHARS,
    });
  });
});
