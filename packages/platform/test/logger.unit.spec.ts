import { PassThrough } from "node:stream";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { createLogger, moleculerLogger, toWinstonLevel } from "../src/logger.ts";
import { requestContextMiddleware, runWithRequestContext } from "../src/request-context.ts";

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return {
    stream,
    lines: () =>
      text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("logger", () => {
  it("writes one JSON object per line with timestamp, level, component and message", () => {
    const out = capture();
    const logger = createLogger("memory", "info", out.stream);
    logger.info("memory created", { memoryId: "m1" });
    logger.debug("not shown at info");
    const [line, ...rest] = out.lines();
    expect(rest).to.have.length(0);
    expect(line).to.include({
      level: "info",
      component: "memory",
      message: "memory created",
      memoryId: "m1",
    });
    expect(Date.parse(line!.timestamp as string)).to.be.greaterThan(0);
    expect(line).not.to.have.property("traceId"); // no active span
  });

  it("adds the request id of the Moleculer request being served", () => {
    const out = capture();
    const logger = createLogger("memory", "info", out.stream);
    runWithRequestContext({ requestID: "req-1", nodeID: "n1", action: "memory.create" }, () =>
      logger.info("x"),
    );
    expect(out.lines()[0]).to.include({ requestID: "req-1" });
  });

  it("accepts Moleculer level names", () => {
    expect(toWinstonLevel("trace")).to.equal("silly");
    expect(toWinstonLevel("fatal")).to.equal("error");
    expect(toWinstonLevel("debug")).to.equal("debug");
  });

  it("routes Moleculer's logs through winston as JSON with nodeID and requestID", async () => {
    const out = capture();
    const broker = new ServiceBroker({
      nodeID: "node-a",
      logger: moleculerLogger("info", out.stream),
      middlewares: [requestContextMiddleware],
    });
    broker.createService({
      name: "notes",
      actions: {
        hello(ctx) {
          this.logger.info("hello from", ctx.params, new Error("just a value"));
          return "hi";
        },
      },
    });
    await broker.start();
    await broker.call("notes.hello", { who: "me" }, { requestID: "req-42" });
    await broker.stop();
    const lines = out.lines();
    expect(lines.length).to.be.greaterThan(2);
    for (const line of lines)
      expect(line).to.include.keys("timestamp", "level", "component", "message", "nodeID");
    const hello = lines.find((line) => line.message === "hello from");
    expect(hello).to.include({ component: "notes", nodeID: "node-a", requestID: "req-42", level: "info" });
    expect(hello!.data).to.deep.equal({ who: "me" });
    expect((hello!.error as { message: string }).message).to.equal("just a value");
  });
});
