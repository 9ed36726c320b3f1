import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import {
  inProcessSessionRevocations,
  redisSessionRevocations,
  signAccessToken,
  verifyAccessToken,
  type SessionRevocations,
} from "@second-brain/auth";

/**
 * What the revocation check adds to each authenticated request, against the check every request
 * already paid: the access token's signature and claims (HS256 over the shared secret). Measured in
 * one run on this machine: the signature check (the floor), a lookup in the embedded mode's
 * in-process set, and a lookup in the distributed mode's Redis set (one MGET round trip to
 * REDIS_URL), one request at a time and with 32 in flight. The sets hold 10,000 revoked sessions;
 * the sessions looked up are live (the common case: the whole set is asked).
 *
 *   node bench/src/revocation-check.ts            (REDIS_URL defaults to redis://127.0.0.1:6379/0)
 */
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
const REVOKED = 10_000;
const ROUNDS = 5;

async function perOperation(operations: number, inFlight: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < operations) await work(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1000 / operations; // µs per operation
}

/** The median of ROUNDS runs (other work shares this machine). */
async function median(operations: number, inFlight: number, work: (i: number) => Promise<unknown>) {
  await perOperation(Math.min(operations, 1000), inFlight, work); // warm up
  const runs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await perOperation(operations, inFlight, work));
  return runs.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

async function filled(set: SessionRevocations): Promise<SessionRevocations> {
  const ids = Array.from({ length: REVOKED }, () => randomUUID());
  for (let i = 0; i < ids.length; i += 1000) await set.revoke(ids.slice(i, i + 1000), 3600);
  await set.markComplete();
  return set;
}

const secret = randomBytes(32).toString("base64url");
const now = Date.now();
const tokens = await Promise.all(
  Array.from({ length: 64 }, () =>
    signAccessToken({ userId: randomUUID(), role: "user", sessionId: randomUUID() }, secret, 900, now),
  ),
);
const sessions = Array.from({ length: 64 }, () => randomUUID());

const prefix = `sb-bench-${randomBytes(4).toString("hex")}:`;
const inProcess = await filled(inProcessSessionRevocations());
const redis = await filled(redisSessionRevocations(REDIS_URL, prefix));

const rows: [string, number][] = [];
const measure = async (
  name: string,
  operations: number,
  inFlight: number,
  work: (i: number) => Promise<unknown>,
) => rows.push([name, await median(operations, inFlight, work)]);

await measure("token signature + claims (floor)", 20_000, 1, (i) =>
  verifyAccessToken(tokens[i % 64]!, secret, now),
);
await measure("revocation lookup, in-process set", 200_000, 1, (i) => inProcess.lookup(sessions[i % 64]!));
await measure("revocation lookup, Redis, 1 in flight", 5_000, 1, (i) => redis.lookup(sessions[i % 64]!));
await measure("revocation lookup, Redis, 32 in flight", 20_000, 32, (i) => redis.lookup(sessions[i % 64]!));

const floor = rows[0]![1];
console.log(
  `revocation check per request, median of ${ROUNDS} runs, ${REVOKED} revoked sessions in each set`,
);
for (const [name, micros] of rows)
  console.log(
    `${name.padEnd(42)} ${micros.toFixed(2).padStart(9)} µs/op   ${(micros / floor).toFixed(3)} × floor`,
  );

const cleanup = new Redis(REDIS_URL);
const keys = await cleanup.keys(`${prefix}*`);
for (let i = 0; i < keys.length; i += 1000) await cleanup.del(...keys.slice(i, i + 1000));
cleanup.disconnect();
await redis.close();
await inProcess.close();
