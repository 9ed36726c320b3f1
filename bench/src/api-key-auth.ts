import { randomBytes, randomUUID } from "node:crypto";
import {
  apiKeySecretMatches,
  generateApiKey,
  parseApiKey,
  signAccessToken,
  verifyAccessToken,
} from "@second-brain/auth";
import { createTestDatabase, startStack, type Stack } from "@second-brain/testing";
import { load, type LoadResult } from "./load.ts";

// bench/api-key-auth: what authenticating with X-API-Key costs per request, against an access
// token (its floor) measured in the same run. First the in-process checks alone (the JWT's HMAC
// check against the key's parse and constant-time hash compare), then whole requests through the
// gateway in both run modes, where a key also costs a broker call to the identity service and one
// indexed SELECT (no cache: a revocation holds at once on every gateway).
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ITERATIONS = 20_000;

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function microsecondsPerCall(work: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 1_000; i++) await work(); // warm-up
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) await work();
  return ((performance.now() - start) * 1000) / ITERATIONS;
}

async function inProcess(): Promise<void> {
  const secret = randomBytes(32).toString("base64url");
  const now = Date.now();
  const token = await signAccessToken(
    { userId: randomUUID(), role: "user", sessionId: randomUUID() },
    secret,
    900,
    now,
  );
  const { key, secretHash } = generateApiKey();
  const jwt = await microsecondsPerCall(() => verifyAccessToken(token, secret, now));
  const apiKey = await microsecondsPerCall(() => apiKeySecretMatches(parseApiKey(key)!.secret, secretHash));
  console.log(`\nIn process, ${ITERATIONS} calls each (µs per call):`);
  console.log("| check | µs/call | vs access token |\n|---|---|---|");
  console.log(`| access token: verifyAccessToken (HS256, jose) | ${jwt.toFixed(2)} | 1.00 |`);
  console.log(
    `| API key: parse + SHA-256 + timingSafeEqual | ${apiKey.toFixed(2)} | ${(apiKey / jwt).toFixed(2)} |`,
  );
}

async function json(res: Response): Promise<Record<string, string>> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

interface Round extends LoadResult {
  mode: string;
  credential: "access token" | "API key";
}
const rounds: Round[] = [];

async function throughGateway(mode: string, stack: Stack): Promise<void> {
  const account = { email: `bench-${randomUUID()}@example.com`, password: randomBytes(12).toString("hex") };
  const post = (route: string) =>
    fetch(`${stack.baseUrl}/api/v1/auth/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(account),
    });
  await post("register");
  const signedIn = await json(await post("login"));
  const bearer = { authorization: `Bearer ${signedIn.accessToken}` };
  const created = await json(
    await fetch(`${stack.baseUrl}/api/v1/auth/api-keys`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench" }),
    }),
  );
  const credentials: [Round["credential"], Record<string, string>][] = [
    ["access token", bearer],
    ["API key", { "x-api-key": created.key! }],
  ];
  // Short rounds, alternated, compared pair by pair: a machine whose load drifts during the run
  // moves both halves of a pair alike. The first pair warms up and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [credential, headers] of credentials) {
      progress(`${mode}, ${credential}, round ${round}/${ROUNDS}, ${CONNECTIONS} connections, ${SECONDS} s`);
      const result = await load(`${stack.baseUrl}/api/v1/users/me`, CONNECTIONS, SECONDS, {
        method: "GET",
        headers,
      });
      if (round > 0) rounds.push({ mode, credential, ...result });
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function report(mode: string): void {
  const of = (credential: Round["credential"]) =>
    rounds.filter((round) => round.mode === mode && round.credential === credential);
  const token = of("access token");
  const key = of("API key");
  const ratios = key.map((round, i) => round.requestsPerSecond / token[i]!.requestsPerSecond);
  for (const [credential, runs] of [
    ["access token", token],
    ["API key", key],
  ] as const) {
    const rate = median(runs.map((run) => run.requestsPerSecond));
    console.log(
      `| ${mode} | ${credential} | ${rate.toFixed(0)} | ${median(runs.map((run) => run.p50)).toFixed(1)} | ${median(runs.map((run) => run.p99)).toFixed(1)} | ${((CONNECTIONS * 1000) / rate).toFixed(1)} | ${runs.reduce((sum, run) => sum + run.errors, 0)} | ${credential === "API key" ? `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : "1.00"} |`,
    );
  }
}

await inProcess();

const database = await createTestDatabase("sb_bench_keys");
try {
  const distributed = await startStack({ mode: "distributed", databaseUrl: database.url });
  try {
    await throughGateway("distributed", distributed);
  } finally {
    await distributed.stop();
  }
} finally {
  await database.drop();
}
const embedded = await startStack({ mode: "embedded" });
try {
  await throughGateway("embedded (PGlite)", embedded);
} finally {
  await embedded.stop();
}

console.log(
  `\nGET /api/v1/users/me through the gateway, ${CONNECTIONS} connections, ${ROUNDS} alternated rounds of ${SECONDS} s per credential (medians; the ratio is the median of the rounds' key / token rates, with their range):`,
);
console.log(
  "| mode | credential | req/s | p50 ms | p99 ms | ms per request (conns / rate) | errors | rate vs access token |",
);
console.log("|---|---|---|---|---|---|---|---|");
report("distributed");
report("embedded (PGlite)");
