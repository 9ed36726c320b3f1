import { expect } from "chai";
import { ApiClient } from "../src/api-client.ts";
import { operationsOf, validObject, type Operation } from "../src/openapi-targets.ts";
import { rawRequest } from "../src/raw-http.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

/** What every answer carries, whatever its route or status. */
const EVERYWHERE = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};
/** The policy of every answer but the docs page: nothing may load, run or frame it. */
const LOCKED_DOWN = ["default-src 'none'", "frame-ancestors 'none'", "sandbox"];

function expectSecurityHeaders(what: string, headers: Headers | Record<string, string>, docs = false) {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] ?? null));
  for (const [name, value] of Object.entries(EVERYWHERE))
    expect(get(name), `${what}: ${name}`).to.equal(value);
  const policy = get("content-security-policy") ?? "";
  const directives = policy.split(";").map((directive) => directive.trim());
  if (docs) expect(directives, `${what}: content-security-policy`).to.include("frame-ancestors 'none'");
  else expect(directives, `${what}: content-security-policy`).to.include.members(LOCKED_DOWN);
}

function expectNoStore(what: string, headers: Headers | Record<string, string>) {
  const value = headers instanceof Headers ? headers.get("cache-control") : headers["cache-control"];
  expect(
    value?.split(",").map((part) => part.trim()),
    `${what}: cache-control`,
  ).to.include("no-store");
}

// Every answer of the gateway carries the security headers, in both run modes: each operation of
// the served OpenAPI document (successes and refusals alike), the operational endpoints, the docs
// page and its script, and the error answers (unknown path, bad input, no token, a request Node's
// parser refuses). Every /api/v1 answer is `no-store`: they carry personal data.
for (const mode of RUN_MODES) {
  describe(`security headers (${mode})`, function () {
    this.timeout(120_000);
    const env = useStack(mode);

    it("are on the answer of every operation in /openapi.json, and API answers are not stored", async () => {
      const baseUrl = env.stack.baseUrl;
      const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Parameters<
        typeof operationsOf
      >[0];
      // A user of its own: some operations end the caller's session (logout, password change) or
      // erase the caller, so those go last.
      const api = new ApiClient(baseUrl);
      await api.registerUser();
      const memory = await api.request("POST", "/api/v1/memories", { content: "headers", tags: ["h"] });
      const session = await api.request("POST", "/api/v1/sessions", { title: "headers" });
      expect([memory.status, session.status]).to.deep.equal([201, 201]);
      const pathValue = (path: string, name: string) =>
        name === "streamId"
          ? memory.body.id
          : name === "name"
            ? path.startsWith("/api/v1/tags")
              ? "h"
              : "memories"
            : path.startsWith("/api/v1/sessions")
              ? session.body.id
              : memory.body.id;
      const known = { targetId: memory.body.id, into: "h2", tags: "h" };

      const operations = operationsOf(document);
      const endsSession = (op: Operation) =>
        (op.method === "DELETE" && op.path === "/api/v1/users/me") ||
        ["/api/v1/auth/logout", "/api/v1/auth/password"].includes(op.path);
      const ordered = [...operations.filter((op) => !endsSession(op)), ...operations.filter(endsSession)];
      expect(ordered.length).to.be.greaterThan(20);
      const statuses: string[] = [];
      for (const op of ordered) {
        let path = op.path;
        for (const parameter of op.parameters.filter((p) => p.in === "path"))
          path = path.replace(`{${parameter.name}}`, encodeURIComponent(pathValue(op.path, parameter.name)));
        const headers: Record<string, string> = { authorization: `Bearer ${api.token}` };
        let body: FormData | string | undefined;
        if (op.multipart) {
          body = new FormData();
          body.append("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
        } else if (["POST", "PUT", "PATCH"].includes(op.method)) {
          headers["content-type"] = "application/json";
          body = JSON.stringify(op.body ? validObject(op.body, known) : {});
        }
        if (op.parameters.some((p) => p.in === "header" && p.name === "If-Match")) headers["if-match"] = "1";
        const response = await fetch(`${baseUrl}${path}`, {
          method: op.method,
          headers,
          ...(body ? { body } : {}),
        });
        await response.arrayBuffer();
        const what = `${op.method} ${op.path} (${response.status})`;
        statuses.push(what);
        expect(response.status, what).to.be.below(500);
        expectSecurityHeaders(what, response.headers, op.path === "/docs");
        if (op.path.startsWith("/api/v1/")) expectNoStore(what, response.headers);
      }
      // Most answers are the route's own success, not only refusals.
      expect(
        statuses.filter((what) => / \(2\d\d\)$/.test(what)).length,
        statuses.join("\n"),
      ).to.be.greaterThan(operations.length / 2);
    });

    it("are on the operational endpoints, the docs page and its script", async () => {
      const baseUrl = env.stack.baseUrl;
      for (const path of ["/health/live", "/health/ready", "/health/details", "/metrics", "/openapi.json"]) {
        const response = await fetch(`${baseUrl}${path}`);
        await response.arrayBuffer();
        expect(response.status, path).to.equal(200);
        expectSecurityHeaders(path, response.headers);
      }
      const docs = await fetch(`${baseUrl}/docs`);
      const page = await docs.text();
      expect(docs.status).to.equal(200);
      expectSecurityHeaders("/docs", docs.headers, true);
      const script = /<script src="([^"]+)"/.exec(page)![1]!;
      const bundle = await fetch(`${baseUrl}${script}`);
      await bundle.arrayBuffer();
      expect(bundle.status).to.equal(200);
      expectSecurityHeaders(script, bundle.headers);
      // The versioned bundle alone may be kept: it never changes under its URL.
      expect(bundle.headers.get("cache-control")).to.include("immutable");
    });

    it("are on error answers: 404, 400, 401, 405 and what the HTTP parser refuses", async () => {
      const baseUrl = env.stack.baseUrl;
      const auth = { authorization: `Bearer ${env.api.token}` };
      const cases: [string, number, RequestInit & { path: string }][] = [
        ["unknown API path", 404, { path: "/api/v1/nothing-here", headers: auth }],
        ["unknown path", 404, { path: "/nothing-here" }],
        [
          "another user's or no memory",
          404,
          { path: `/api/v1/memories/${crypto.randomUUID()}`, headers: auth },
        ],
        [
          "invalid body",
          400,
          {
            path: "/api/v1/memories",
            method: "POST",
            headers: { ...auth, "content-type": "application/json" },
            body: "{}",
          },
        ],
        ["invalid query", 400, { path: "/api/v1/memories?limit=nope", headers: auth }],
        ["no token", 401, { path: "/api/v1/memories" }],
        ["bad token", 401, { path: "/api/v1/memories", headers: { authorization: "Bearer nope" } }],
        ["wrong method", 405, { path: "/api/v1/memories", method: "PUT", headers: auth }],
      ];
      for (const [what, status, { path, ...init }] of cases) {
        const response = await fetch(`${baseUrl}${path}`, init);
        const body = (await response.json()) as { error: { code: string } };
        expect(response.status, what).to.equal(status);
        expect(body.error.code, what).to.be.a("string");
        expectSecurityHeaders(what, response.headers);
        expectNoStore(what, response.headers);
      }
      const refused = await rawRequest(baseUrl, {
        method: "GET",
        target: "/api/v1/memories",
        headers: { "X-Note": "bell\u0007" },
      });
      expect(refused.status).to.equal(400);
      expect((refused.json as { error: { code: string } }).error.code).to.equal("VALIDATION_FAILED");
      expectSecurityHeaders("parser refusal", refused.headers);
      expectNoStore("parser refusal", refused.headers);
    });
  });
}
