import { execFileSync } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { expect } from "chai";
import { RateLimitedError, UnauthenticatedError, type Caller } from "@second-brain/contracts";
import { loadConfig, metricsRegistry } from "@second-brain/platform";
import { requestLimits, type RequestLimits } from "../src/adapters/rate-limit.ts";
import {
  memoryCounterStore,
  redisCounterStore,
  type CounterStore,
} from "../src/adapters/rate-limit-store.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
const config = loadConfig({ RATE_LIMIT_USER_PER_MINUTE: "3", LOGIN_FAILURES_PER_ACCOUNT_AND_IP: "2" });
const peer = (address: string) => ({ socket: { remoteAddress: address }, headers: {} }) as IncomingMessage;
const caller = () => ({ userId: randomUUID(), role: "user" as const });
/** An authenticated request of `who`, from an address of its own. */
const admitCaller = (limits: RequestLimits, who: Caller) =>
  limits.admit({ id: "getMe" }, peer("192.0.2.9"), async () => who);

async function refusal(admit: Promise<unknown>): Promise<RateLimitedError | undefined> {
  return admit.then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof RateLimitedError) return error;
      throw error;
    },
  );
}

async function failOpenCount(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric("rate_limit_fail_open_total")?.get();
  return metric?.values[0]?.value ?? 0;
}

const stores: Record<string, () => CounterStore> = {
  memory: () => memoryCounterStore(),
  redis: () => redisCounterStore(REDIS_URL, `sb-test-${randomBytes(4).toString("hex")}:`),
};

for (const [kind, openStore] of Object.entries(stores)) {
  describe(`rate limits on the ${kind} store`, () => {
    let limits: RequestLimits;
    let clock = 10 * 60_000;
    before(() => {
      limits = requestLimits({ config, store: openStore(), now: () => clock });
    });
    after(() => limits.close());

    it("refuses a caller past its limit until the window has slid past its requests", async () => {
      const who = caller();
      for (let i = 0; i < 3; i++) await admitCaller(limits, who);
      const refused = await refusal(admitCaller(limits, who));
      expect(refused?.details).to.deep.equal({ retryAfterSeconds: 90 });
      // Two windows later nothing of it is left.
      clock += 2 * 60_000;
      await admitCaller(limits, who);
    });

    it("blocks a login pair after its failures, before the attempt runs", async () => {
      let attempts = 0;
      const attempt = async () => {
        attempts += 1;
        throw new UnauthenticatedError("The email or password is wrong.");
      };
      const email = `${randomUUID()}@example.com`;
      for (let i = 0; i < 2; i++)
        await limits.guardCall({ id: "login" }, peer("192.0.2.1"), { email }, attempt).catch(() => undefined);
      expect(
        await refusal(limits.guardCall({ id: "login" }, peer("192.0.2.1"), { email }, attempt)),
      ).to.be.instanceOf(RateLimitedError);
      expect(attempts).to.equal(2);
    });
  });
}

describe("rate limits in Redis", () => {
  it("are one counter for every gateway replica, login failures too", async () => {
    const prefix = `sb-test-${randomBytes(4).toString("hex")}:`;
    const accountKey = randomBytes(32);
    const replicas = [0, 1].map(() =>
      requestLimits({ config, store: redisCounterStore(REDIS_URL, prefix), accountKey }),
    );
    try {
      const who = caller();
      await admitCaller(replicas[0]!, who);
      await admitCaller(replicas[1]!, who);
      await admitCaller(replicas[0]!, who);
      expect(await refusal(admitCaller(replicas[1]!, who))).to.be.instanceOf(RateLimitedError);

      const email = `${randomUUID()}@example.com`;
      const wrong = async () => {
        throw new UnauthenticatedError("The email or password is wrong.");
      };
      for (const replica of replicas)
        await replica.guardCall({ id: "login" }, peer("192.0.2.1"), { email }, wrong).catch(() => undefined);
      expect(
        await refusal(replicas[0]!.guardCall({ id: "login" }, peer("192.0.2.1"), { email }, wrong)),
      ).to.be.instanceOf(RateLimitedError);
      // The account is counted under a keyed digest: a plain hash of a guessed address finds nothing.
      const keys = execFileSync("redis-cli", ["-u", REDIS_URL, "--scan", "--pattern", `${prefix}*`], {
        encoding: "utf8",
      });
      expect(keys).to.contain("login-account");
      const plain = createHash("sha256").update(email).digest();
      for (const encoding of ["hex", "base64url"] as const)
        expect(keys).to.not.contain(plain.toString(encoding).slice(0, 16));
      expect(keys).to.not.contain(email);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  it("let requests through, counted and logged, when Redis does not answer", async () => {
    const limits = requestLimits({ config, store: redisCounterStore("redis://127.0.0.1:1/0", "sb-test:") });
    try {
      const before = await failOpenCount();
      const who = caller();
      for (let i = 0; i < 5; i++) await admitCaller(limits, who);
      const answer = await limits.guardCall(
        { id: "login" },
        peer("192.0.2.1"),
        { email: "a@b.c" },
        async () => "in",
      );
      expect(answer).to.equal("in");
      expect(await failOpenCount()).to.be.at.least(before + 5);
    } finally {
      await limits.close();
    }
  });
});
