import { randomUUID } from "node:crypto";
import { verifyAccessToken, type SessionRevocations } from "@second-brain/auth";
import type { Caller } from "@second-brain/contracts";
import { keyedCommandId, type Config, type ObjectStore } from "@second-brain/platform";
import { API_ROUTES, type ApiRequest, type ApiRoute } from "../domain/api-routes.ts";
import { apiKeyCaller, sendsApiKey } from "./api-key-auth.ts";
import { MethodNotAllowedError } from "./error-response.ts";
import type { GatewayRequest, GatewayResponse } from "./http-types.ts";
import { fileBytesAtLeast, receiveUpload } from "./multipart-body.ts";
import type { RequestLimits } from "./rate-limit.ts";
import { readJsonBody } from "./request-body.ts";
import { bearerToken, idempotencyKey, ifMatchVersion } from "./request-headers.ts";
import { refuseForbiddenRequestText } from "./request-text.ts";
import { sendResult } from "./send-result.ts";
import { assertSessionLive } from "./session-liveness.ts";

export interface DispatchOptions {
  /** The deployment's limits: the body and file sizes, and those the request schemas name. */
  limits: Config["limits"];
  jwtSecret: string;
  /** Revoked sessions, asked after every token's signature. */
  revocations: SessionRevocations;
  /** Milliseconds since the epoch, for token expiry. */
  now: () => number;
  /** Where uploads are staged; without it an upload answers 503. */
  objects: ObjectStore | undefined;
  /** Answers a failure in the error shape. */
  answerError: (req: GatewayRequest, res: GatewayResponse, error: unknown) => void;
  onStreamError: (req: GatewayRequest, error: Error) => void;
  /** Rate limits and login backoff (adapters/rate-limit.ts); none when not given. */
  requestLimits?: RequestLimits | undefined;
}

type AliasHandler = (req: GatewayRequest, res: GatewayResponse) => void;

/**
 * The moleculer-web aliases of /api/v1: one handler function per path of API_ROUTES, for every
 * method. It picks the route by method (a known path with another method is a 405 naming the ones
 * it takes) and serves it, so the action may depend on the request (`actionFor`) and an upload is
 * streamed by the gateway itself.
 */
export function dispatchingAliases(options: DispatchOptions): Record<string, AliasHandler> {
  const byPath = new Map<string, ApiRoute[]>();
  for (const route of API_ROUTES) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  return Object.fromEntries(
    [...byPath].map(([path, routes]): [string, AliasHandler] => [
      path, // no method in the key: the alias takes every method
      (req, res) => {
        const route = routes.find((candidate) => candidate.method === req.method);
        const served = route
          ? serve(route, req, res, options)
          : Promise.reject(new MethodNotAllowedError(routes.map((candidate) => candidate.method)));
        served.catch((error: unknown) => options.answerError(req, res, error));
      },
    ]),
  );
}

/**
 * Everything about the HTTP request is checked before any action runs, cheapest first: the text
 * rule over path, query and headers, the access token, the headers the API reads, then the body
 * (bounded). Params are built by the route, field by field.
 */
async function serve(route: ApiRoute, req: GatewayRequest, res: GatewayResponse, options: DispatchOptions) {
  const ctx = req.$ctx;
  const meta = ctx.meta;
  meta.requestId = ctx.requestID ?? ctx.id;
  const path = req.$params.params ?? {};
  refuseForbiddenRequestText(req.headers, path, req.query);
  const authenticate = route.public
    ? undefined
    : async (): Promise<Caller> => {
        if (sendsApiKey(req.headers)) return apiKeyCaller(route, req);
        const caller = await verifyAccessToken(bearerToken(req.headers), options.jwtSecret, options.now());
        await assertSessionLive(caller, options.revocations, ctx);
        return caller;
      };
  const caller = options.requestLimits
    ? await options.requestLimits.admit(route, req, authenticate)
    : await authenticate?.();
  if (caller) meta.caller = caller;
  const version = ifMatchVersion(req.headers);
  if (version !== undefined) meta.ifMatch = version;
  const key = idempotencyKey(req.headers);
  if (key !== undefined) meta.idempotencyKey = key;
  meta.commandId =
    key === undefined ? randomUUID() : keyedCommandId(meta.caller?.userId ?? "", route.id, key);

  const result = route.multipart
    ? await callWithUpload(route, req, path, options)
    : await callWithJson(route, req, path, options);
  sendResult(res, result, {
    status: route.status ?? 200,
    location: route.location?.(result),
    meta,
    onStreamError: (error) => options.onStreamError(req, error),
  });
}

async function callWithJson(
  route: ApiRoute,
  req: GatewayRequest,
  path: Record<string, string>,
  options: DispatchOptions,
) {
  const maxBytes = Math.min(options.limits.maxBodyBytes, route.maxBodyBytes ?? Infinity);
  const body = await readJsonBody(req, maxBytes, { deleteHasBody: route.request?.body !== undefined });
  const request: ApiRequest = { body, query: req.query, path };
  const params = route.params(request, options.limits);
  const call = () => req.$ctx.call(route.actionFor?.(request) ?? route.action, params);
  return options.requestLimits ? options.requestLimits.guardCall(route, req, request.body, call) : call();
}

/**
 * The file is staged first; the action gets the facts only (the route's params plus filename,
 * stagedKey, size, sha256 and contentType), so no file crosses the broker. When the action fails,
 * the staged object goes.
 */
async function callWithUpload(
  route: ApiRoute,
  req: GatewayRequest,
  path: Record<string, string>,
  options: DispatchOptions,
) {
  // Checked before the first byte is stored: a bad path or query, a memory the caller cannot
  // attach to, or a declared size over the caller's quota, costs no upload.
  const params = route.params({ body: {}, query: req.query, path }, options.limits);
  if (route.checkBeforeBody) {
    const atLeast = fileBytesAtLeast(req);
    await req.$ctx.call(route.checkBeforeBody, {
      ...params,
      ...(atLeast === undefined ? {} : { fileBytesAtLeast: atLeast }),
    });
  }
  const upload = await receiveUpload(req, {
    objects: options.objects,
    ownerId: req.$ctx.meta.caller?.userId ?? "",
    maxFileBytes: options.limits.maxFileBytes,
  });
  try {
    return await req.$ctx.call(route.action, { ...params, ...upload });
  } catch (error) {
    await options.objects?.delete(upload.stagedKey).catch(() => undefined);
    throw error;
  }
}
