import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { RateLimitedError, type Caller } from "@second-brain/contracts";
import type { Config } from "@second-brain/platform";
import {
  chargesOfCaller,
  chargesOfClient,
  requestRules,
  type Charge,
  type RequestRuleName,
} from "../domain/rate-limit-policy.ts";
import type { Verdict } from "../domain/sliding-window.ts";
import { clientAddress } from "./client-address.ts";
import { loginBackoff } from "./login-backoff.ts";
import { rateLimitedRequests } from "./rate-limit-metrics.ts";
import { memoryCounterStore, redisCounterStore, type CounterStore } from "./rate-limit-store.ts";
import { slidingWindowLimiter } from "./sliding-window-limiter.ts";

/**
 * The gateway's rate limits (docs/API.md, "Rate limits"): what api-dispatch.ts asks of every
 * request (its address and its caller), and around a call whose outcome counts (a login). A
 * refusal is a RateLimitedError: 429 RATE_LIMITED with Retry-After.
 */
export interface RequestLimits {
  /**
   * Admits a request to a route: authenticates it with `authenticate` (none for a public route),
   * then charges its address and, when authenticated, its caller, all in one round trip to the
   * store. A request whose credentials fail is charged to its address all the same, then refused
   * with its 401; one over a limit gets the 429.
   */
  admit(
    route: { id: string; public?: true },
    req: IncomingMessage,
    authenticate: (() => Promise<Caller>) | undefined,
  ): Promise<Caller | undefined>;
  guardCall<T>(
    route: { id: string },
    req: IncomingMessage,
    body: Record<string, unknown>,
    call: () => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

export interface RequestLimitsOptions {
  config: Pick<Config, "rateLimits" | "logLevel">;
  store: CounterStore;
  /**
   * The key login counters digest emails with (rate-limit-policy.ts, accountSubject). Gateways that
   * share a store share it; a store of one process needs none but its own (random by default).
   */
  accountKey?: Buffer;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
}

/**
 * In this process (embedded mode) or in Redis, shared by every gateway replica (distributed mode),
 * which then digest emails with a key they all derive from the token secret.
 */
export function requestLimitsFor(
  config: Pick<Config, "mode" | "redisUrl" | "redisPrefix" | "rateLimits" | "logLevel">,
  jwtSecret: string,
) {
  if (config.mode === "embedded") return requestLimits({ config, store: memoryCounterStore() });
  const store = redisCounterStore(config.redisUrl, config.redisPrefix, config.logLevel);
  return requestLimits({ config, store, accountKey: Buffer.from(jwtSecret, "utf8") });
}

export function requestLimits(options: RequestLimitsOptions): RequestLimits {
  const { config, store } = options;
  const now = options.now ?? Date.now;
  const rules = requestRules(config.rateLimits);
  const limiters = Object.fromEntries(
    Object.values(rules).map((rule) => [
      rule.name,
      slidingWindowLimiter(store, `req-${rule.name}`, rule, now),
    ]),
  ) as Record<RequestRuleName, (subject: string) => Promise<Verdict>>;
  const guardLogin = loginBackoff(store, config.rateLimits, options.accountKey ?? randomBytes(32));
  const addressOf = (req: IncomingMessage) => clientAddress(req, config.rateLimits.trustProxyHops);

  /** Every charge is counted; the longest wait among those refused is the one the client is told. */
  async function charge(charges: Charge[]): Promise<void> {
    const verdicts = await Promise.all(charges.map(({ rule, subject }) => limiters[rule](subject)));
    let retryAfterMs = 0;
    verdicts.forEach((verdict, i) => {
      if (verdict.allowed) return;
      rateLimitedRequests.inc({ rule: charges[i]!.rule });
      retryAfterMs = Math.max(retryAfterMs, verdict.retryAfterMs);
    });
    if (retryAfterMs > 0) throw new RateLimitedError(Math.ceil(retryAfterMs / 1000));
  }

  return {
    admit: async (route, req, authenticate) => {
      const authenticated = await authenticate?.().then(
        (caller) => ({ caller }),
        (error: unknown) => ({ error }),
      );
      const caller = authenticated && "caller" in authenticated ? authenticated.caller : undefined;
      await charge([...chargesOfClient(route, addressOf(req)), ...(caller ? chargesOfCaller(caller) : [])]);
      if (authenticated && "error" in authenticated) throw authenticated.error;
      return caller;
    },
    guardCall: (route, req, body, call) =>
      route.id === "login" && typeof body.email === "string"
        ? guardLogin(body.email, addressOf(req), call)
        : call(),
    close: () => store.close(),
  };
}
