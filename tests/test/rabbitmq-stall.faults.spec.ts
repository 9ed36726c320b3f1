import { ApiClient, eventually } from "../src/api-client.ts";
import { useStackBehindRelay } from "../src/stack-behind-relay.ts";

/** Long enough for two missed AMQP heartbeats (packages/platform/src/broker.ts) and some. */
const STALL_MS = 20_000;

// RabbitMQ hung rather than stopped: its connections stay open and nothing answers. Every process
// reaches it through a relay that stops passing bytes. The gateway cannot serve while it lasts, so
// its readiness must say so (and not only when RabbitMQ closes the connections), and everything
// must come back by itself when the broker answers again.
describe("RabbitMQ stalled rather than stopped (distributed)", function () {
  this.timeout(180_000);
  const fixture = useStackBehindRelay((database) => ({
    port: 5672,
    stackOptions: (relayPort) => ({
      databaseUrl: database.url,
      env: { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${relayPort}` },
    }),
  }));

  it("readiness turns 503 while the broker is hung, and creates succeed again after it", async () => {
    const api = new ApiClient(fixture.stack.baseUrl);
    await api.registerUser();
    const stalledAt = Date.now();
    fixture.relay.stall();
    let notReadyAfter: number | undefined;
    try {
      notReadyAfter = await eventually(async () => {
        const ready = await api.request("GET", "/health/ready");
        return ready.status === 503 ? Date.now() - stalledAt : undefined;
      }, STALL_MS);
    } finally {
      fixture.relay.resume();
    }
    const resumedAt = Date.now();
    const back = await eventually(async () => {
      const [ready, create] = await Promise.all([
        api.request("GET", "/health/ready"),
        api.request("POST", "/api/v1/memories", { content: "after the broker's stall" }),
      ]);
      return ready.status === 200 && create.status === 201 ? Date.now() - resumedAt : undefined;
    }, 30_000);
    console.log(
      `RabbitMQ stalled: not ready after ${notReadyAfter} ms; serving again ${back} ms after it answered`,
    );
  });
});
