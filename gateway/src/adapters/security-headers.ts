import type { ServerResponse } from "node:http";

/**
 * What every answer of the gateway may do in a browser: nothing. Its answers are JSON, bytes of a
 * user's file or metrics, none of which a browser should run, frame or fetch anything for; a file a
 * user uploaded as HTML stays inert even if a browser is tricked into rendering it. The one page
 * meant for a browser, /docs, replaces this policy with its own (docs-page.ts).
 */
export const API_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "sandbox",
].join("; ");

/**
 * Set on every answer before any route runs, errors included; a route may replace one (the docs
 * page its policy, the versioned Redoc script its caching). `no-store` because the API's answers
 * carry personal data that no shared or browser cache should keep.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
  "Cache-Control": "no-store",
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** The same headers as lines of a raw HTTP head, for answers written straight to the socket. */
export function securityHeaderLines(): string {
  return Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
}
