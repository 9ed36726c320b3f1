import { expect } from "chai";
import fc from "fast-check";
import { generateApiKey } from "@second-brain/auth";
import { AppError, API_KEY_SCOPES, type ApiKeyGrant, type ApiKeyScope } from "@second-brain/contracts";
import { API_ROUTES, type ApiRoute } from "../src/domain/api-routes.ts";
import { openApiDocument, documentPath } from "../src/application/openapi.ts";
import { apiKeyCaller } from "../src/adapters/api-key-auth.ts";
import type { GatewayRequest } from "../src/adapters/http-types.ts";

type Json = Record<string, any>;
const route = (id: string) => API_ROUTES.find((candidate) => candidate.id === id)!;

/** The one rule the declarations follow, stated independently of them. */
function expectedScope(route: ApiRoute): ApiKeyScope | undefined {
  // The account's own routes (keys, erasure, and any added later) take an access token only.
  if (/^\/(auth|users)\//.test(route.path) && route.id !== "getMe") return undefined;
  if (route.path.startsWith("/admin/")) return "admin";
  if (route.method === "GET" || route.id === "searchMemories") return "read";
  return "write";
}

/** A request as moleculer-web hands it to the alias, with the identity service answering `grant`. */
function requestWith(headers: Record<string, string>, grant?: ApiKeyGrant) {
  const calls: string[] = [];
  const req = {
    headers,
    $ctx: {
      call: async (action: string) => {
        calls.push(action);
        return grant;
      },
    },
  } as unknown as GatewayRequest;
  return { req, calls };
}

async function statusOf(work: Promise<unknown>): Promise<number> {
  try {
    await work;
    return 200;
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

describe("API key scopes", () => {
  it("are declared on every route that takes a key, as one rule: reads read, changes write, admin routes admin", () => {
    for (const declared of API_ROUTES.filter((candidate) => !candidate.public))
      expect(declared.apiKeyScope, declared.id).to.equal(expectedScope(declared));
  });

  it("leave only account routes without a scope (a key can never manage keys or erase the account)", () => {
    const keyless = API_ROUTES.filter((candidate) => !candidate.public && !candidate.apiKeyScope);
    expect(keyless.map((candidate) => candidate.id)).to.include.members([
      "createApiKey",
      "listApiKeys",
      "revokeApiKey",
      "eraseMe",
    ]);
    for (const candidate of keyless) expect(candidate.path, candidate.id).to.match(/^\/(auth|users)\//);
  });

  it("are stated in /openapi.json: each operation lists the key's scope, or the access token alone", () => {
    const document = openApiDocument as Json;
    for (const declared of API_ROUTES) {
      const operation = document.paths[documentPath(declared)][declared.method.toLowerCase()];
      const expected = declared.public
        ? []
        : [{ bearerAuth: [] }, ...(declared.apiKeyScope ? [{ apiKeyAuth: [declared.apiKeyScope] }] : [])];
      expect(operation.security, declared.id).to.deep.equal(expected);
      if (!declared.public) expect(operation.responses, declared.id).to.have.property("403");
    }
  });

  it("let a key through exactly where the route's scope is among the key's", async () => {
    const { key } = generateApiKey();
    const routes = API_ROUTES.filter((candidate) => !candidate.public);
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...API_KEY_SCOPES], { minLength: 1 }),
        fc.constantFrom(...routes),
        async (scopes, declared) => {
          const grant: ApiKeyGrant = { keyId: "k", userId: "u", role: "admin", scopes };
          const { req } = requestWith({ "x-api-key": key }, grant);
          const allowed = declared.apiKeyScope !== undefined && scopes.includes(declared.apiKeyScope);
          expect(await statusOf(apiKeyCaller(declared, req)), declared.id).to.equal(allowed ? 200 : 403);
        },
      ),
    );
    const { req } = requestWith(
      { "x-api-key": key },
      { keyId: "k", userId: "u", role: "user", scopes: ["read"] },
    );
    expect(await apiKeyCaller(route("listMemories"), req)).to.deep.equal({
      userId: "u",
      role: "user",
      apiKeyId: "k",
    });
  });

  it("refuse a key sent with an access token (400), and a malformed key without asking the identity service (401)", async () => {
    const { key } = generateApiKey();
    const both = requestWith({ "x-api-key": key, authorization: "Bearer x" });
    expect(await statusOf(apiKeyCaller(route("listMemories"), both.req))).to.equal(400);
    for (const bad of ["", "sb_short", key.slice(0, -1), `Bearer ${key}`]) {
      const { req, calls } = requestWith({ "x-api-key": bad });
      expect(await statusOf(apiKeyCaller(route("listMemories"), req)), bad).to.equal(401);
      expect(calls).to.deep.equal([]);
    }
  });
});
