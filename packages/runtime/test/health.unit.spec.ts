import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { readModelAdminMixin, type AdministeredReadModel } from "@second-brain/platform";
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

  it("reports the read model its service runs, degraded while it has parked streams", async () => {
    let parked = 0;
    const tags: AdministeredReadModel = {
      status: async () => ({}),
      parkedEvents: async () => [],
      retryParked: async () => ({}),
      health: async () => ({ tags: { status: parked > 0 ? "degraded" : "ok", parkedStreams: parked } }),
    };
    broker.createService({
      name: "runner",
      mixins: [healthMixin(reachable), readModelAdminMixin(() => tags)],
    });
    await broker.waitForServices("runner");

    expect((await broker.call<ServiceHealth, object>("runner.health", {})).readModels).to.deep.equal({
      tags: { status: "ok", parkedStreams: 0 },
    });
    parked = 2;
    const health = await broker.call<ServiceHealth, object>("runner.health", {});
    expect(health.readModels).to.deep.equal({ tags: { status: "degraded", parkedStreams: 2 } });
    // A parked stream degrades the read model, not the service: it still serves.
    expect(health.status).to.equal("up");
    // Another service of the same process does not report it (the embedded mode shares one process).
    expect(await broker.call<ServiceHealth, object>("probe.health", {})).to.not.have.property("readModels");
  });
});
