import net from "node:net";

/**
 * HTTP/1.1 over a bare socket, byte for byte as given: fetch and node:http refuse to send what
 * hostile-input tests must send (control characters in headers, bytes that are not UTF-8).
 */
export interface RawRequest {
  method: string;
  /** Already percent-encoded as it should appear on the wire (query included). */
  target: string;
  /** Header values are written as latin1 bytes, unchecked. */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export async function rawRequest(
  baseUrl: string,
  request: RawRequest,
  timeoutMs = 30_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    "Connection: close",
    ...(request.body ? [`Content-Length: ${request.body.length}`] : []),
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
  ].join("\r\n");
  const bytes = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), request.body ?? Buffer.alloc(0)]);
  const received = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    // No half-close after the request: the server ends the connection (Connection: close).
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may answer (e.g. 413) and close before it read the whole body: keep what arrived.
    socket.on("error", (error: NodeJS.ErrnoException) =>
      chunks.length > 0 && error.code !== undefined ? resolve(Buffer.concat(chunks)) : reject(error),
    );
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
  return parseResponse(received);
}

function parseResponse(raw: Buffer): RawResponse {
  const split = raw.indexOf("\r\n\r\n");
  if (split < 0)
    throw new Error(`not an HTTP response: ${JSON.stringify(raw.toString("latin1").slice(0, 200))}`);
  const [statusLine, ...lines] = raw.subarray(0, split).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(split + 4);
  if (headers["transfer-encoding"]?.includes("chunked")) body = dechunk(body);
  const text = body.toString("utf8");
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf("\r\n", offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * A socket to the stack for a request written piece by piece (an upload still under way), and
 * what it has received once `complete(text)` holds, the server closes it, or `timeoutMs` passes.
 */
export function openRawSocket(baseUrl: string, complete: (text: string) => boolean, timeoutMs: number) {
  const socket = net.connect(Number(new URL(baseUrl).port), "127.0.0.1");
  socket.on("error", () => undefined);
  const received = new Promise<string>((resolve) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (complete(text)) resolve(text);
    });
    socket.on("close", () => resolve(text));
    setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s: ${text}`), timeoutMs).unref();
  });
  return { socket, received };
}
