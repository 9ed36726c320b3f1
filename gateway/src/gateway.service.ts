import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import ApiGateway from "moleculer-web";
import type { Service, ServiceBroker, ServiceSchema } from "moleculer";
import type { SessionRevocations } from "@second-brain/auth";
import { createLogger, type Config, type ObjectStore } from "@second-brain/platform";
import { dispatchingAliases } from "./adapters/api-dispatch.ts";
import { docsPage, openApiJsonFor, opsAliases } from "./adapters/ops-routes.ts";
import { toErrorResponse, writeErrorResponse } from "./adapters/error-response.ts";
import type { GatewayRequest, GatewayResponse } from "./adapters/http-types.ts";
import { dropUnacceptableRequestIds } from "./adapters/request-headers.ts";
import { observeRequest, routeTemplate } from "./adapters/request-log.ts";
import { DEFAULT_READINESS_SERVICES } from "./adapters/ops-endpoints.ts";
import { answerParserErrorsInShape } from "./adapters/parser-errors.ts";
import type { RequestLimits } from "./adapters/rate-limit.ts";
import { setSecurityHeaders } from "./adapters/security-headers.ts";

export interface GatewayServiceOptions {
  config: Pick<Config, "port" | "host" | "limits" | "logLevel">;
  jwtSecret: string;
  /** Revoked sign-in sessions, asked on every authenticated request. */
  revocations: SessionRevocations;
  /** Where uploads are streamed (staged) before the attachment service records them. */
  objects?: ObjectStore;
  /** Services /health/details expects (down when missing); default every service of the API. */
  readinessServices?: readonly string[];
  /** Milliseconds since the epoch, for token expiry; tests pass a fixed clock. */
  now?: () => number;
  /** Rate limits and login backoff; the gateway closes them when it stops. None when not given. */
  requestLimits?: RequestLimits;
}

/** moleculer-web's documented request handler for its middleware mode. */
type MiddlewareMode = { express(): (req: IncomingMessage, res: ServerResponse) => void };

/** Each gateway service's HTTP server, for gatewayPort. */
const servers = new WeakMap<Service, Server>();

/**
 * The REST gateway: moleculer-web serving /api/v1 (API.md) plus the operational endpoints, through
 * its documented features only (routes of aliases with handler functions, `onError`, middleware
 * mode). It authenticates locally (the access token is verified with the shared secret, no broker
 * round trip), reads a bounded JSON body or streams an upload, builds each action's params
 * explicitly and answers every failure in the one error shape.
 *
 * The HTTP server is the gateway's own, so it can answer the parser's refusals in the error shape
 * and time every request from its first byte; it hands each request to moleculer-web.
 */
export function gatewayService(options: GatewayServiceOptions): ServiceSchema {
  const { config } = options;
  const logger = createLogger("gateway", config.logLevel);
  const readinessServices = options.readinessServices ?? DEFAULT_READINESS_SERVICES;

  function onError(req: GatewayRequest, res: GatewayResponse, error: unknown) {
    // Nothing to answer and no server fault: the request was answered already (a multipart body
    // that ends early fails once as a whole and again in the file's own stream), or the client left
    // before its body arrived (whatever that surfaced as: an aborted stream, a premature close).
    if (res.writableEnded || (!req.complete && req.socket.destroyed)) return;
    const response = toErrorResponse(error);
    // Without If-Match the client named no version: its 409 comes from a concurrent writer.
    if (response.code === "VERSION_CONFLICT" && req.headers["if-match"] === undefined)
      response.message =
        "Another change to this resource was saved at the same moment; read it again and retry.";
    if (response.status === 503) {
      logger.warn("dependency unavailable", { route: routeTemplate(req), reason: (error as Error)?.message });
    } else if (response.status >= 500) {
      const { name, message, stack } = (error ?? {}) as Error;
      logger.error("request failed", {
        route: routeTemplate(req),
        status: response.status,
        error: { name, message, stack },
      });
    }
    writeErrorResponse(res, response);
  }

  return {
    name: "gateway",
    mixins: [ApiGateway as unknown as Partial<ServiceSchema>],
    settings: {
      // Middleware mode: the server below is ours (created, listening and closed here).
      server: false,
      // moleculer-web's own request logging would print params; we log one structured line instead.
      logRequest: null,
      logResponse: null,
      logRequestParams: null,
      logResponseData: null,
      logRouteRegistration: null,
      log4XXResponses: false,
      onError,
      routes: [
        {
          name: "api",
          path: "/api/v1",
          mappingPolicy: "restrict",
          mergeParams: false,
          bodyParsers: false,
          logging: false,
          aliases: dispatchingAliases({
            limits: config.limits,
            jwtSecret: options.jwtSecret,
            revocations: options.revocations,
            now: options.now ?? Date.now,
            objects: options.objects,
            answerError: onError,
            requestLimits: options.requestLimits,
            onStreamError: (req, error) =>
              logger.warn("response stream failed", { route: routeTemplate(req), reason: error.message }),
          }),
          onError,
        },
        {
          name: "ops",
          path: "/",
          mappingPolicy: "restrict",
          bodyParsers: false,
          logging: false,
          // Built once: the document is fixed for the life of the process.
          aliases: opsAliases({ readinessServices, openApiJson: openApiJsonFor(config.limits), docsPage }),
          onError,
        },
      ],
    } as ServiceSchema["settings"],
    created(this: Service) {
      const handle = (this as unknown as MiddlewareMode).express();
      const server = createServer((req, res) => {
        setSecurityHeaders(res);
        dropUnacceptableRequestIds(req.headers);
        observeRequest(req as GatewayRequest, res, logger);
        handle(req, res);
      });
      answerParserErrorsInShape(server);
      servers.set(this, server);
    },
    started(this: Service) {
      const server = servers.get(this)!;
      return new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          server.on("error", (error) => logger.error("HTTP server error", { reason: error.message }));
          resolve();
        });
      });
    },
    async stopped(this: Service) {
      const server = servers.get(this)!;
      if (server.listening)
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
      await options.requestLimits?.close();
    },
  };
}

/** The port the gateway listens on (useful with port 0). */
export function gatewayPort(broker: ServiceBroker): number {
  const service = broker.getLocalService("gateway") as Service | undefined;
  const address = service && servers.get(service)?.address();
  if (!address || typeof address === "string") throw new Error("The gateway is not listening.");
  return address.port;
}
