import { Counter } from "prom-client";
import { metricsRegistry } from "@second-brain/platform";

export const rateLimitedRequests = new Counter({
  name: "rate_limited_requests_total",
  help: "Requests refused with 429, by the rule that refused them.",
  labelNames: ["rule"] as const,
  registers: [metricsRegistry],
});

export const rateLimitFailOpen = new Counter({
  name: "rate_limit_fail_open_total",
  help: "Rate-limit checks skipped because their store (Redis) did not answer: the request was served.",
  registers: [metricsRegistry],
});
