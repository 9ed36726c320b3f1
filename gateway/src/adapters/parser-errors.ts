import { STATUS_CODES, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorBody } from "@second-brain/contracts";
import { securityHeaderLines } from "./security-headers.ts";

type ParserError = Error & { code?: string; rawPacket?: Buffer };

/**
 * Node's HTTP parser refuses a malformed request (a control character in a header or the path,
 * headers too large) before any route sees it, and by default answers a bare `400 Bad Request`
 * with no body. This answers it in the API's one error shape instead, naming the header when the
 * parser stopped on one.
 */
export function answerParserErrorsInShape(server: Server): void {
  server.on("clientError", (error: ParserError, socket: Duplex) => {
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status =
      error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const field = status === 400 ? offendingPart(error.rawPacket) : undefined;
    const body: ErrorBody = {
      error:
        status === 431
          ? { code: "HEADERS_TOO_LARGE", message: "The request headers are too large." }
          : status === 408
            ? { code: "REQUEST_TIMEOUT", message: "The request took too long to arrive." }
            : {
                code: "VALIDATION_FAILED",
                message: "The request is not valid HTTP.",
                details: [
                  { field: field ?? "request", message: "is not valid HTTP (e.g. a control character)" },
                ],
              },
    };
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\n${securityHeaderLines()}Connection: close\r\n\r\n${text}`,
    );
  });
}

/**
 * The header (by name) or `path` holding the first control character of the request head, so
 * the 400 can say which one was refused.
 */
function offendingPart(raw: Buffer | undefined): string | undefined {
  if (!raw) return undefined;
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString("latin1");
  const lines = head.split("\r\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line === "") break;
    if (![...line].some((char) => (char < " " && char !== "\t") || char === "\x7f")) continue;
    if (index === 0) return "path";
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    return /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/.test(name) ? name : "headers";
  }
  return undefined;
}
