import type { Service } from "moleculer";
import type { GatewayRequest, GatewayResponse, SendError } from "./http-types.ts";
import { renderDocsPage } from "./docs-page.ts";
import { openApiDocument } from "./openapi.ts";
import { healthDetails, readiness, sendJson, sendMetrics, sendText } from "./ops-endpoints.ts";

/** Built once: the document is static. */
export const openApiJson = JSON.stringify(openApiDocument);
export const docsPage = renderDocsPage(openApiDocument as never);

interface OpsOptions {
  readinessServices: readonly string[];
  openApiJson: string;
  docsPage: string;
}

type Handler = (this: Service & { sendError: SendError }, req: GatewayRequest, res: GatewayResponse) => void;

/** moleculer-web aliases with plain handlers (no action call, no auth) for the operational endpoints. */
export function opsAliases(options: OpsOptions): Record<string, Handler> {
  return {
    "GET /health/live"(_req, res) {
      sendJson(res, 200, { status: "ok" });
    },
    "GET /health/ready"(_req, res) {
      const result = readiness(this.broker);
      sendJson(res, result.status === "ok" ? 200 : 503, result);
    },
    "GET /health/details"(req, res) {
      healthDetails(this.broker, options.readinessServices).then(
        (result) => sendJson(res, 200, result),
        (error: unknown) => this.sendError(req, res, error),
      );
    },
    "GET /metrics"(req, res) {
      sendMetrics(res).catch((error: unknown) => this.sendError(req, res, error));
    },
    "GET /openapi.json"(_req, res) {
      sendText(res, "application/json; charset=utf-8", options.openApiJson);
    },
    "GET /docs"(_req, res) {
      sendText(res, "text/html; charset=utf-8", options.docsPage);
    },
  };
}
