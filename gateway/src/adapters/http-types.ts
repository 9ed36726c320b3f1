import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "moleculer";
import type { CallMeta } from "@second-brain/contracts";

/**
 * What an action may set in its answer's meta to shape the HTTP response: the fields moleculer-web
 * documents for this (`$responseType`, `$responseHeaders`), which the gateway honours too.
 */
export interface GatewayMeta extends CallMeta {
  $responseType?: string;
  $responseHeaders?: Record<string, string>;
}

/**
 * Node's request with the pointers moleculer-web documents for alias handlers: `$ctx` (the
 * request's context), `$alias` (the alias it matched, with its `fullPath`), `$params` (with `mergeParams: false`: `{ body, query, params }`, the path
 * parameters under `params`) and the parsed `query`. Only what this gateway reads is declared.
 */
export interface GatewayRequest extends IncomingMessage {
  $ctx: Context<unknown, GatewayMeta>;
  $alias?: { fullPath: string };
  $params: { params?: Record<string, string> };
  query: Record<string, unknown>;
}

export type GatewayResponse = ServerResponse;

/** moleculer-web's documented method that answers an error through the route's `onError`. */
export type SendError = (req: GatewayRequest, res: GatewayResponse, error: unknown) => void;
