import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { signAccessToken } from "@second-brain/auth";
import { registerAdmin } from "../src/admin-client.ts";
import { ApiClient } from "../src/api-client.ts";
import { checkedFetch } from "../src/openapi-responses.ts";
import { operationsOf, validValue, type Operation } from "../src/openapi-targets.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

type Scope = "read" | "write" | "admin";
const SCOPES: Scope[] = ["read", "write", "admin"];

/** The scope an operation takes a key with (its `security`), or undefined for access tokens only. */
function keyScopeOf(document: any, operation: Operation): Scope | undefined {
  const security: Record<string, string[]>[] =
    document.paths[operation.path][operation.method.toLowerCase()].security;
  return security.find((entry) => entry.apiKeyAuth)?.apiKeyAuth?.[0] as Scope | undefined;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

// Every authenticated operation of the served OpenAPI document, probed with every kind of bad
// credential: none, expired, signed with another secret, tampered with, `alg: none`, revoked by a
// logout, and API keys without the scope the operation needs. Each is refused (401, or 403 for a
// key's scope) in the error shape, before anything else happens: no 2xx, no 5xx.
for (const mode of RUN_MODES) {
  describe(`credentials on every route (${mode})`, function () {
    this.timeout(300_000);
    // The distributed stack's secret is chosen here; the embedded one keeps its own in the data folder.
    const distributedSecret = randomBytes(48).toString("base64url");
    const fixture = useStack(mode, mode === "distributed" ? { JWT_SECRET: distributedSecret } : {});

    it("refuses every bad credential on every authenticated operation", async () => {
      const baseUrl = fixture.stack.baseUrl;
      const document = (await (await checkedFetch(`${baseUrl}/openapi.json`)).json()) as any;
      const operations = operationsOf(document).filter((operation) => !operation.public);
      expect(operations.length).to.be.greaterThan(25);
      const secret =
        mode === "distributed"
          ? distributedSecret
          : (
              JSON.parse(await readFile(path.join(fixture.stack.dataDir, "secrets.json"), "utf8")) as {
                jwtSecret: string;
              }
            ).jwtSecret;

      // A user who signs in twice: one session is ended by a logout, the other stays live.
      const user = new ApiClient(baseUrl);
      const account = await user.registerUser();
      const live = user.token!;
      const me = (await user.request("GET", "/api/v1/users/me")).body as { id: string };
      const signIn = async () =>
        (
          await new ApiClient(baseUrl).request("POST", "/api/v1/auth/login", {
            email: account.email,
            password: account.password,
          })
        ).body.accessToken as string;
      const loggedOut = await signIn();
      const logout = await new ApiClient(baseUrl, loggedOut).request("POST", "/api/v1/auth/logout");
      expect(logout.status).to.equal(204);

      const [header, payload, signature] = live.split(".") as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      const badTokens: Record<string, string> = {
        expired: await signAccessToken(
          { userId: me.id, role: "user", sessionId: claims.sid },
          secret,
          900,
          Date.now() - 3_600_000,
        ),
        "signed with another secret": await signAccessToken(
          { userId: me.id, role: "admin", sessionId: claims.sid },
          randomBytes(48).toString("base64url"),
          900,
          Date.now(),
        ),
        "made admin after signing": `${header}.${base64url({ ...claims, role: "admin" })}.${signature}`,
        "alg none": `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ ...claims, role: "admin" })}.`,
        "revoked by a logout": loggedOut,
        "not a token": "not-a-token",
      };

      // Keys that lack one scope each (all of the others); an admin's, so that `admin` can be held.
      const admin = await registerAdmin(fixture.stack);
      const keyWithout = new Map<Scope, string>();
      for (const missing of SCOPES) {
        const created = await admin.request("POST", "/api/v1/auth/api-keys", {
          name: `without ${missing}`,
          scopes: SCOPES.filter((scope) => scope !== missing),
        });
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        keyWithout.set(missing, created.body.key);
      }

      const failures: string[] = [];
      const probe = async (
        operation: Operation,
        credential: string,
        headers: Record<string, string>,
        expected: number,
      ) => {
        let target = operation.path;
        for (const parameter of operation.parameters.filter((p) => p.in === "path"))
          target = target.replace(
            `{${parameter.name}}`,
            parameter.schema.format === "uuid" ? randomUUID() : "x",
          );
        const body = operation.body ? JSON.stringify(validValue(operation.body, "body", {})) : undefined;
        const response = await checkedFetch(`${baseUrl}${target}`, {
          method: operation.method,
          headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
          ...(body ? { body } : {}),
        });
        const text = await response.text();
        const code = (JSON.parse(text || "{}") as { error?: { code?: string } }).error?.code;
        const wanted = expected === 401 ? "UNAUTHENTICATED" : "FORBIDDEN";
        if (response.status !== expected || code !== wanted)
          failures.push(
            `${operation.method} ${operation.path} with ${credential}: ${response.status} ${text.slice(0, 160)}`,
          );
      };

      for (const operation of operations) {
        await probe(operation, "no credentials", {}, 401);
        for (const [name, token] of Object.entries(badTokens))
          await probe(operation, `an access token ${name}`, { authorization: `Bearer ${token}` }, 401);
        await probe(
          operation,
          "a made-up key",
          { "x-api-key": `sb_abcdefgh_${randomBytes(32).toString("base64url")}` },
          401,
        );
        // A key that lacks the operation's scope; for an operation that takes no key, any key.
        const scope = keyScopeOf(document, operation);
        await probe(
          operation,
          scope ? `a key without ${scope}` : "a key (the operation takes none)",
          { "x-api-key": keyWithout.get(scope ?? "admin")! },
          403,
        );
      }
      expect(failures).to.deep.equal([]);
      // The sweep changed nothing: the live session still works.
      expect((await new ApiClient(baseUrl, live).request("GET", "/api/v1/users/me")).status).to.equal(200);
    });
  });
}
