import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Redis } from "ioredis";
import { ServiceBroker } from "moleculer";
import { inProcessSessionRevocations, signAccessToken } from "@second-brain/auth";
import {
  gatewayPort,
  gatewayService,
  memoryCounterStore,
  redisCounterStore,
  requestLimits,
  type RequestLimits,
} from "@second-brain/gateway";
import { loadConfig } from "@second-brain/platform";

// bench/rate-limit: what the rate limiter costs per request, in the process (embedded mode) and in
// Redis (distributed mode), against floors measured in the same run: a Redis PING round trip on
// the same kind of connection, and the same request through the gateway without the limiter.
// Each request is charged twice (its address's ceiling and its user), as an authenticated API
// request is. Sequential requests on one connection: latency, not throughput.
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2_000);
const ROUNDS = 3;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
const JWT_SECRET = randomBytes(32).toString("base64url");
const prefix = `sb-bench-${randomBytes(4).toString("hex")}:`;
// Limits that are counted on every request but never reached: the cost of checking, not of refusing.
const config = {
  ...loadConfig({ RATE_LIMIT_USER_PER_MINUTE: "1000000000", RATE_LIMIT_IP_PER_MINUTE: "1000000000" }),
  port: 0,
  logLevel: "error",
};
const caller = { userId: randomUUID(), role: "user" as const, sessionId: randomUUID() };
const peer = { socket: { remoteAddress: "192.0.2.1" }, headers: {} } as unknown as IncomingMessage;
const route = { id: "getMe" };

/** Median and mean microseconds of `ITERATIONS` sequential runs of `task`, after a warm-up. */
async function time(task: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 200; i++) await task();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = process.hrtime.bigint();
    await task();
    samples.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  return samples;
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p99 = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length * 0.99)]!;

async function startGateway(limits: RequestLimits | undefined) {
  const broker = new ServiceBroker({ logger: false, namespace: `bench-${randomBytes(4).toString("hex")}` });
  broker.createService(
    gatewayService({
      config,
      jwtSecret: JWT_SECRET,
      // Nothing is revoked: the in-process set's check costs well under a microsecond (docs/benchmarks.md).
      revocations: inProcessSessionRevocations(),
      ...(limits ? { requestLimits: limits } : {}),
    }),
  );
  broker.createService({
    name: "identity",
    actions: { me: () => ({ id: caller.userId, email: "bench@example.com", name: null, role: "user" }) },
  });
  await broker.start();
  return { broker, url: `http://127.0.0.1:${gatewayPort(broker)}/api/v1/users/me` };
}

const limitsIn = (store: "memory" | "redis") =>
  requestLimits({
    config,
    store: store === "memory" ? memoryCounterStore() : redisCounterStore(REDIS_URL, prefix, "error"),
  });

const samples: Record<string, number[]> = {};
const record = (name: string, values: number[]) => (samples[name] ??= []).push(...values);

const redis = new Redis(REDIS_URL, { enableOfflineQueue: true });
const token = await signAccessToken(caller, JWT_SECRET, 3600, Date.now());
const headers = { authorization: `Bearer ${token}` };
const direct = { memory: limitsIn("memory"), redis: limitsIn("redis") };
const gateways = {
  none: await startGateway(undefined),
  memory: await startGateway(limitsIn("memory")),
  redis: await startGateway(limitsIn("redis")),
};

for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`[bench] round ${round + 1} of ${ROUNDS}\n`);
  record("Redis PING round trip", await time(() => redis.ping()));
  for (const [name, limits] of Object.entries(direct))
    record(`limiter alone, ${name}`, await time(() => limits.admit(route, peer, async () => caller)));
  for (const [name, gateway] of Object.entries(gateways))
    record(
      `GET /users/me, limiter: ${name}`,
      await time(() => fetch(gateway.url, { headers }).then((res) => res.arrayBuffer())),
    );
}

const rows = Object.entries(samples).map(([name, values]) => ({
  measured: name,
  "median µs": Math.round(median(values)),
  "p99 µs": Math.round(p99(values)),
}));
console.table(rows);
const m = (name: string) => median(samples[name]!);
const none = m("GET /users/me, limiter: none");
console.log(
  [
    `limiter in Redis alone: ${(m("limiter alone, redis") / m("Redis PING round trip")).toFixed(2)}× a PING round trip`,
    `request with the in-process limiter: +${Math.round(m("GET /users/me, limiter: memory") - none)} µs (${(m("GET /users/me, limiter: memory") / none).toFixed(2)}× the request without it)`,
    `request with the Redis limiter: +${Math.round(m("GET /users/me, limiter: redis") - none)} µs (${(m("GET /users/me, limiter: redis") / none).toFixed(2)}× the request without it)`,
  ].join("\n"),
);

for (const gateway of Object.values(gateways)) await gateway.broker.stop();
await Promise.all(Object.values(direct).map((limits) => limits.close()));
await redis.quit();
