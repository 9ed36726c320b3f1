import type { ServerResponse } from "node:http";
import { pipeline, type Readable } from "node:stream";
import type { GatewayMeta } from "./http-types.ts";

export interface ResultOptions {
  status: number;
  /** The Location of what a 201 created. */
  location?: string | undefined;
  /** The request's meta after the call: what the action set for its answer. */
  meta: GatewayMeta;
  /** A stream that fails after its headers went out can only be cut off; this hears about it. */
  onStreamError: (error: Error) => void;
}

const isReadable = (data: unknown): data is Readable =>
  typeof (data as { pipe?: unknown } | null)?.pipe === "function";

/**
 * Writes an action's answer: nothing for a 204 or an empty answer, the bytes of a stream (typed by
 * the action's `$responseType`), JSON for anything else. Headers the action set in
 * `$responseHeaders` go out as they are.
 */
export function sendResult(res: ServerResponse, data: unknown, options: ResultOptions): void {
  const { status, location, meta } = options;
  res.statusCode = status;
  if (location) res.setHeader("Location", location);
  for (const [name, value] of Object.entries(meta.$responseHeaders ?? {})) res.setHeader(name, value);
  if (status === 204 || data === null || data === undefined) {
    res.end();
    return;
  }
  if (isReadable(data)) {
    res.setHeader("Content-Type", meta.$responseType ?? "application/octet-stream");
    pipeline(data, res, (error) => {
      if (error) options.onStreamError(error);
    });
    return;
  }
  res.setHeader("Content-Type", meta.$responseType ?? "application/json; charset=utf-8");
  res.end(JSON.stringify(data));
}
