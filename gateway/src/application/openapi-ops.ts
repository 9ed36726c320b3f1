import { opsSchemas } from "@second-brain/contracts/schemas";
import { documentSchema } from "./openapi-components.ts";

/**
 * The operational endpoints (adapters/ops-routes.ts) in /openapi.json: public, outside /api/v1. Like every
 * route they answer 400 to a request head that cannot be read (adapters/parser-errors.ts).
 */
const operation = (operationId: string, summary: string, responses: Record<string, object>) => ({
  get: {
    operationId,
    summary,
    tags: ["Operations"],
    security: [],
    responses: {
      ...responses,
      "400": { $ref: "#/components/responses/E400" },
      default: { $ref: "#/components/responses/EUnexpected" },
    },
  },
});
const ok = (description: string, schema: unknown) => ({
  description,
  content: { "application/json": { schema: documentSchema(schema) } },
});
const text = (description: string, type: string) => ({
  description,
  content: { [type]: { schema: { type: "string" } } },
});

export const OPS_OPERATIONS: Record<string, Record<string, object>> = {
  "/health/live": operation("live", "The process is up", { "200": ok("Alive.", opsSchemas.Liveness) }),
  "/health/ready": operation(
    "ready",
    "This gateway can serve: its HTTP server is up and its broker connected",
    {
      "200": ok("Ready.", opsSchemas.Readiness),
      "503": ok("Not ready.", opsSchemas.Readiness),
    },
  ),
  "/health/details": operation(
    "healthDetails",
    "Every service with its dependencies and read models: ok, degraded or down",
    { "200": ok("The status of each part.", opsSchemas.HealthDetails) },
  ),
  "/metrics": operation("metrics", "Prometheus metrics", {
    "200": text("Prometheus text format.", "text/plain"),
  }),
  "/openapi.json": operation("openApi", "This document", {
    "200": ok("OpenAPI 3.1.", { type: "object", additionalProperties: true }),
  }),
  "/docs": operation("docs", "This document as a web page", { "200": text("HTML.", "text/html") }),
};
