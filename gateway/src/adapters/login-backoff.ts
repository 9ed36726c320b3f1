import { RateLimitedError } from "@second-brain/contracts";
import type { RateLimitsConfig } from "@second-brain/platform";
import { accountSubject, LOGIN_BACKOFF } from "../domain/rate-limit-policy.ts";
import { rateLimitedRequests } from "./rate-limit-metrics.ts";
import type { CounterStore } from "./rate-limit-store.ts";
import { toErrorResponse } from "./error-response.ts";

/**
 * Slows password guessing without letting anyone lock a user out (docs/API.md, "Rate limits").
 * Checked before the identity service spends a scrypt on the attempt:
 *
 * - one account from one address: after `loginFailuresPerAccountAndIp` failures that pair is
 *   blocked for 15 minutes. Only that pair: the same account from elsewhere is not.
 * - one address over every account: after `loginFailuresPerIp` failures it is blocked for an hour.
 * - one account from many addresses: after `loginFailuresPerAccount` failures in an hour it is
 *   slowed, never blocked: one attempt per `loginSlowdownSeconds` from addresses it has not
 *   logged in from within three weeks. Its owner logs in as usual from a known place, and from a new
 *   one waits seconds, not forever.
 *
 * A success clears its pair's failures and makes the address a known place of the account.
 */
export function loginBackoff(store: CounterStore, config: RateLimitsConfig, accountKey: Buffer) {
  const pairs = store.counters("login-pair", LOGIN_BACKOFF.pairSeconds);
  const addresses = store.counters("login-ip", LOGIN_BACKOFF.addressSeconds);
  const accounts = store.counters("login-account", LOGIN_BACKOFF.accountSeconds);
  const slowed = store.counters("login-slow", Math.max(1, config.loginSlowdownSeconds));
  const knownPlaces = store.counters("login-known", LOGIN_BACKOFF.knownPlaceSeconds);

  const refusal = (rule: string, msBeforeNext: number): RateLimitedError => {
    rateLimitedRequests.inc({ rule });
    return new RateLimitedError(Math.max(1, Math.ceil(msBeforeNext / 1000)));
  };

  /** Why this attempt must wait, if it must. */
  async function refusalOf(account: string, pair: string, address: string) {
    const [pairFailures, addressFailures, accountFailures, known] = await Promise.all([
      pairs.get(pair),
      addresses.get(address),
      accounts.get(account),
      knownPlaces.get(pair),
    ]);
    const over = (limit: number, counted: { consumedPoints: number } | null) =>
      limit > 0 && (counted?.consumedPoints ?? 0) >= limit;
    if (over(config.loginFailuresPerAccountAndIp, pairFailures))
      return refusal("loginPair", pairFailures!.msBeforeNext);
    if (over(config.loginFailuresPerIp, addressFailures))
      return refusal("loginIp", addressFailures!.msBeforeNext);
    if (over(config.loginFailuresPerAccount, accountFailures) && !known) {
      const attempts = await slowed.penalty(account, 1);
      if (attempts.consumedPoints > 1) return refusal("loginAccount", attempts.msBeforeNext);
    }
    return undefined;
  }

  /** Counts a failure; a pair or an address that reaches its limit is blocked from now on. */
  async function failed(account: string, pair: string, address: string): Promise<void> {
    const blockAt = async (counters: typeof pairs, key: string, limit: number, seconds: number) => {
      const counted = await counters.penalty(key, 1);
      if (limit > 0 && counted.consumedPoints >= limit)
        await counters.set(key, counted.consumedPoints, seconds);
    };
    await Promise.all([
      blockAt(pairs, pair, config.loginFailuresPerAccountAndIp, LOGIN_BACKOFF.pairSeconds),
      blockAt(addresses, address, config.loginFailuresPerIp, LOGIN_BACKOFF.addressSeconds),
      accounts.penalty(account, 1),
    ]);
  }

  async function succeeded(pair: string): Promise<void> {
    await Promise.all([pairs.delete(pair), knownPlaces.set(pair, 1, LOGIN_BACKOFF.knownPlaceSeconds)]);
  }

  /** Runs one login attempt of `email` from `address` under the backoff. */
  return async function guardLogin<T>(email: string, address: string, attempt: () => Promise<T>): Promise<T> {
    const account = accountSubject(email, accountKey);
    const pair = `${account}|ip:${address}`;
    const ip = `ip:${address}`;
    // A store that does not answer lets the attempt through.
    const refused = await store.failOpen(() => refusalOf(account, pair, ip), undefined);
    if (refused) throw refused;
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (toErrorResponse(error).code === "UNAUTHENTICATED")
        await store.failOpen(() => failed(account, pair, ip), undefined);
      throw error;
    }
    await store.failOpen(() => succeeded(pair), undefined);
    return result;
  };
}
