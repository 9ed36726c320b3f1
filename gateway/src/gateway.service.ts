import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import ApiGateway from "moleculer-web";
import type { Context, Service, ServiceBroker, ServiceSchema } from "moleculer";
import { verifyAccessToken } from "@second-brain/auth";
import {
  createLogger,
  httpRequestDuration,
  keyedCommandId,
  toMoleculerError,
  type Config,
  type ObjectStore,
} from "@second-brain/platform";
import { API_ROUTES_BY_ID, apiAliases } from "./api-routes.ts";
import { docsPage, openApiJson, opsAliases } from "./ops-routes.ts";
import { MethodNotAllowedError, toErrorResponse, writeErrorResponse } from "./error-response.ts";
import type { GatewayMeta, GatewayRequest, GatewayResponse, SendError } from "./http-types.ts";
import { acceptableRequestId, bearerToken, idempotencyKey, ifMatchVersion } from "./request-headers.ts";
import { readJsonBody } from "./request-body.ts";
import { refuseForbiddenRequestText } from "./request-text.ts";
import { checkMultipartRequest, multipartLimits, stageUploadBeforeCall } from "./multipart-body.ts";
import { DEFAULT_READINESS_SERVICES } from "./ops-endpoints.ts";
import { answerParserErrorsInShape } from "./parser-errors.ts";

export interface GatewayServiceOptions {
  config: Pick<Config, "port" | "limits" | "logLevel">;
  jwtSecret: string;
  /** Where uploads are streamed (staged) before the attachment service records them. */
  objects?: ObjectStore;
  /** Services /health/details expects (down when missing); default every service of the API. */
  readinessServices?: readonly string[];
  /** Milliseconds since the epoch, for token expiry; tests pass a fixed clock. */
  now?: () => number;
}

type Next = (error?: unknown) => void;
type GatewayThis = Service & {
  resolveAlias(
    url: string,
    method: string,
  ):
    | { alias: { route: unknown; routeId?: string; fullPath: string }; params: Record<string, unknown> }
    | false;
  aliases: { route: unknown; method: string; match(url: string): unknown }[];
  server: { address(): AddressInfo | string | null };
};

const gatewayMethods = (ApiGateway as unknown as { methods: Record<string, (...args: unknown[]) => unknown> })
  .methods;

/**
 * The REST gateway: moleculer-web serving /api/v1 (API.md) plus the operational endpoints. It
 * authenticates locally (the access token is verified with the shared secret, no broker round
 * trip), reads a bounded JSON body, builds each action's params explicitly and answers every
 * failure in the one error shape.
 */
export function gatewayService(options: GatewayServiceOptions): ServiceSchema {
  const { config, jwtSecret } = options;
  const now = options.now ?? Date.now;
  const logger = createLogger("gateway", config.logLevel);
  const readinessServices = options.readinessServices ?? DEFAULT_READINESS_SERVICES;

  function onError(this: Service, req: GatewayRequest, res: GatewayResponse, error: unknown) {
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

  /** Route middleware: runs before moleculer-web resolves the action, so a bad request costs nothing. */
  async function prepare(this: GatewayThis, req: GatewayRequest) {
    const ctx = req.$ctx;
    ctx.meta.requestId = ctx.requestID ?? ctx.id;
    const found = this.resolveAlias(req.parsedUrl, req.method ?? "GET");
    if (!found || found.alias.route !== req.$route) {
      const allowed = this.aliases.filter(
        (alias) => alias.route === req.$route && alias.match(req.parsedUrl),
      );
      if (allowed.length > 0) throw new MethodNotAllowedError(allowed.map((alias) => alias.method));
      return; // moleculer-web answers 404
    }
    const apiRoute = API_ROUTES_BY_ID.get(found.alias.routeId ?? "")!;
    req.apiRoute = apiRoute;
    (req as { routeTemplate?: string }).routeTemplate = found.alias.fullPath;
    refuseForbiddenRequestText(req.headers, found.params, req.query);
    if (!apiRoute.public)
      ctx.meta.caller = await verifyAccessToken(bearerToken(req.headers), jwtSecret, now());
    const version = ifMatchVersion(req.headers);
    if (version !== undefined) ctx.meta.ifMatch = version;
    const key = idempotencyKey(req.headers);
    if (key !== undefined) ctx.meta.idempotencyKey = key;
    ctx.meta.commandId =
      key === undefined ? randomUUID() : keyedCommandId(ctx.meta.caller?.userId ?? "", apiRoute.id, key);
    if (apiRoute.multipart) {
      checkMultipartRequest(req, config.limits.maxFileBytes);
      stageUploadBeforeCall(req, ctx, {
        objects: options.objects,
        ownerId: ctx.meta.caller?.userId ?? "",
        maxFileBytes: config.limits.maxFileBytes,
      });
    } else
      req.body = await readJsonBody(
        req,
        Math.min(config.limits.maxBodyBytes, apiRoute.maxBodyBytes ?? Infinity),
      );
  }

  return {
    name: "gateway",
    mixins: [ApiGateway as unknown as Partial<ServiceSchema>],
    settings: {
      port: config.port,
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
          aliases: apiAliases(),
          busboyConfig: multipartLimits(config.limits.maxFileBytes),
          use: [
            function (this: GatewayThis, req: GatewayRequest, _res: GatewayResponse, next: Next) {
              prepare.call(this, req).then(
                () => next(),
                (error: unknown) => next(toMoleculerError(error)),
              );
            },
          ],
          onBeforeCall(
            this: Service,
            ctx: Context<unknown, GatewayMeta>,
            route: { callOptions?: object },
            req: GatewayRequest,
            _res: GatewayResponse,
            alias: { action: string },
          ) {
            const apiRoute = req.apiRoute!;
            const path = ((req.$params as { params?: Record<string, string> }).params ?? {}) as Record<
              string,
              string
            >;
            const request = { body: req.body ?? {}, query: req.query ?? {}, path };
            req.$params = apiRoute.params(request);
            const action = apiRoute.actionFor?.(request) ?? apiRoute.action;
            if (action !== alias.action) {
              const endpoint = (this.broker as ServiceBroker).findNextActionEndpoint(
                action,
                route.callOptions,
                ctx,
              );
              if (endpoint instanceof Error) throw endpoint;
              req.$endpoint = endpoint;
            }
            if (apiRoute.status) ctx.meta.$statusCode = apiRoute.status;
          },
          onAfterCall(
            ctx: Context<unknown, GatewayMeta>,
            _route: unknown,
            req: GatewayRequest,
            _res: GatewayResponse,
            data: unknown,
          ) {
            const location = req.apiRoute?.location?.(data);
            if (location) ctx.meta.$location = location;
            return data;
          },
          onError,
        },
        {
          name: "ops",
          path: "/",
          mappingPolicy: "restrict",
          bodyParsers: false,
          logging: false,
          aliases: opsAliases({ readinessServices, openApiJson, docsPage }),
          onError,
        },
      ],
    } as ServiceSchema["settings"],
    created(this: Service) {
      answerParserErrorsInShape((this as Service & { server: Server }).server);
    },
    methods: {
      /** Every request passes here first: request id hygiene, timing, one log line, one metric. */
      httpHandler(this: GatewayThis, req: GatewayRequest, res: GatewayResponse, next?: unknown) {
        for (const header of ["x-request-id", "x-correlation-id"]) {
          if (req.headers[header] !== undefined && !acceptableRequestId(req.headers[header]))
            delete req.headers[header];
        }
        const started = process.hrtime.bigint();
        res.once("finish", () => {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const route = routeTemplate(req);
          httpRequestDuration.observe(
            { method: req.method ?? "", route, status: String(res.statusCode) },
            seconds,
          );
          logger.http("request", {
            method: req.method,
            route,
            status: res.statusCode,
            durationMs: Math.round(seconds * 1e6) / 1e3,
            requestID: req.$ctx?.requestID ?? undefined,
          });
        });
        return gatewayMethods.httpHandler!.call(this, req, res, next);
      },
      /** moleculer-web's default logs error data, which may hold personal content; onError logs instead. */
      errorHandler(
        this: Service & { sendError: SendError },
        req: GatewayRequest,
        res: GatewayResponse,
        error: unknown,
      ) {
        this.sendError(req, res, error);
      },
    },
  };
}

/** The route pattern, never the raw URL: bounded metric labels, and no query strings in logs. */
function routeTemplate(req: GatewayRequest): string {
  return (req as { routeTemplate?: string }).routeTemplate ?? req.$alias?.fullPath ?? "unmatched";
}

/** The port the gateway listens on (useful with port 0). */
export function gatewayPort(broker: ServiceBroker): number {
  const service = broker.getLocalService("gateway") as unknown as GatewayThis | undefined;
  const address = service?.server.address();
  if (!address || typeof address === "string") throw new Error("The gateway is not listening.");
  return address.port;
}
