/**
 * /docs: a self-contained HTML page made from the OpenAPI document (no scripts, no CDN), so the
 * docs work offline and cannot drift from /openapi.json.
 */
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: readonly string[];
  security?: readonly unknown[];
  parameters?: readonly { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description?: string; $ref?: string }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, { description?: string }> };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;margin-top:2.5rem}section.op{border:1px solid #e3e3e3;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}code,pre{font:13px/1.4 ui-monospace,monospace}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}td{padding:0 .75rem .25rem 0;vertical-align:top}.lock{color:#a60}`;

export function renderDocsPage(document: Document): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const tag = operation.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(document, path, method, operation)]);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>\n${ops.join("\n")}`);
  const schemas = Object.entries(document.components.schemas).map(
    ([name, schema]) =>
      `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(document.info.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description ?? "")}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Operations marked <span class="lock">🔒</span> need <code>Authorization: Bearer &lt;accessToken&gt;</code>.</p>
${sections.join("\n")}
<h2>Schemas</h2>
${schemas.join("\n")}
</body></html>
`;
}

function renderOperation(document: Document, path: string, method: string, op: Operation): string {
  const secured = op.security === undefined || op.security.length > 0;
  const params = (op.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}${p.required ? ", required" : ""}</td><td>${escapeHtml(p.description ?? "")}</td></tr>`,
  );
  const requestSchema = op.requestBody ? Object.values(op.requestBody.content)[0]?.schema : undefined;
  const responses = Object.entries(op.responses).map(([status, response]) => {
    const description = response.$ref
      ? document.components.responses[response.$ref.split("/").pop()!]?.description
      : response.description;
    return `<tr><td><code>${escapeHtml(status)}</code></td><td colspan="2">${escapeHtml(description ?? "")}</td></tr>`;
  });
  return `<section class="op" id="${escapeHtml(op.operationId ?? `${method}-${path}`)}">
<p><span class="m">${escapeHtml(method)}</span><code>${escapeHtml(path)}</code> ${secured ? '<span class="lock">🔒</span>' : ""}<br>${escapeHtml(op.summary ?? "")}</p>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ""}
${params.length ? `<table>${params.join("")}</table>` : ""}
${requestSchema ? `<p>Body: ${schemaLink(requestSchema)}</p>` : ""}
<table>${responses.join("")}</table>
</section>`;
}

function schemaLink(schema: unknown): string {
  const ref = (schema as { $ref?: string }).$ref;
  if (!ref) return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
  const name = ref.split("/").pop()!;
  return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
}
