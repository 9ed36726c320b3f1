import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { openEmbeddedDatabase } from "@second-brain/platform";
import { ApiClient, eventually } from "../src/api-client.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";
import { operationsOf, targetsOf, type Known, type Operation, type Target } from "../src/openapi-targets.ts";
import {
  hostileValues,
  mustRefuseExamples,
  sendHostile,
  type SentRequest,
  type SweepContext,
} from "../src/hostile-sweep.ts";
import { checkedFetch } from "../src/openapi-responses.ts";

/** Random values per target on top of the fixed rule breakers; keeps each mode near a minute here. */
const RUNS = Number(process.env.SWEEP_RUNS ?? 15);
const SEED = Number(process.env.SWEEP_SEED ?? Date.now() % 2 ** 31);

// ARCHITECTURE.md invariant 7 over HTTP: every field of every route in the served OpenAPI document
// gets hostile values; nothing answers 5xx, every 4xx is in the error shape, every value that
// breaks the text rule is a 400 naming its field, and no refused request leaves anything in the log.
for (const mode of RUN_MODES) {
  describe(`hostile input (${mode})`, function () {
    this.timeout(300_000);
    const dataDir = mode === "embedded" ? mkdtempSync(path.join(os.tmpdir(), "sb-hostile-")) : undefined;
    const fixture = useStack(mode, {}, dataDir ? { dataDir } : {});
    after(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it("refuses a 1 MiB email about as fast as a short bad one while /health/live keeps answering", async () => {
      const baseUrl = fixture.stack.baseUrl;
      const register = async (email: string) => {
        const json = JSON.stringify({ email, password: "long enough password" });
        const started = performance.now();
        const response = await checkedFetch(`${baseUrl}/api/v1/auth/register`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: json,
        });
        const body = (await response.json()) as { error?: { code: string; details?: { field: string }[] } };
        return { status: response.status, body, ms: performance.now() - started };
      };
      /** The median time of nine refusals, each checked (the median: other work shares this machine). */
      const medianRefusal = async (email: string, status: number, code: string) => {
        await register(email); // the first request pays for opening connections
        const timings: number[] = [];
        for (let round = 0; round < 9; round++) {
          const answer = await register(email);
          expect(answer.status).to.equal(status);
          expect(answer.body.error?.code).to.equal(code);
          timings.push(answer.ms);
        }
        timings.sort((a, b) => a - b);
        return { median: timings[4]!, shown: `${timings.map(Math.round).join(", ")} ms` };
      };
      // Measured once the server has settled after its start (five quick answers in a row), so the
      // figure is the refusal's cost rather than start-up work or a neighbour's burst of CPU.
      let quick = 0;
      for (const deadline = Date.now() + 30_000; quick < 5 && Date.now() < deadline;) {
        const started = performance.now();
        await (await checkedFetch(`${baseUrl}/health/live`)).text();
        quick = performance.now() - started < 20 ? quick + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The floor, measured in the same run: the refusal of a short email that is not one. A load
      // on the machine raises it as much as the others, so the bound follows it.
      const floor = await medianRefusal("not an email", 400, "VALIDATION_FAILED");
      const bound = Math.max(50, 5 * floor.median);
      // A 1 MiB email: over the identity routes' body limit, refused before a byte is parsed.
      const mebibyte = `${"a".repeat(1024 * 1024 - 12)}@example.com`;
      const huge = await medianRefusal(mebibyte, 413, "PAYLOAD_TOO_LARGE");
      expect(huge.median, `${huge.shown}; floor ${floor.shown}`).to.be.below(bound);
      // Nearly the longest email that route reads, in a shape fastest-validator's email pattern
      // (/^\S+@\S+\.\S+$/) takes about 100 s of CPU to refuse: it reaches the identity
      // service's check, which is length-first and linear.
      const hostile = `${"a@a.".repeat(4_000)} x`;
      const checked = await medianRefusal(hostile, 400, "VALIDATION_FAILED");
      expect(checked.median, `${checked.shown}; floor ${floor.shown}`).to.be.below(bound);
      expect((await register(hostile)).body.error?.details?.map((d) => d.field)).to.deep.equal(["email"]);

      // A burst of both while a probe asks /health/live every 20 ms.
      const probes: number[] = [];
      let bursting = true;
      const probe = (async () => {
        while (bursting) {
          const started = performance.now();
          const live = await checkedFetch(`${baseUrl}/health/live`);
          await live.text();
          expect(live.status).to.equal(200);
          probes.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, index) => register(index % 2 ? mebibyte : hostile)),
      );
      bursting = false;
      await probe;
      for (const { status } of burst) expect(status).to.be.oneOf([400, 413]);
      expect(probes.length).to.be.greaterThan(0);
      expect(Math.max(...probes), "slowest /health/live during the burst, ms").to.be.below(1_000);
    });

    it("answers hostile values in every field of every route without a 5xx, naming each refused field", async () => {
      const baseUrl = fixture.stack.baseUrl;
      const document = (await (await checkedFetch(`${baseUrl}/openapi.json`)).json()) as Parameters<
        typeof operationsOf
      >[0];
      // Erasing the caller would end the sweep: that route only meets hostile headers that fail auth.
      const operations = operationsOf(document);
      expect(operations.length).to.be.greaterThan(30);

      const setupIds = new Set<string>();
      const alice = new ApiClient(baseUrl);
      const bob = new ApiClient(baseUrl);
      const aliceAccount = await alice.registerUser();
      await bob.registerUser();
      const setup = async (client: ApiClient, method: string, route: string, body?: unknown) => {
        const correlationId = `setup-${randomUUID()}`;
        setupIds.add(correlationId);
        const response = await client.request(method, route, body, { "x-correlation-id": correlationId });
        expect(response.status, `${method} ${route}: ${JSON.stringify(response.body)}`).to.be.within(
          200,
          299,
        );
        return response.body;
      };
      const upload = async (client: ApiClient, memoryId: string) => {
        const form = new FormData();
        form.append("file", new Blob(["attached text"], { type: "text/plain" }), "notes.txt");
        const correlationId = `setup-${randomUUID()}`;
        setupIds.add(correlationId);
        const response = await checkedFetch(`${baseUrl}/api/v1/memories/${memoryId}/attachments`, {
          method: "POST",
          headers: { authorization: `Bearer ${client.token}`, "x-correlation-id": correlationId },
          body: form,
        });
        expect(response.status).to.equal(201);
        return ((await response.json()) as { id: string }).id;
      };

      // Bob's things: valid ids that Alice must never reach.
      const bobMemory = await setup(bob, "POST", "/api/v1/memories", {
        content: "bob's secret",
        tags: ["bob-tag"],
      });
      const bobSession = await setup(bob, "POST", "/api/v1/sessions", { title: "bob's session" });
      const bobAttachment = await upload(bob, bobMemory.id);
      const otherUsersValues = [bobMemory.id, bobSession.id, bobAttachment, "bob-tag", `${randomUUID()}`];

      // Alice's: a fresh resource per operation, so one operation's success does not starve another.
      const aliceSession = await setup(alice, "POST", "/api/v1/sessions", { title: "alice's session" });
      const aliceOther = await setup(alice, "POST", "/api/v1/memories", { content: "link target" });
      const resources = new Map<string, string>();
      for (const operation of operations) {
        const needs = operation.parameters.find((parameter) => parameter.in === "path");
        if (!needs) continue;
        const tag = `sweep-${operation.id.toLowerCase()}`;
        if (operation.path.startsWith("/api/v1/memories/")) {
          const memory = await setup(alice, "POST", "/api/v1/memories", {
            content: `for ${operation.id}`,
            tags: [tag],
          });
          resources.set(operation.id, memory.id);
        } else if (operation.path.startsWith("/api/v1/sessions/")) {
          resources.set(
            operation.id,
            (await setup(alice, "POST", "/api/v1/sessions", { title: operation.id })).id,
          );
        } else if (operation.path.startsWith("/api/v1/attachments/")) {
          const memory = await setup(alice, "POST", "/api/v1/memories", { content: `for ${operation.id}` });
          resources.set(operation.id, await upload(alice, memory.id));
        } else if (operation.path.startsWith("/api/v1/tags/")) {
          await setup(alice, "POST", "/api/v1/memories", { content: `for ${operation.id}`, tags: [tag] });
          resources.set(operation.id, tag);
        } else resources.set(operation.id, "memories");
      }

      const knownFor = (operation: Operation): Known => {
        if (operation.id === "login") return { email: aliceAccount.email, password: aliceAccount.password };
        if (operation.id === "refresh") return { refreshToken: "not-a-refresh-token" };
        if (operation.id === "register") return { password: "long enough password" };
        return { sessionId: aliceSession.id, targetId: aliceOther.id, password: "long enough password" };
      };
      const context: SweepContext = {
        baseUrl,
        token: alice.token!,
        known: {},
        otherUsersValues,
        pathValue: async (operation) => resources.get(operation.id)!,
        ifMatch: async (operation) => {
          if (!operation.parameters.some((p) => p.in === "header" && p.name === "If-Match" && p.required))
            return undefined;
          const current = await alice.request("GET", `/api/v1/memories/${resources.get(operation.id)}`);
          return current.status === 200 ? String(current.body.version) : "1";
        },
      };

      /**
       * A path id (a UUID), or a memory's session (API.md: it must be one of the caller's), that is Bob's.
       * Tag names are the caller's own namespace: Alice's "bob-tag" is not Bob's.
       */
      const reachesOtherUser = (target: Target, value: unknown) =>
        ((target.in === "path" && target.schema.format === "uuid") ||
          (target.in === "body" && target.field === "sessionId")) &&
        typeof value === "string" &&
        [bobMemory.id, bobSession.id, bobAttachment].includes(value);
      const sent: SentRequest[] = [];
      const problems: string[] = [];
      let property = 0;
      for (const operation of operations) {
        for (const target of targetsOf(operation, document)) {
          // A valid request of these ends Alice's session (a harmless header, an empty body): only
          // their credentials are swept.
          if (["eraseMe", "logout"].includes(operation.id) && target.field !== "Authorization") continue;
          let lastProblem: string | undefined;
          const check = async (value: unknown) => {
            lastProblem = undefined;
            let request: SentRequest;
            try {
              request = await sendHostile(operation, target, value, {
                ...context,
                known: knownFor(operation),
              });
            } catch (error) {
              lastProblem = `no answer to ${JSON.stringify(value)?.slice(0, 120)}: ${(error as Error).message}`;
              throw error;
            }
            sent.push(request);
            const problem =
              problemWith(request, operation) ??
              (reachesOtherUser(target, value) && request.response.status < 300
                ? `reached another user's ${target.field} ${String(value)}: ${request.response.status}`
                : undefined);
            lastProblem = problem;
            if (problem) throw new Error(problem);
          };
          const examples = operation.id === "eraseMe" ? [] : mustRefuseExamples(target);
          try {
            await fc.assert(fc.asyncProperty(hostileValues(target, context), check), {
              numRuns: operation.id === "eraseMe" ? 0 : RUNS,
              examples,
              seed: SEED + property++,
              endOnFailure: true,
            });
          } catch (error) {
            problems.push(
              `${operation.id} ${target.in} ${target.field}: ${lastProblem ?? (error as Error).message}`,
            );
          }
        }
      }
      const eraseMe = operations.find((operation) => operation.id === "eraseMe")!;
      for (const token of ["", "x", "\u0001"]) {
        const request = await sendHostile(
          eraseMe,
          { in: "header", field: "Authorization", schema: {} },
          token,
          context,
        );
        sent.push(request);
        const problem = problemWith(request, eraseMe);
        if (problem) problems.push(`eraseMe header Authorization: ${problem}`);
      }
      expect(problems.join("\n\n"), `seed ${SEED}, ${sent.length} requests`).to.equal("");
      const refused = sent.filter((request) => request.response.status >= 400);
      expect(refused.length, "most hostile requests are refused").to.be.greaterThan(sent.length / 2);
      expect(sent.filter((request) => request.mustName).length).to.be.greaterThan(300);

      // Bob's things are as he left them.
      const bobTags = await bob.request("GET", "/api/v1/tags");
      expect(bobTags.body).to.deep.include({ name: "bob-tag", count: 1 });
      const bobRead = await bob.request("GET", `/api/v1/memories/${bobMemory.id}`);
      expect(bobRead.body).to.include({ content: "bob's secret", version: bobMemory.version });
      expect((await bob.request("GET", `/api/v1/sessions/${bobSession.id}`)).body).to.include({
        title: "bob's session",
        version: bobSession.version,
      });

      // The read models still follow the log: nothing accepted poisoned them.
      const after = await setup(alice, "POST", "/api/v1/memories", {
        content: "written after the sweep zebrafinch",
      });
      await eventually(async () => {
        const list = await alice.request("GET", "/api/v1/memories?limit=100");
        return list.body.items?.some((item: { id: string }) => item.id === after.id) || undefined;
      }, 20_000);
      await eventually(async () => {
        const found = await alice.request("POST", "/api/v1/search", { query: "zebrafinch", mode: "keyword" });
        return (
          found.body.results?.some((result: { memory: { id: string } }) => result.memory.id === after.id) ||
          undefined
        );
      }, 20_000);

      // The log holds nothing a refused request sent: every event's correlation id is a setup
      // request's or one the API accepted with a 2xx.
      const accepted = new Set(
        sent.filter((request) => request.response.status < 300).map((request) => request.correlationId),
      );
      const refusedIds = new Map(refused.map((request) => [request.correlationId, request]));
      const logged = await loggedEvents();
      expect(logged.length).to.be.greaterThan(operations.length);
      const strays = logged.filter((event) => !setupIds.has(event.id) && !accepted.has(event.id));
      expect(
        strays.map((event) => {
          const request = refusedIds.get(event.id);
          const what = `${event.type} on ${event.stream}`;
          return request
            ? `${what} for ${request.operation} ${request.target} ${JSON.stringify(request.value)?.slice(0, 80)} → ${request.response.status}`
            : `${what} correlated with ${event.id}`;
        }),
        "events appended for requests that were refused",
      ).to.deep.equal([]);
    });

    /** Every event's correlation id, type and stream, read from the log itself. */
    async function loggedEvents(): Promise<{ id: string; type: string; stream: string }[]> {
      const sql =
        "SELECT metadata->>'correlationId' AS id, type, stream_id AS stream FROM event_store.events ORDER BY position";
      if (fixture.database)
        return (await fixture.database.pool.query<{ id: string; type: string; stream: string }>(sql)).rows;
      // The embedded log lives in PGlite inside the server: stop it, then open its data folder.
      await fixture.stack.stop();
      const db = await openEmbeddedDatabase(path.join(dataDir!, "pgdata"));
      try {
        return (await db.query<{ id: string; type: string; stream: string }>(sql)).rows;
      } finally {
        await db.end();
      }
    }
  });
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

/** What is wrong with the answer to one hostile request, or undefined when it is right. */
function problemWith(request: SentRequest, operation: Operation): string | undefined {
  const { status, json, text } = request.response;
  const shown = `${JSON.stringify(request.value)?.slice(0, 120)} → ${status} ${text.slice(0, 300)}`;
  if (!(status >= 200 && status < 500)) return `answered ${shown}`;
  if (request.drift) return request.drift;
  if (status >= 400) {
    const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
      ?.error;
    if (typeof error?.code !== "string" || !ERROR_CODE.test(error.code) || typeof error.message !== "string")
      return `not the error shape: ${shown}`;
    if (error.details !== undefined && error.code === "VALIDATION_FAILED") {
      const details = error.details as { field?: unknown; message?: unknown }[];
      if (
        !Array.isArray(details) ||
        details.some((d) => typeof d.field !== "string" || typeof d.message !== "string")
      )
        return `details are not [{field, message}]: ${shown}`;
    }
  }
  if (request.mustName && !request.tooLarge) {
    const details = (json as { error?: { details?: { field: string }[] } } | undefined)?.error?.details;
    if (status !== 400 || !Array.isArray(details) || !details.some((d) => d.field === request.mustName))
      return `breaks the text rule, so a 400 naming ${request.mustName} was due: ${shown}`;
  }
  if (request.tooLarge && request.mustName && status < 400)
    return `accepted a request over the limits: ${shown}`;
  if (operation.id === "eraseMe" && status < 400)
    return `erased the account with a hostile credential: ${shown}`;
  return undefined;
}
