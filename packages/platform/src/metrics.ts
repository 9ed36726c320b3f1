import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** The one Prometheus registry of a process (served at /metrics), with Node's default metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: "http_request_duration_seconds",
  help: "Time to answer an HTTP request, by method, route pattern and status.",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const eventsAppended = new Counter({
  name: "events_appended_total",
  help: "Events appended to the event store, by event type.",
  labelNames: ["type"] as const,
  registers: [metricsRegistry],
});

export const projectionLag = new Gauge({
  name: "projection_lag_events",
  help: "Events in the log that a projection has not processed yet.",
  labelNames: ["projection"] as const,
  registers: [metricsRegistry],
});

export const projectionParkedStreams = new Gauge({
  name: "projection_parked_streams",
  help: "Streams a projection has parked: an event of each failed in a way a retry cannot fix.",
  labelNames: ["projection"] as const,
  registers: [metricsRegistry],
});
