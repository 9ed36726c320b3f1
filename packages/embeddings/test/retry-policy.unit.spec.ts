import { expect } from "chai";
import {
  backoffDelayMs,
  parseRetryAfterMs,
  RetriesExhaustedError,
  withRetries,
} from "../src/retry-policy.ts";

const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };

describe("retry policy", () => {
  it("backs off exponentially with full jitter, up to a ceiling", () => {
    expect(backoffDelayMs(0, policy, undefined, () => 1)).to.equal(100);
    expect(backoffDelayMs(2, policy, undefined, () => 1)).to.equal(400);
    expect(backoffDelayMs(9, policy, undefined, () => 1)).to.equal(1000);
    expect(backoffDelayMs(2, policy, undefined, () => 0.5)).to.equal(200);
    expect(backoffDelayMs(2, policy, undefined, () => 0)).to.equal(0);
  });

  it("waits at least what Retry-After asks, capped at a minute", () => {
    expect(backoffDelayMs(0, policy, 3000, () => 0)).to.equal(3000);
    expect(backoffDelayMs(0, policy, 3000, () => 1)).to.equal(3100);
    expect(backoffDelayMs(0, policy, 3_600_000, () => 0)).to.equal(60_000);
  });

  it("reads retry-after-ms, retry-after in seconds and as an HTTP date", () => {
    const headers = (values: Record<string, string>) => (name: string) => values[name];
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "250" }))).to.equal(250);
    expect(parseRetryAfterMs(headers({ "retry-after": "2" }))).to.equal(2000);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).to.equal(
      5000,
    );
    expect(parseRetryAfterMs(headers({ "retry-after": "soon" }))).to.equal(undefined);
    expect(parseRetryAfterMs(headers({}))).to.equal(undefined);
  });

  it("retries retryable errors, sleeping between attempts, until one succeeds", async () => {
    const sleeps: number[] = [];
    let attempts = 0;
    const result = await withRetries(
      policy,
      {
        classify: () => ({ retry: true, retryAfterMs: undefined }),
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 1,
      },
      async () => {
        attempts++;
        if (attempts < 3) throw new Error("busy");
        return "done";
      },
    );
    expect(result).to.equal("done");
    expect(sleeps).to.deep.equal([100, 200]);
  });

  it("rethrows a non-retryable error at once", async () => {
    let attempts = 0;
    const failure = await withRetries(policy, { classify: () => ({ retry: false }) }, async () => {
      attempts++;
      throw new Error("bad request");
    }).catch((error: unknown) => error);
    expect(attempts).to.equal(1);
    expect(String(failure)).to.contain("bad request");
  });

  it("gives up after maxRetries retries", async () => {
    let attempts = 0;
    const failure = await withRetries(
      policy,
      { classify: () => ({ retry: true, retryAfterMs: undefined }), sleep: async () => undefined },
      async () => {
        attempts++;
        throw new Error("still busy");
      },
    ).catch((error: unknown) => error);
    expect(attempts).to.equal(4);
    expect(failure).to.be.instanceOf(RetriesExhaustedError);
    expect((failure as RetriesExhaustedError).attempts).to.equal(4);
  });
});
