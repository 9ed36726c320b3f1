import { httpRequestDuration, type createLogger } from "@second-brain/platform";
import type { GatewayRequest, GatewayResponse } from "./http-types.ts";

type Logger = ReturnType<typeof createLogger>;

/**
 * Times a request and, once it is answered, records one metric and writes one log line. Both name
 * the route pattern (the alias moleculer-web matched), never the raw URL: bounded metric labels,
 * and no query strings in logs.
 */
export function observeRequest(req: GatewayRequest, res: GatewayResponse, logger: Logger): void {
  const started = process.hrtime.bigint();
  res.once("finish", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeTemplate(req);
    httpRequestDuration.observe({ method: req.method ?? "", route, status: String(res.statusCode) }, seconds);
    logger.http("request", {
      method: req.method,
      route,
      status: res.statusCode,
      durationMs: Math.round(seconds * 1e6) / 1e3,
      requestID: req.$ctx?.requestID ?? undefined,
    });
  });
}

export function routeTemplate(req: GatewayRequest): string {
  return req.$alias?.fullPath ?? "unmatched";
}
