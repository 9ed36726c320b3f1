import { createRequire } from "node:module";

type SdkModule = typeof import("@opentelemetry/sdk-node");

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (the SDK reads the rest of
 * its OTEL_* settings itself). Without it nothing is loaded: the SDK and its exporters are heavy
 * and most runs, tests included, do not export traces. Returns the shutdown function.
 */
export function startTelemetry(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): () => Promise<void> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return async () => undefined;
  const { NodeSDK } = createRequire(import.meta.url)("@opentelemetry/sdk-node") as SdkModule;
  const sdk = new NodeSDK({ serviceName });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return () => (stopped ??= sdk.shutdown());
}
