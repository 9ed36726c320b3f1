import type { IncomingHttpHeaders } from "node:http";
import { refuseForbiddenText } from "@second-brain/contracts";

/**
 * The request headers the API reads, by the name a client knows them under. Node's HTTP parser
 * already refuses most control characters in headers; the rule is applied again here so that it
 * holds whatever parser sits in front.
 */
const HEADERS_READ: Record<string, string> = {
  authorization: "Authorization",
  "content-type": "Content-Type",
  "if-match": "If-Match",
  "idempotency-key": "Idempotency-Key",
  "x-request-id": "X-Request-ID",
  "x-correlation-id": "X-Correlation-ID",
  "x-api-key": "X-API-Key",
};

/**
 * The text rule (packages/contracts, text-rule.ts) over everything of a request but its body:
 * the headers the API reads, the path parameters and the query (keys included). The JSON body is
 * checked as it is read (request-body.ts), the multipart file name as the upload starts.
 */
export function refuseForbiddenRequestText(
  headers: IncomingHttpHeaders,
  pathParams: Record<string, unknown>,
  query: Record<string, unknown>,
): void {
  for (const [header, name] of Object.entries(HEADERS_READ)) {
    if (headers[header] !== undefined) refuseForbiddenText(headers[header], name);
  }
  refuseForbiddenText(pathParams, "path");
  refuseForbiddenText(query, "query");
}
