import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { registerReadModel } from "@second-brain/platform";
import { healthMixin, type Resources, type ServiceHealth } from "../src/index.ts";

/** Resources whose dependencies all answer; health only probes them. */
const reachable = {
  pool: { query: async () => ({ rows: [], rowCount: 0 }) },
  store: { streamVersion: async () => 0 },
  cache: {},
} as unknown as Resources;

describe("a service's health action", function () {
  let broker: ServiceBroker;

  beforeEach(async () => {
    broker = new ServiceBroker({ logger: false });
    broker.createService({ name: "probe", mixins: [healthMixin(reachable)] });
    await broker.start();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it("leaves readModels out when the process runs none", async () => {
    const health = await broker.call<ServiceHealth, object>("probe.health", {});
    expect(health).to.deep.equal({ status: "up", dependencies: { database: "up", eventStore: "up" } });
  });

  it("reports each read model of the process, degraded while it has parked streams", async () => {
    let parked = 0;
    const unregisterTags = registerReadModel("tags", async () => 0);
    const unregisterMemories = registerReadModel("memories", async () => parked);
    try {
      expect((await broker.call<ServiceHealth, object>("probe.health", {})).readModels).to.deep.equal({
        tags: { status: "ok", parkedStreams: 0 },
        memories: { status: "ok", parkedStreams: 0 },
      });
      parked = 2;
      const health = await broker.call<ServiceHealth, object>("probe.health", {});
      expect(health.readModels?.memories).to.deep.equal({ status: "degraded", parkedStreams: 2 });
      // A parked stream degrades the read model, not the service: it still serves.
      expect(health.status).to.equal("up");
    } finally {
      unregisterTags();
      unregisterMemories();
    }
  });
});
