import type { Caller } from "@second-brain/contracts";
import { keyedDigest, type RateLimitsConfig } from "@second-brain/platform";
import type { WindowRule } from "./sliding-window.ts";

/**
 * Who is limited for what (docs/API.md, "Rate limits"). A limit is counted per subject, a string
 * that names who is counted: `user:<id>`, `key:<api key id>`, `ip:<address>`. The rules are sliding
 * windows (domain/sliding-window.ts); login failures have their own backoff (login-backoff.ts).
 */
export type RequestRuleName = "user" | "apiKey" | "ip" | "anonymous" | "registration";

export interface RequestRule extends WindowRule {
  name: RequestRuleName;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export function requestRules(config: RateLimitsConfig): Record<RequestRuleName, RequestRule> {
  return {
    user: { name: "user", limit: config.userPerMinute, windowMs: MINUTE_MS },
    apiKey: { name: "apiKey", limit: config.apiKeyPerMinute, windowMs: MINUTE_MS },
    ip: { name: "ip", limit: config.ipPerMinute, windowMs: MINUTE_MS },
    anonymous: { name: "anonymous", limit: config.anonymousPerMinute, windowMs: MINUTE_MS },
    registration: { name: "registration", limit: config.registrationsPerHour, windowMs: HOUR_MS },
  };
}

/** A rule applied to one subject. */
export interface Charge {
  rule: RequestRuleName;
  subject: string;
}

/**
 * What a request from `address` to a route is charged before anyone is authenticated: every request
 * counts towards its address's ceiling; one without a token (the public routes) also towards the
 * address's anonymous rule, and a registration towards the registrations of its address.
 */
export function chargesOfClient(route: { id: string; public?: true }, address: string): Charge[] {
  const subject = `ip:${address}`;
  return [
    { rule: "ip", subject },
    ...(route.public ? [{ rule: "anonymous" as const, subject }] : []),
    ...(route.id === "register" ? [{ rule: "registration" as const, subject }] : []),
  ];
}

/**
 * What an authenticated request is charged: its user, and the API key it came with, so a key (an
 * assistant's, say) has a limit of its own besides its user's.
 */
export function chargesOfCaller(caller: Caller): Charge[] {
  const user: Charge = { rule: "user", subject: `user:${caller.userId}` };
  return caller.apiKeyId ? [user, { rule: "apiKey", subject: `key:${caller.apiKeyId}` }] : [user];
}

/**
 * Login failures are counted per account by a digest of its email keyed with the gateways' secret,
 * never the email itself: the counters (in Redis in the distributed mode) hold no address, and
 * whoever reads them without the key cannot confirm a guessed address either. The email is
 * normalised as the identity service stores it (trimmed, lower-cased), so `Ada@x` and `ada@x` are
 * one account.
 */
export function accountSubject(email: string, key: Buffer): string {
  return `account:${keyedDigest(key, "login account", email.trim().toLowerCase()).slice(0, 32)}`;
}

/**
 * Login backoff (docs/API.md, "Rate limits", for the reasoning). Failures are counted per (account,
 * address) pair, per address, and per account; each counter is a fixed window from its first
 * failure, which is all a count of failures needs.
 */
export const LOGIN_BACKOFF = {
  /** The window of a pair's failures, and how long a pair stays blocked once it has too many. */
  pairSeconds: 15 * 60,
  /** The same for an address, over every account it tried. */
  addressSeconds: 60 * 60,
  /** The window of an account's failures from anywhere. */
  accountSeconds: 60 * 60,
  /**
   * How long a successful login makes its address a known place of the account. Three weeks: the
   * in-process store times each counter with setTimeout, which takes at most 24.8 days.
   */
  knownPlaceSeconds: 21 * 24 * 60 * 60,
} as const;
