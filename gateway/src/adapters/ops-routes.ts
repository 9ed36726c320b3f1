import type { Service } from "moleculer";
import type { GatewayRequest, GatewayResponse, SendError } from "./http-types.ts";
import {
  DOCS_CONTENT_SECURITY_POLICY,
  REDOC_SCRIPT_PATH,
  redocStandaloneScript,
  renderDocsPage,
} from "./docs-page.ts";
import type { Limits } from "@second-brain/contracts";
import { withLimits } from "@second-brain/contracts/schemas";
import { openApiDocument } from "../application/openapi.ts";
import { healthDetails, readiness, sendJson, sendMetrics, sendText } from "./ops-endpoints.ts";

/** Tags a reader meets first in the reference (how to get a token comes before everything else). */
const FIRST_TAGS = ["Identity"];

/**
 * The document with FIRST_TAGS at the head of its tag list, the rest as they were: a renderer
 * lists tags in this order (and tags the list leaves out after it).
 */
export function withTagsFirst<T extends { tags?: readonly { name: string }[] }>(
  document: T,
  first: readonly string[],
): T & { tags: { name: string }[] } {
  const tags = document.tags ?? [];
  const head = first.map((name) => tags.find((tag) => tag.name === name) ?? { name });
  return { ...document, tags: [...head, ...tags.filter((tag) => !first.includes(tag.name))] };
}

/** The served document: it states the deployment's limits, not the defaults (with-limits.ts). */
export const openApiJsonFor = (limits: Limits) =>
  JSON.stringify(withTagsFirst(withLimits(openApiDocument, limits), FIRST_TAGS));
export const docsPage = renderDocsPage(openApiDocument.info.title);

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
      res.setHeader("Content-Security-Policy", DOCS_CONTENT_SECURITY_POLICY);
      sendText(res, "text/html; charset=utf-8", options.docsPage);
    },
    [`GET ${REDOC_SCRIPT_PATH}`](_req, res) {
      res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
      sendText(res, "text/javascript; charset=utf-8", redocStandaloneScript());
    },
  };
}
