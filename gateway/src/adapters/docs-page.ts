import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * /docs: Redoc (the `redoc` package's standalone bundle) rendering /openapi.json, with a table of
 * contents, search and every schema. The script is served by the gateway itself from the installed
 * package, so the page works offline and shows exactly the document this gateway serves.
 */
const require = createRequire(import.meta.url);
const redocVersion = (require("redoc/package.json") as { version: string }).version;

/** Versioned, so a browser may keep it for a year: an upgrade changes the URL. */
export const REDOC_SCRIPT_PATH = `/docs/redoc-${redocVersion}.standalone.js`;

let redocScript: Buffer | undefined;

/** The bundle, read once on first use (about 1 MB). */
export function redocStandaloneScript(): Buffer {
  redocScript ??= readFileSync(require.resolve("redoc/bundles/redoc.standalone.js"));
  return redocScript;
}

/**
 * What the page may load: its own script and the document, nothing from elsewhere (so Redoc's
 * footer logo, which it would fetch from its CDN, is not loaded). Redoc writes its styles inline
 * and runs its search index in a blob worker.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export function renderDocsPage(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{margin:0}</style></head>
<body>
<noscript><p>This reference needs JavaScript. The document it shows is <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<redoc spec-url="/openapi.json" required-props-first="true"></redoc>
<script src="${REDOC_SCRIPT_PATH}"></script>
</body></html>
`;
}
