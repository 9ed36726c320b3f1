import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { ApiClient, eventually } from "../src/api-client.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

// The sessions part of the REST contract (API.md), over HTTP, in both run modes: a session with
// messages and the memories created in it, learned by the session service from memory events.
for (const mode of RUN_MODES) {
  describe(`sessions API (${mode})`, function () {
    this.timeout(120_000);
    const env = useStack(mode);

    async function startSession(body: Record<string, unknown> = {}) {
      const res = await env.api.request("POST", "/api/v1/sessions", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.headers.get("location")).to.equal(`/api/v1/sessions/${res.body.id}`);
      return res.body;
    }

    it("keeps a session's messages and lists the memories created in it", async () => {
      const session = await startSession({
        title: "Planning Léa's trip",
        context: { project: "trip", n: 2 },
      });
      expect(session).to.include({ title: "Planning Léa's trip", status: "open", version: 1 });
      expect(session.context).to.deep.equal({ project: "trip", n: 2 });
      expect(session.messages).to.deep.equal([]);

      for (const [role, content] of [
        ["user", "Where should we go? 🌍"],
        ["assistant", "Lisbon in May."],
      ]) {
        const res = await env.api.request("POST", `/api/v1/sessions/${session.id}/messages`, {
          role,
          content,
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
      }
      const memory = await env.api.request("POST", "/api/v1/memories", {
        content: "Decided: Lisbon in May",
        sessionId: session.id,
      });
      expect(memory.status, JSON.stringify(memory.body)).to.equal(201);
      const other = await env.api.request("POST", "/api/v1/memories", { content: "not in the session" });
      expect(other.status).to.equal(201);

      const read = await eventually(async () => {
        const res = await env.api.request("GET", `/api/v1/sessions/${session.id}`);
        return res.body.memoryIds?.length === 1 ? res : undefined;
      });
      expect(read.status).to.equal(200);
      expect(read.body.memoryIds).to.deep.equal([memory.body.id]);
      expect(read.body.messages.map((m: any) => [m.role, m.content])).to.deep.equal([
        ["user", "Where should we go? 🌍"],
        ["assistant", "Lisbon in May."],
      ]);
      expect(read.body).to.include({ version: 3, messageCount: 2 });

      // A deleted memory leaves the session.
      expect((await env.api.request("DELETE", `/api/v1/memories/${memory.body.id}`)).status).to.equal(204);
      await eventually(async () => {
        const res = await env.api.request("GET", `/api/v1/sessions/${session.id}`);
        return res.body.memoryIds.length === 0 ? true : undefined;
      });
    });

    it("closes, refuses messages while closed, reopens, and updates the context", async () => {
      const session = await startSession();
      const closed = await env.api.request("POST", `/api/v1/sessions/${session.id}/close`);
      expect(closed.status).to.equal(200);
      expect(closed.body.status).to.equal("closed");
      const refused = await env.api.request("POST", `/api/v1/sessions/${session.id}/messages`, {
        role: "user",
        content: "hello?",
      });
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal("ILLEGAL_STATE");
      const reopened = await env.api.request("POST", `/api/v1/sessions/${session.id}/reopen`);
      expect(reopened.body.status).to.equal("open");
      const updated = await env.api.request("PATCH", `/api/v1/sessions/${session.id}`, {
        context: { mood: "good" },
      });
      expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
      expect(updated.body.context).to.deep.equal({ mood: "good" });
    });

    it("lists the caller's sessions only, newest first, a page at a time", async () => {
      const first = await startSession({ title: "one" });
      const second = await startSession({ title: "two" });
      const list = await eventually(async () => {
        const res = await env.api.request("GET", "/api/v1/sessions?limit=2");
        return res.body.items?.[0]?.id === second.id ? res : undefined;
      });
      expect(list.body.items.map((s: any) => s.id)).to.deep.equal([second.id, first.id]);
      expect(list.body.nextCursor).to.be.a("string");
      const next = await env.api.request("GET", `/api/v1/sessions?limit=2&cursor=${list.body.nextCursor}`);
      expect(next.status).to.equal(200);
      expect(next.body.items.map((s: any) => s.id)).to.not.include(second.id);

      const stranger = new ApiClient(env.stack.baseUrl);
      await stranger.registerUser();
      expect((await stranger.request("GET", "/api/v1/sessions")).body.items).to.deep.equal([]);
      const theirs = await stranger.request("GET", `/api/v1/sessions/${first.id}`);
      expect(theirs.status).to.equal(404);
      expect(theirs.body.error.code).to.equal("NOT_FOUND");
      // Someone else's session is not a session the stranger may file memories under.
      const foreign = await stranger.request("POST", "/api/v1/memories", {
        content: "x",
        sessionId: first.id,
      });
      expect(foreign.status).to.equal(400);
    });

    it("answers a session with its latest messages and pages back through the rest", async () => {
      const session = await startSession({ title: "long" });
      const sent: string[] = [];
      for (let index = 0; index < 57; index++) {
        const content = `message ${index} ${"é".repeat(index % 3)}`;
        if (index === 20) {
          // Events that are not messages sit between them in the stream.
          expect((await env.api.request("POST", `/api/v1/sessions/${session.id}/close`)).status).to.equal(
            200,
          );
          expect((await env.api.request("POST", `/api/v1/sessions/${session.id}/reopen`)).status).to.equal(
            200,
          );
        }
        const added = await env.api.request("POST", `/api/v1/sessions/${session.id}/messages`, {
          role: index % 2 === 0 ? "user" : "assistant",
          content,
        });
        expect(added.status, JSON.stringify(added.body)).to.equal(200);
        sent.push(content);
      }
      const contents = (messages: { content: string }[]) => messages.map((message) => message.content);

      // The session itself: its 50 latest messages, oldest of them first, and a cursor to the rest.
      const read = await env.api.request("GET", `/api/v1/sessions/${session.id}`);
      expect(read.status).to.equal(200);
      expect(read.body.messageCount).to.equal(57);
      expect(contents(read.body.messages)).to.deep.equal(sent.slice(-50));
      const rest = await env.api.request(
        "GET",
        `/api/v1/sessions/${session.id}/messages?cursor=${read.body.messagesCursor}`,
      );
      expect(rest.status).to.equal(200);
      expect(contents(rest.body.items)).to.deep.equal(sent.slice(0, 7));
      expect(rest.body.nextCursor).to.equal(null);

      // Every page back from the latest, each oldest first, gives every message once, in order.
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=8${cursor ? `&cursor=${cursor}` : ""}`;
        const page = await env.api.request("GET", `/api/v1/sessions/${session.id}/messages?${query}`);
        expect(page.status, JSON.stringify(page.body)).to.equal(200);
        expect(page.body.items.length).to.be.at.most(8);
        pages.unshift(contents(page.body.items));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(pages.flat()).to.deep.equal(sent);
      expect(pages.length).to.equal(Math.ceil(57 / 8));

      const empty = await startSession();
      const none = await env.api.request("GET", `/api/v1/sessions/${empty.id}/messages`);
      expect(none.body).to.deep.equal({ items: [], nextCursor: null });
      expect(empty.messagesCursor).to.equal(null);
    });

    it("refuses a bad page of messages (400) and another user's or no session (404)", async () => {
      const session = await startSession();
      await env.api.request("POST", `/api/v1/sessions/${session.id}/messages`, {
        role: "user",
        content: "hi",
      });
      const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      for (const [query, field] of [
        ["limit=0", "limit"],
        ["limit=101", "limit"],
        ["limit=ten", "limit"],
        ["limit=2.5", "limit"],
        ["cursor=", "cursor"],
        ["cursor=not-a-cursor", "cursor"],
        [`cursor=${forged({ before: -3 })}`, "cursor"],
        [`cursor=${forged({ before: "9" })}`, "cursor"],
        [`cursor=${forged([2, "x"])}`, "cursor"],
        ["order=newest", "order"],
      ] as const) {
        const res = await env.api.request("GET", `/api/v1/sessions/${session.id}/messages?${query}`);
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code, query).to.equal("VALIDATION_FAILED");
        expect(
          res.body.error.details.map((d: { field: string }) => d.field),
          query,
        ).to.include(field);
      }
      // A cursor from far beyond the session's end reads from its end.
      const beyond = await env.api.request(
        "GET",
        `/api/v1/sessions/${session.id}/messages?cursor=${forged({ before: 2 ** 40 })}`,
      );
      expect(beyond.status).to.equal(200);
      expect(beyond.body.items.map((m: { content: string }) => m.content)).to.deep.equal(["hi"]);

      const stranger = new ApiClient(env.stack.baseUrl);
      await stranger.registerUser();
      const theirs = await stranger.request("GET", `/api/v1/sessions/${session.id}/messages`);
      expect(theirs.status).to.equal(404);
      expect(theirs.body.error.code).to.equal("NOT_FOUND");
      expect((await env.api.request("GET", `/api/v1/sessions/${randomUUID()}/messages`)).status).to.equal(
        404,
      );
    });

    it("refuses bad input with the error shape and changes nothing", async () => {
      const before = await env.api.request("GET", "/api/v1/memories?limit=100");
      const unknownSession = await env.api.request("POST", "/api/v1/memories", {
        content: "lost",
        sessionId: randomUUID(),
      });
      expect(unknownSession.status).to.equal(400);
      expect(unknownSession.body.error.code).to.equal("VALIDATION_FAILED");
      expect(unknownSession.body.error.details.map((d: any) => d.field)).to.include("sessionId");

      for (const [path, body] of [
        ["/api/v1/sessions", { title: "x", colour: "red" }],
        ["/api/v1/sessions", { context: "not an object" }],
        ["/api/v1/sessions", { title: "x".repeat(1001) }],
      ] as const) {
        const res = await env.api.request("POST", path, body);
        expect(res.status, `${path} ${JSON.stringify(body)}`).to.equal(400);
        expect(res.body.error.code).to.equal("VALIDATION_FAILED");
      }
      const session = await startSession();
      for (const body of [
        { role: "system", content: "x" },
        { role: "user", content: "" },
        { role: "user" },
      ]) {
        const res = await env.api.request("POST", `/api/v1/sessions/${session.id}/messages`, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      expect((await env.api.request("GET", `/api/v1/sessions/${randomUUID()}`)).status).to.equal(404);
      expect((await env.api.request("GET", "/api/v1/sessions/not-a-uuid")).status).to.equal(400);

      const read = await env.api.request("GET", `/api/v1/sessions/${session.id}`);
      expect(read.body).to.include({ version: 1, messageCount: 0 });
      const after = await env.api.request("GET", "/api/v1/memories?limit=100");
      expect(after.body.items.map((m: any) => m.id)).to.deep.equal(before.body.items.map((m: any) => m.id));
    });
  });
}
