import type { BrokerOptions } from "moleculer";
import type { Config } from "./config.ts";
import { moleculerLogger } from "./logger.ts";
import { requestContextMiddleware } from "./request-context.ts";
import { SchemaValidator } from "./schema-validator.ts";

/**
 * The AMQP transporter's options as Moleculer passes them to amqplib. `socketOptions` is forwarded
 * to `amqp.connect` but missing from Moleculer's published types, hence this wrapper.
 */
export interface AmqpTransporterSettings {
  url: string;
  /** Requests a node takes before acknowledging; Moleculer's default of 1 serialises each node. */
  prefetch: number;
  socketOptions: { noDelay: boolean };
  autoDeleteQueues?: boolean | number;
}

type TransporterOption = NonNullable<BrokerOptions["transporter"]>;

export function amqpTransporter(settings: AmqpTransporterSettings): TransporterOption {
  const options: { type: "AMQP"; options: AmqpTransporterSettings } = { type: "AMQP", options: settings };
  return options;
}

export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Seconds between AMQP heartbeats, unless RABBITMQ_URL sets `heartbeat`. A RabbitMQ that hangs
 * keeps its connections open, so without heartbeats the transporter would count as connected (and
 * the gateway as ready) while nothing answers; amqplib closes a connection that has heard nothing
 * for two heartbeats, and Moleculer then reconnects.
 */
export const AMQP_HEARTBEAT_SECONDS = 5;

function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("heartbeat"))
    parsed.searchParams.set("heartbeat", String(AMQP_HEARTBEAT_SECONDS));
  return parsed.toString();
}

/** One broker configuration for every process; the composition roots add their services to it. */
export function brokerOptions(config: Config, nodeID: string): BrokerOptions {
  return {
    namespace: config.namespace,
    nodeID,
    transporter:
      config.mode === "distributed"
        ? amqpTransporter({
            url: withHeartbeat(config.rabbitmqUrl),
            prefetch: config.amqpPrefetch,
            // Without noDelay Nagle's algorithm holds small request/response frames back (docs/floors.md).
            socketOptions: { noDelay: true },
          })
        : null,
    serializer: "JSON",
    // Action params are the API's TypeBox schemas, checked by Ajv with this process's limits (schema-validator.ts).
    validator: new SchemaValidator(config.limits),
    logger: moleculerLogger(config.logLevel),
    requestTimeout: REQUEST_TIMEOUT_MS,
    // A killed node is dropped from the registry within a few seconds, so calls go to live ones.
    heartbeatInterval: 2,
    heartbeatTimeout: 6,
    registry: { preferLocal: true },
    // A call pending on a node that is declared dead is rejected and sent again to a live node.
    // The dead node may have run it (appended, then died before answering), so what makes this
    // safe is the command id in ctx.meta, which the retry keeps: services derive their new stream
    // and event ids from it, and the event store keeps one copy (ARCHITECTURE.md, invariant 9).
    // Time-outs are not retried, although the ids would make that safe for the event log: the
    // caller has already waited the whole request timeout, a timeout mostly means an overloaded
    // service that retries would load further, and a few actions outside the log are not
    // idempotent (a refresh token used twice counts as stolen). A client that wants to retry sends
    // an Idempotency-Key and retries itself.
    retryPolicy: {
      enabled: true,
      retries: 5,
      delay: 100,
      maxDelay: 2000,
      factor: 2,
      check: (error) => (error as { type?: string }).type === "REQUEST_REJECTED",
    },
    middlewares: [requestContextMiddleware],
  };
}
