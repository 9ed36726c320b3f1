import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import pg from "pg";
import { createRedisCache } from "../src/cache.ts";
import { isInfrastructureFailure } from "../src/infrastructure-errors.ts";
import { appErrorsMixin, errorFromMoleculer } from "../src/moleculer-errors.ts";
import { POSTGRES_TIMEOUTS } from "../src/sql.ts";

/** A local port nothing listens on: connecting is refused at once. */
const CLOSED_PORT = 1;

describe("infrastructure failures", () => {
  it("recognises what node-postgres reports for a server that is down, restarting or too slow", () => {
    for (const error of [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      Object.assign(new Error("the database system is starting up"), { code: "57P03" }),
      Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
      Object.assign(new Error("connection failure"), { code: "08006" }),
      Object.assign(new Error("sorry, too many clients already"), { code: "53300" }),
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Client has encountered a connection error and is not queryable"),
    ])
      expect(isInfrastructureFailure(error), error.message).to.equal(true);
  });

  it("leaves errors of the request itself alone", () => {
    for (const error of [
      Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" }),
      Object.assign(new Error("invalid input syntax for type uuid"), { code: "22P02" }),
      Object.assign(new Error("could not serialize access"), { code: "40001" }),
      new TypeError("Cannot read properties of undefined"),
      "Connection terminated",
      null,
    ])
      expect(isInfrastructureFailure(error), String(error)).to.equal(false);
  });

  describe("through a real broker", () => {
    const broker = new ServiceBroker({ logger: false });
    before(async () => {
      broker.createService({
        name: "store",
        mixins: [appErrorsMixin],
        actions: {
          // A real connection to a PostgreSQL that is not there, with the timeouts every pool uses.
          read: async () => {
            const client = new pg.Client({ host: "127.0.0.1", port: CLOSED_PORT, ...POSTGRES_TIMEOUTS });
            await client.connect();
          },
        },
      });
      await broker.start();
    });
    after(() => broker.stop());

    it("answers a database that cannot be reached as 503 UNAVAILABLE, not 500", async () => {
      const error = await broker.call("store.read").catch((e: unknown) => e);
      expect(errorFromMoleculer(error)).to.deep.include({ status: 503, code: "UNAVAILABLE" });
    });
  });

  it("makes a Redis that cannot be reached a miss at once, not an error or a wait", async () => {
    const cache = createRedisCache(`redis://127.0.0.1:${CLOSED_PORT}`, "unreachable:", {
      commandTimeoutMs: 200,
    });
    try {
      await cache.get("warm-up"); // the first command waits for the first connection, at most 200 ms
      const started = Date.now();
      for (let i = 0; i < 50; i += 1) expect(await cache.get(`key-${i}`)).to.equal(undefined);
      await cache.set("key", { a: 1 }, 60);
      expect(Date.now() - started, "50 misses and a skipped set (ms)").to.be.below(100);
    } finally {
      await cache.close();
    }
  });
});
