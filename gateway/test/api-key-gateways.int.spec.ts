import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { inProcessSessionRevocations } from "@second-brain/auth";
import { amqpTransporter, appErrorsMixin, loadConfig, SchemaValidator } from "@second-brain/platform";
import { openTestEventLog, type TestEventLog } from "@second-brain/testing";
import { identityServiceOnLog } from "@second-brain/testing/identity-service";
import { gatewayPort, gatewayService } from "../src/index.ts";

const JWT_SECRET = randomBytes(32).toString("base64url");

// Two gateways and the identity service on three brokers over the real RabbitMQ, as separate
// processes would be: a key revoked through one gateway is refused by the other on the very next
// request, because no gateway keeps a copy of what a key may do.
describe("API keys across gateways", function () {
  this.timeout(60_000);
  const config = { ...loadConfig({}), port: 0, logLevel: "error" };
  const namespace = `keys-${randomBytes(4).toString("hex")}`;
  let log: TestEventLog;
  const brokers: ServiceBroker[] = [];
  const bases: string[] = [];

  const newBroker = (nodeID: string) => {
    const broker = new ServiceBroker({
      nodeID,
      namespace,
      logger: false,
      validator: new SchemaValidator(),
      transporter: amqpTransporter({
        url: config.rabbitmqUrl,
        prefetch: 10,
        socketOptions: { noDelay: true },
        autoDeleteQueues: true,
      }),
    });
    brokers.push(broker);
    return broker;
  };

  // One process holds every broker here, so one in-process set of revoked sessions serves them all.
  const revocations = inProcessSessionRevocations();

  before(async () => {
    log = await openTestEventLog("sb_keys_gw");
    const services = newBroker(`services-${namespace}`);
    services.createService(identityServiceOnLog(log, JWT_SECRET, revocations));
    services.createService({
      name: "memory-views",
      mixins: [appErrorsMixin],
      actions: { list: () => ({ items: [], nextCursor: null }) },
    });
    for (const name of ["a", "b"]) {
      newBroker(`gateway-${name}-${namespace}`).createService(
        gatewayService({ config, jwtSecret: JWT_SECRET, revocations }),
      );
    }
    await Promise.all(brokers.map((broker) => broker.start()));
    for (const gateway of brokers.slice(1)) {
      await gateway.waitForServices(["identity", "memory-views"], 30_000);
      bases.push(`http://127.0.0.1:${gatewayPort(gateway)}`);
    }
  });

  after(async () => {
    await Promise.all(brokers.map((broker) => broker.stop()));
    await log?.close();
  });

  it("refuses a key on every gateway the moment it is revoked through one", async () => {
    const [a, b] = bases as [string, string];
    const account = { email: `${randomUUID()}@example.com`, password: "long enough password" };
    const post = (route: string) =>
      fetch(`${a}/api/v1/auth/${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(account),
      });
    await post("register");
    const { accessToken } = (await (await post("login")).json()) as { accessToken: string };
    const bearer = { authorization: `Bearer ${accessToken}` };
    const created = await fetch(`${a}/api/v1/auth/api-keys`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ name: "shared" }),
    });
    expect(created.status).to.equal(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    const listWithKey = (base: string) =>
      fetch(`${base}/api/v1/memories`, { headers: { "x-api-key": key } }).then((res) => res.status);

    expect(await listWithKey(a)).to.equal(200);
    expect(await listWithKey(b)).to.equal(200);
    const revoked = await fetch(`${a}/api/v1/auth/api-keys/${id}`, { method: "DELETE", headers: bearer });
    expect(revoked.status).to.equal(204);
    expect(await listWithKey(b)).to.equal(401);
    expect(await listWithKey(a)).to.equal(401);
  });
});
