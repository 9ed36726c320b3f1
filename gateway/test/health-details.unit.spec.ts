import { expect } from "chai";
import { ServiceBroker, type ServiceSchema } from "moleculer";
import { healthDetails, readiness } from "../src/adapters/ops-endpoints.ts";

type Health = { status: "up" | "down"; dependencies: Record<string, "up" | "down">; readModels?: unknown };

function reporting(name: string, health: Health | Error): ServiceSchema {
  return {
    name,
    actions: {
      health: () => {
        if (health instanceof Error) throw health;
        return health;
      },
    },
  };
}

const all = (state: "up" | "down") => ({ database: state, eventStore: state, cache: state });

describe("health details", () => {
  const broker = new ServiceBroker({ logger: false });
  before(async () => {
    broker.createService(reporting("memory", { status: "up", dependencies: all("up") }));
    broker.createService(
      reporting("memory-views", { status: "down", dependencies: { ...all("up"), cache: "down" } }),
    );
    broker.createService(
      reporting("search", {
        status: "up",
        dependencies: all("up"),
        readModels: { search: { status: "degraded", parkedStreams: 2 } },
      }),
    );
    broker.createService(
      reporting("session", { status: "down", dependencies: { ...all("up"), database: "down" } }),
    );
    broker.createService(reporting("identity", new Error("no answer")));
    broker.createService(reporting("memory-cache", { status: "up", dependencies: all("up") }));
    await broker.start();
  });
  after(() => broker.stop());

  it("rates each service by what is down: its database or event store, or only its cache or a read model", async () => {
    const details = await healthDetails(broker, [
      "memory",
      "memory-views",
      "search",
      "session",
      "identity",
      "tag",
    ]);
    expect(details.status).to.equal("degraded");
    expect(details.services).to.deep.equal({
      memory: { status: "ok", dependencies: { database: "ok", eventStore: "ok", cache: "ok" } },
      "memory-views": {
        status: "degraded",
        dependencies: { database: "ok", eventStore: "ok", cache: "down" },
      },
      search: {
        status: "degraded",
        dependencies: { database: "ok", eventStore: "ok", cache: "ok" },
        readModels: { search: { status: "degraded", parkedStreams: 2 } },
      },
      session: { status: "down", dependencies: { database: "down", eventStore: "ok", cache: "ok" } },
      identity: { status: "down", dependencies: {} },
      tag: { status: "down", dependencies: {} },
      // Not expected, but on the broker with a health action: listed too.
      "memory-cache": { status: "ok", dependencies: { database: "ok", eventStore: "ok", cache: "ok" } },
    });
  });

  it("keeps the gateway ready whatever the services report: readiness is the gateway's own", () => {
    expect(readiness(broker)).to.deep.equal({ status: "ok" });
  });
});
