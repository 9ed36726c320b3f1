import { expect } from "chai";
import { loadConfig } from "../src/config.ts";
import { brokerOptions } from "../src/broker.ts";

describe("brokerOptions", () => {
  it("embedded mode has no transporter", () => {
    const options = brokerOptions(loadConfig({ SB_NAMESPACE: "ns1" }), "node-1");
    expect(options).to.include({ namespace: "ns1", nodeID: "node-1", transporter: null, serializer: "JSON" });
    expect(options.registry).to.deep.equal({ preferLocal: true });
    expect(options.heartbeatTimeout).to.be.greaterThan(options.heartbeatInterval!);
    expect(options.requestTimeout).to.equal(10_000);
    expect(options.logger).to.include({ type: "Winston" });
  });

  it("distributed mode talks AMQP with noDelay, the configured prefetch and heartbeats", () => {
    const options = brokerOptions(
      loadConfig({ SB_MODE: "distributed", RABBITMQ_URL: "amqp://u:p@rabbit:5672", AMQP_PREFETCH: "50" }),
      "node-2",
    );
    expect(options.transporter).to.deep.equal({
      type: "AMQP",
      options: { url: "amqp://u:p@rabbit:5672?heartbeat=5", prefetch: 50, socketOptions: { noDelay: true } },
    });
    // A heartbeat the operator chose is kept.
    const chosen = brokerOptions(
      loadConfig({ SB_MODE: "distributed", RABBITMQ_URL: "amqp://u:p@rabbit:5672?heartbeat=30" }),
      "node-3",
    );
    expect((chosen.transporter as { options: { url: string } }).options.url).to.equal(
      "amqp://u:p@rabbit:5672?heartbeat=30",
    );
  });
});
