import { randomBytes } from "node:crypto";
import { expect } from "chai";
import amqp from "amqplib";
import { ServiceBroker } from "moleculer";
import { VersionConflictError } from "@second-brain/contracts";
import { loadConfig } from "../src/config.ts";
import { brokerOptions } from "../src/broker.ts";
import { appErrorsMixin, errorFromMoleculer } from "../src/moleculer-errors.ts";

const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";

describe("brokers over RabbitMQ", function () {
  const namespace = `sb-test-${randomBytes(6).toString("hex")}`;
  const config = loadConfig({
    SB_MODE: "distributed",
    SB_NAMESPACE: namespace,
    RABBITMQ_URL,
    LOG_LEVEL: "warn",
  });
  const service = new ServiceBroker(brokerOptions(config, `${namespace}-service`));
  const gateway = new ServiceBroker(brokerOptions(config, `${namespace}-gateway`));

  before(async () => {
    service.createService({
      name: "notes",
      mixins: [appErrorsMixin],
      actions: {
        echo: {
          params: { text: "string" },
          handler: (ctx) => ({ echoed: (ctx.params as { text: string }).text, callerNodeID: ctx.nodeID }),
        },
        conflict: () => {
          throw new VersionConflictError(2, 7);
        },
      },
    });
    await Promise.all([service.start(), gateway.start()]);
    await gateway.waitForServices(["notes"], 10_000);
  });

  after(async () => {
    await Promise.all([gateway.stop(), service.stop()]);
    // Balanced request queues outlive their consumers and node queues linger for minutes; remove this run's.
    const connection = await amqp.connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    const queues = ["notes.echo", "notes.conflict"].map((action) => `MOL-${namespace}.REQB.${action}`);
    for (const node of ["service", "gateway"]) {
      for (const kind of ["REQ", "RES", "EVENT"])
        queues.push(`MOL-${namespace}.${kind}.${namespace}-${node}`);
    }
    for (const queue of queues) await channel.deleteQueue(queue);
    await connection.close();
  });

  it("uses the AMQP transporter with noDelay, the configured prefetch and heartbeats", () => {
    const transporter = brokerOptions(config, "x").transporter as {
      type: string;
      options: Record<string, unknown>;
    };
    expect(transporter.type).to.equal("AMQP");
    expect(transporter.options).to.deep.include({
      url: `${RABBITMQ_URL}?heartbeat=5`,
      prefetch: 100,
      socketOptions: { noDelay: true },
    });
    expect(brokerOptions(loadConfig({}), "y").transporter).to.equal(null);
  });

  it("calls an action on the other broker", async () => {
    expect(await gateway.call("notes.echo", { text: "hi" })).to.deep.equal({
      echoed: "hi",
      callerNodeID: `${namespace}-gateway`,
    });
  });

  it("delivers an AppError thrown remotely with status, code and details intact", async () => {
    const error = await gateway.call("notes.conflict").catch((e: unknown) => e);
    expect(errorFromMoleculer(error)).to.deep.equal({
      status: 409,
      code: "VERSION_CONFLICT",
      message: "The resource has changed since the version you sent.",
      details: { expectedVersion: 2, currentVersion: 7 },
    });
  });

  it("reports remote parameter validation as 400", async () => {
    const error = await gateway.call("notes.echo", { text: 5 }).catch((e: unknown) => e);
    expect(errorFromMoleculer(error)).to.deep.include({ status: 400, code: "VALIDATION_FAILED" });
  });
});
