import type { BrokerOptions } from "moleculer";
import type { Config } from "./config.ts";
import { moleculerLogger } from "./logger.ts";
import { requestContextMiddleware } from "./request-context.ts";

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

/** One broker configuration for every process; the composition roots add their services to it. */
export function brokerOptions(config: Config, nodeID: string): BrokerOptions {
  return {
    namespace: config.namespace,
    nodeID,
    transporter:
      config.mode === "distributed"
        ? amqpTransporter({
            url: config.rabbitmqUrl,
            prefetch: config.amqpPrefetch,
            // Without noDelay Nagle's algorithm holds small request/response frames back (FLOORS.md).
            socketOptions: { noDelay: true },
          })
        : null,
    serializer: "JSON",
    logger: moleculerLogger(config.logLevel),
    requestTimeout: REQUEST_TIMEOUT_MS,
    // A killed node is dropped from the registry within a few seconds, so calls go to live ones.
    heartbeatInterval: 2,
    heartbeatTimeout: 6,
    registry: { preferLocal: true },
    // A call sent to a node that died before taking it is rejected when the node is declared
    // dead; the request never ran, so it is safe to send again to a live node. Time-outs are
    // not retried: that request may have run.
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
