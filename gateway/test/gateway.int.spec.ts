import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { ServiceBroker, type Context, type Service } from "moleculer";
import {
  PreconditionRequiredError,
  VersionConflictError,
  type CallMeta,
  type ErrorBody,
} from "@second-brain/contracts";
import { appErrorsMixin, keyedCommandId, loadConfig, SchemaValidator } from "@second-brain/platform";
import { openTestEventLog, type TestEventLog } from "@second-brain/testing";
import { identityServiceOnLog } from "@second-brain/testing/identity-service";
import { inProcessSessionRevocations } from "@second-brain/auth";
import { API_ROUTES, gatewayPort, gatewayService } from "../src/index.ts";

const JWT_SECRET = randomBytes(32).toString("base64url");
const MAX_BODY_BYTES = 4096;
const MEMORY_ID = "0b5b7a52-3f0e-4a3b-9d2a-6f1c2e3d4a5b";

interface Call {
  action: string;
  params: Record<string, unknown>;
  meta: CallMeta;
}

/** Stand-ins for the memory service and projection: they record each call and answer a Memory-ish object. */
function stubServices(calls: Call[]) {
  const record = (action: string) => (ctx: Context<Record<string, unknown>, CallMeta>) => {
    calls.push({ action, params: ctx.params, meta: ctx.meta });
    if (action === "memory.edit" && ctx.meta.ifMatch === undefined) throw new PreconditionRequiredError();
    if (action === "memory.edit" && ctx.meta.ifMatch !== 1)
      throw new VersionConflictError(ctx.meta.ifMatch!, 1);
    // Another writer appended between this command's read and its append (no If-Match involved).
    if (action === "memory.setTags" && (ctx.params.tags as unknown[])?.[0] === "raced")
      throw new VersionConflictError(4, 5);
    if (action === "memory-views.list") return { items: [], nextCursor: null };
    if (action === "memory.delete") return { deleted: true };
    return { id: (ctx.params.id as string | undefined) ?? MEMORY_ID, version: 1, content: "stub" };
  };
  const actions = (service: string, names: string[]) =>
    Object.fromEntries(names.map((name) => [name, { handler: record(`${service}.${name}`) }]));
  return {
    memory: {
      name: "memory",
      mixins: [appErrorsMixin],
      actions: {
        ...actions("memory", [
          "create",
          "getAsOf",
          "delete",
          "archive",
          "restore",
          "setTags",
          "link",
          "history",
        ]),
        edit: {
          params: { $$strict: true, id: "string", content: { type: "string", optional: true } },
          handler: record("memory.edit"),
        },
      },
    },
    "memory-views": {
      name: "memory-views",
      mixins: [appErrorsMixin],
      actions: actions("memory-views", ["get", "list"]),
    },
  };
}

describe("gateway", function () {
  let log: TestEventLog;
  let broker: ServiceBroker;
  let base: string;
  let token: string;
  const calls: Call[] = [];
  const lastCall = () => calls[calls.length - 1]!;

  before(async () => {
    log = await openTestEventLog("sb_gateway");
    broker = new ServiceBroker({
      logger: false,
      validator: new SchemaValidator(),
      namespace: `gw-${randomBytes(4).toString("hex")}`,
    });
    const config = { ...loadConfig({}), port: 0, logLevel: "error" };
    config.limits = { ...config.limits, maxBodyBytes: MAX_BODY_BYTES };
    // One set shared by the gateway and the identity service, as in the embedded mode.
    const revocations = inProcessSessionRevocations();
    broker.createService(
      gatewayService({
        config,
        jwtSecret: JWT_SECRET,
        revocations,
        readinessServices: ["memory", "memory-views", "identity"],
      }),
    );
    broker.createService(identityServiceOnLog(log, JWT_SECRET, revocations));
    const stubs = stubServices(calls);
    broker.createService(stubs.memory);
    broker.createService(stubs["memory-views"]);
    await broker.start();
    base = `http://127.0.0.1:${gatewayPort(broker)}`;
  });

  after(async () => {
    await broker?.stop();
    await log?.close();
  });

  const request = (path: string, init: RequestInit & { json?: unknown; auth?: boolean } = {}) => {
    const headers = new Headers(init.headers);
    if (init.auth !== false && token) headers.set("Authorization", `Bearer ${token}`);
    if (init.json !== undefined) headers.set("Content-Type", "application/json");
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    return fetch(base + path, { ...init, headers, body });
  };
  const post = (path: string, json: unknown) => request(path, { method: "POST", json });

  async function expectError(response: Response, status: number, code: string): Promise<ErrorBody["error"]> {
    expect(response.status).to.equal(status);
    expect(response.headers.get("content-type")).to.match(/^application\/json/);
    const body = (await response.json()) as ErrorBody;
    expect(Object.keys(body)).to.deep.equal(["error"]);
    expect(body.error.code).to.equal(code);
    expect(body.error.message).to.be.a("string").and.not.be.empty;
    return body.error;
  }

  it("registers (202, no tokens, not kept by caches), logs in and answers users/me", async () => {
    const registered = await post("/api/v1/auth/register", {
      email: "Ada@Example.com",
      password: "analytical engine",
      name: "Ada",
    });
    expect(registered.status).to.equal(202);
    expect(registered.headers.get("cache-control")).to.equal("no-store");
    expect(await registered.json()).to.include({ status: "accepted" });

    const loggedIn = await post("/api/v1/auth/login", {
      email: "ada@example.com",
      password: "analytical engine",
    });
    expect(loggedIn.status).to.equal(200);
    expect(loggedIn.headers.get("cache-control")).to.equal("no-store");
    token = ((await loggedIn.json()) as { accessToken: string }).accessToken;

    const me = await request("/api/v1/users/me");
    expect(me.status).to.equal(200);
    const user = (await me.json()) as { id: string; email: string };
    expect(user.email).to.equal("ada@example.com");

    await expectError(
      await post("/api/v1/auth/login", { email: "ada@example.com", password: "wrong one" }),
      401,
      "UNAUTHENTICATED",
    );
    await expectError(
      await post("/api/v1/auth/register", { email: "ada@example.com", password: "x" }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("refuses memory routes without a valid token, before calling any service", async () => {
    const before = calls.length;
    await expectError(
      await request("/api/v1/memories", { method: "POST", json: { content: "x" }, auth: false }),
      401,
      "UNAUTHENTICATED",
    );
    await expectError(
      await request("/api/v1/memories", {
        method: "POST",
        json: { content: "x" },
        auth: false,
        headers: { Authorization: "Bearer nope.nope.nope" },
      }),
      401,
      "UNAUTHENTICATED",
    );
    await expectError(
      await request("/api/v1/users/me", { auth: false, headers: { Authorization: "Basic abc" } }),
      401,
      "UNAUTHENTICATED",
    );
    expect(calls.length).to.equal(before);
  });

  it("creates a memory: 201, Location, caller, request id and idempotency key in ctx.meta", async () => {
    const response = await request("/api/v1/memories", {
      method: "POST",
      json: { content: "The gateway passes the body through." },
      headers: { "Idempotency-Key": "key-1", "X-Request-ID": "req-123" },
    });
    expect(response.status).to.equal(201);
    expect(response.headers.get("location")).to.equal(`/api/v1/memories/${MEMORY_ID}`);
    expect(response.headers.get("x-request-id")).to.equal("req-123");
    const call = lastCall();
    expect(call.action).to.equal("memory.create");
    expect(call.params).to.deep.equal({ content: "The gateway passes the body through." });
    expect(call.meta.caller).to.include({ role: "user" });
    expect(call.meta).to.include({ idempotencyKey: "key-1", requestId: "req-123" });
    expect(call.meta.commandId).to.equal(keyedCommandId(call.meta.caller!.userId, "createMemory", "key-1"));

    // Without a key every request is a command of its own, with a fresh id.
    const unkeyedIds = [];
    for (const content of ["one", "two"]) {
      const unkeyed = await request("/api/v1/memories", { method: "POST", json: { content } });
      expect(unkeyed.status).to.equal(201);
      unkeyedIds.push(lastCall().meta.commandId);
    }
    expect(unkeyedIds[0]).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    expect(unkeyedIds[1]).to.not.equal(unkeyedIds[0]);

    const badKey = await request("/api/v1/memories", {
      method: "POST",
      json: { content: "x" },
      headers: { "Idempotency-Key": "has space" },
    });
    await expectError(badKey, 400, "VALIDATION_FAILED");
    const longKey = await request("/api/v1/memories", {
      method: "POST",
      json: { content: "x" },
      headers: { "Idempotency-Key": "k".repeat(201) },
    });
    await expectError(longKey, 400, "VALIDATION_FAILED");
  });

  it("answers malformed JSON and non-object bodies with 400 in the error shape", async () => {
    const malformed = await request("/api/v1/memories", {
      method: "POST",
      body: '{"content": ',
      headers: { "Content-Type": "application/json" },
    });
    const error = await expectError(malformed, 400, "VALIDATION_FAILED");
    expect(error.details).to.deep.equal([{ field: "body", message: "is not valid JSON" }]);
    for (const body of [[1, 2], "text", 42, null]) {
      await expectError(
        await request("/api/v1/memories", { method: "POST", json: body }),
        400,
        "VALIDATION_FAILED",
      );
    }
  });

  it("answers a body over the limit with 413, declared or streamed", async () => {
    const big = { content: "x".repeat(MAX_BODY_BYTES) };
    await expectError(
      await request("/api/v1/memories", { method: "POST", json: big }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const streamed = await request("/api/v1/memories", {
      method: "POST",
      body: chunks,
      duplex: "half",
    } as RequestInit);
    await expectError(streamed, 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers unknown routes with 404 and a wrong method with 405, in the error shape", async () => {
    await expectError(await request("/nowhere"), 404, "NOT_FOUND");
    await expectError(await request("/api/v1/nowhere"), 404, "NOT_FOUND");
    await expectError(await request("/api/v2/memories"), 404, "NOT_FOUND");
    const wrongMethod = await request(`/api/v1/memories/${MEMORY_ID}`, { method: "PUT", json: {} });
    await expectError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    expect(wrongMethod.headers.get("allow")).to.include("PATCH");
  });

  it("never lets a body id override the path id", async () => {
    const response = await request(`/api/v1/memories/${MEMORY_ID}`, {
      method: "PATCH",
      json: { id: "another-id", content: "edited" },
      headers: { "If-Match": "1" },
    });
    const error = await expectError(response, 400, "VALIDATION_FAILED");
    expect(error.details).to.deep.equal([{ field: "id", message: "is not allowed in the body" }]);

    const tags = await request(`/api/v1/memories/${MEMORY_ID}/tags?id=evil`, {
      method: "PUT",
      json: { tags: ["a"] },
    });
    expect(tags.status).to.equal(200);
    expect(lastCall()).to.deep.include({ action: "memory.setTags", params: { tags: ["a"], id: MEMORY_ID } });
  });

  it("parses If-Match into ctx.meta.ifMatch and lets the service answer 428 and 409", async () => {
    const edit = (headers: Record<string, string>) =>
      request(`/api/v1/memories/${MEMORY_ID}`, { method: "PATCH", json: { content: "edited" }, headers });
    expect((await edit({ "If-Match": "1" })).status).to.equal(200);
    expect(lastCall().meta.ifMatch).to.equal(1);
    expect(lastCall().params).to.deep.equal({ content: "edited", id: MEMORY_ID });
    expect((await edit({ "If-Match": '"1"' })).status).to.equal(200);

    const conflict = await expectError(await edit({ "If-Match": "7" }), 409, "VERSION_CONFLICT");
    expect(conflict.details).to.deep.include({ currentVersion: 1 });
    await expectError(await edit({}), 428, "PRECONDITION_REQUIRED");
    for (const bad of ["abc", "-1", "1.5", 'W/"1"'])
      await expectError(await edit({ "If-Match": bad }), 400, "VALIDATION_FAILED");

    const unknownField = await request(`/api/v1/memories/${MEMORY_ID}`, {
      method: "PATCH",
      json: { colour: "red" },
      headers: { "If-Match": "1" },
    });
    const error = await expectError(unknownField, 400, "VALIDATION_FAILED");
    expect(JSON.stringify(error.details)).to.include("colour");
  });

  it("words a 409 for a request without If-Match as a concurrent change, not a stale version", async () => {
    const raced = await request(`/api/v1/memories/${MEMORY_ID}/tags`, {
      method: "PUT",
      json: { tags: ["raced"] },
    });
    const error = await expectError(raced, 409, "VERSION_CONFLICT");
    expect(error.message).to.equal(
      "Another change to this resource was saved at the same moment; read it again and retry.",
    );
    expect(error.details).to.deep.include({ currentVersion: 5 });
    const stale = await request(`/api/v1/memories/${MEMORY_ID}`, {
      method: "PATCH",
      json: { content: "edited" },
      headers: { "If-Match": "7" },
    });
    expect((await expectError(stale, 409, "VERSION_CONFLICT")).message).to.equal(
      "The resource has changed since the version you sent.",
    );
  });

  it("answers 204 with no body on delete", async () => {
    const response = await request(`/api/v1/memories/${MEMORY_ID}`, { method: "DELETE" });
    expect(response.status).to.equal(204);
    expect(await response.text()).to.equal("");
    expect(lastCall()).to.deep.include({ action: "memory.delete", params: { id: MEMORY_ID } });
  });

  it("routes reads: get, get as of, list with a numeric limit, history, archive, restore, link", async () => {
    expect((await request(`/api/v1/memories/${MEMORY_ID}`)).status).to.equal(200);
    expect(lastCall()).to.deep.include({ action: "memory-views.get", params: { id: MEMORY_ID } });
    expect((await request(`/api/v1/memories/${MEMORY_ID}?asOf=2026-01-01T00:00:00Z`)).status).to.equal(200);
    expect(lastCall()).to.deep.include({
      action: "memory.getAsOf",
      params: { id: MEMORY_ID, asOf: "2026-01-01T00:00:00Z" },
    });

    const list = await request("/api/v1/memories?limit=5&tag=work");
    expect(await list.json()).to.deep.equal({ items: [], nextCursor: null });
    expect(lastCall()).to.deep.include({ action: "memory-views.list", params: { limit: 5, tag: "work" } });
    await expectError(await request("/api/v1/memories?limit=ten"), 400, "VALIDATION_FAILED");

    for (const [method, path, action] of [
      ["GET", "history", "memory.history"],
      ["POST", "archive", "memory.archive"],
      ["POST", "restore", "memory.restore"],
    ] as const) {
      expect((await request(`/api/v1/memories/${MEMORY_ID}/${path}`, { method })).status).to.equal(200);
      expect(lastCall()).to.deep.include({ action, params: { id: MEMORY_ID } });
    }
    const link = { targetId: MEMORY_ID, type: "related" };
    expect(
      (await request(`/api/v1/memories/${MEMORY_ID}/links`, { method: "POST", json: link })).status,
    ).to.equal(200);
    expect(lastCall()).to.deep.include({ action: "memory.link", params: { ...link, id: MEMORY_ID } });
  });

  it("serves the OpenAPI document covering every route, and the docs page", async () => {
    const response = await request("/openapi.json", { auth: false });
    expect(response.status).to.equal(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).to.match(/^3\.1\./);
    for (const route of API_ROUTES) {
      const path = "/api/v1" + route.path.replace(/:(\w+)/g, "{$1}");
      expect(document.paths[path], path).to.have.property(route.method.toLowerCase());
    }
    for (const path of [
      "/health/live",
      "/health/ready",
      "/health/details",
      "/metrics",
      "/openapi.json",
      "/docs",
    ])
      expect(document.paths).to.have.property(path);

    // The docs page renders /openapi.json with a script the gateway serves itself: nothing loads
    // from elsewhere, and the page may load nothing else.
    const docs = await request("/docs", { auth: false });
    expect(docs.status).to.equal(200);
    expect(docs.headers.get("content-type")).to.match(/^text\/html/);
    expect(docs.headers.get("content-security-policy")).to.include("default-src 'none'");
    const html = await docs.text();
    expect(html)
      .to.include('spec-url="/openapi.json"')
      .and.not.match(/https?:\/\/(?!127)/);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
    expect(scripts).to.have.length(1);
    const src = /src="(\/docs\/[^"]+\.js)"/.exec(scripts[0]!)?.[1];
    expect(src, scripts[0]).to.be.a("string");

    const script = await request(src!, { auth: false });
    expect(script.status).to.equal(200);
    expect(script.headers.get("content-type")).to.match(/^text\/javascript/);
    expect(script.headers.get("cache-control")).to.include("immutable");
    const code = await script.text();
    expect(code.length).to.be.greaterThan(100_000);
    expect(() => new Function(code), "the bundle parses").to.not.throw();
    expect(code).to.include("Redoc");
  });

  it("lists the identity operations first in the served document", async () => {
    const document = (await (await request("/openapi.json", { auth: false })).json()) as {
      tags: { name: string }[];
    };
    expect(document.tags[0]!.name).to.equal("Identity");
  });

  it("exposes liveness and the request duration histogram", async () => {
    const live = await request("/health/live", { auth: false });
    expect(await live.json()).to.deep.equal({ status: "ok" });
    const metrics = await (await request("/metrics", { auth: false })).text();
    expect(metrics).to.include("# TYPE http_request_duration_seconds histogram");
    expect(metrics).to.match(
      /http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/memories",status="201"\} \d+/,
    );
  });

  it("stays ready when one service is stopped: only that service's routes answer 503", async () => {
    const ready = await request("/health/ready", { auth: false });
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({ status: "ok" });
    const details = await request("/health/details", { auth: false });
    expect(details.status).to.equal(200);
    const before = (await details.json()) as { status: string; services: Record<string, { status: string }> };
    expect(before.status).to.equal("ok");
    expect(before.services).to.deep.include({
      memory: { status: "ok", dependencies: {} },
      "memory-views": { status: "ok", dependencies: {} },
    });

    await broker.destroyService(broker.getLocalService("memory-views") as Service);
    const stillReady = await request("/health/ready", { auth: false });
    expect(stillReady.status).to.equal(200);
    const after = (await (await request("/health/details", { auth: false })).json()) as typeof before;
    expect(after.status).to.equal("degraded");
    expect(after.services["memory-views"]).to.deep.equal({ status: "down", dependencies: {} });
    expect(after.services.memory!.status).to.equal("ok");
    const refused = await request("/api/v1/memories");
    await expectError(refused, 503, "UNAVAILABLE");
    expect(refused.headers.get("retry-after")).to.match(/^\d+$/);
    expect(
      (await request("/api/v1/memories", { method: "POST", json: { content: "still served" } })).status,
    ).to.equal(201);
  });
});
