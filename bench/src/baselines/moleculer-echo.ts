import { ServiceBroker } from "moleculer";
import ApiGateway from "moleculer-web";
import { brokerOptions, loadConfig } from "@second-brain/platform";

// The floor for a call through the gateway: moleculer-web in one process calling an action in
// another over the same RabbitMQ, with the same transporter settings Second Brain uses.
const role = process.argv[2];
const config = loadConfig({ ...process.env, SB_MODE: "distributed" });
const broker = new ServiceBroker({ ...brokerOptions(config, `bench-${role}-${process.pid}`), logger: false });
if (role === "service") {
  broker.createService({
    name: "echo",
    actions: { create: (ctx) => ({ id: "x", ...(ctx.params as object) }) },
  });
} else {
  broker.createService({
    name: "api",
    mixins: [ApiGateway],
    settings: {
      port: Number(process.env.PORT),
      ip: "127.0.0.1",
      routes: [{ path: "/", bodyParsers: { json: true }, aliases: { "POST /echo": "echo.create" } }],
    },
  });
}
await broker.start();
if (role === "gateway") await broker.waitForServices(["echo"]);
process.send?.("ready");
process.on("SIGTERM", () => void broker.stop().then(() => process.exit(0)));
