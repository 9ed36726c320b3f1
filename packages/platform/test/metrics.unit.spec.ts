import { expect } from "chai";
import { context, propagation, trace } from "@opentelemetry/api";
import { eventsAppended, httpRequestDuration, metricsRegistry, projectionLag } from "../src/metrics.ts";
import { startTelemetry } from "../src/telemetry.ts";

describe("metrics", () => {
  it("exposes default Node metrics and ours in Prometheus text", async () => {
    httpRequestDuration.observe({ method: "GET", route: "/v1/memories/:id", status: "200" }, 0.004);
    eventsAppended.inc({ type: "MemoryCreated" });
    projectionLag.set({ projection: "memories" }, 3);
    const text = await metricsRegistry.metrics();
    expect(text).to.contain("process_cpu_user_seconds_total");
    expect(text).to.contain(
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/memories/:id",status="200"}',
    );
    expect(text).to.match(/events_appended_total\{type="MemoryCreated"\} \d+/);
    expect(text).to.contain('projection_lag_events{projection="memories"} 3');
  });
});

describe("telemetry", () => {
  it("is a no-op without OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    const stop = startTelemetry("test-service", {});
    // No SDK registered: spans stay non-recording, so nothing is traced or exported.
    const span = trace.getTracer("test").startSpan("probe");
    expect(span.isRecording()).to.equal(false);
    span.end();
    await stop();
  });

  it("starts and stops the SDK when an endpoint is configured", async () => {
    const stop = startTelemetry("test-service", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1" });
    await stop();
    await stop();
    // The SDK registered process-wide globals; leave none behind for the tests that follow.
    trace.disable();
    context.disable();
    propagation.disable();
  });
});
