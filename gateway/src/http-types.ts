import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "moleculer";
import type { CallMeta } from "@second-brain/contracts";
import type { ApiRoute } from "./api-routes.ts";

/**
 * The fields moleculer-web hangs on Node's request while routing it, plus ours (`body` from the
 * JSON parser, `apiRoute` once an alias matched). Only what this gateway reads is declared.
 */
export interface GatewayMeta extends CallMeta {
  $statusCode?: number;
  $location?: string;
}

export interface GatewayRequest extends IncomingMessage {
  $ctx: Context<unknown, GatewayMeta>;
  $route?: { path: string; opts: { name?: string } };
  $alias?: { fullPath: string; routeId?: string; action?: string | null; params?: Record<string, string> };
  $params: Record<string, unknown>;
  $endpoint?: unknown;
  parsedUrl: string;
  query: Record<string, unknown>;
  body?: Record<string, unknown>;
  apiRoute?: ApiRoute;
  pathParams?: Record<string, string>;
}

export type GatewayResponse = ServerResponse;

/** moleculer-web's method that writes an error in the gateway's shape. */
export type SendError = (req: GatewayRequest, res: GatewayResponse, error: unknown) => void;
