import { expect } from "chai";
import { ApiClient, eventually, type ApiResponse } from "../src/api-client.ts";
import { checkedFetch } from "../src/openapi-responses.ts";
import { openRawSocket } from "../src/raw-http.ts";
import { RUN_MODES, useStack } from "../src/stack-fixture.ts";

/** Quotas small enough to reach in a test (API.md, Quotas); registrations unlimited for the many users. */
const QUOTAS = {
  QUOTA_MEMORIES_PER_USER: "3",
  QUOTA_STORED_BYTES_PER_USER: "3000",
  QUOTA_ATTACHMENT_BYTES_PER_USER: "300000",
  QUOTA_EDITS_PER_MEMORY: "4",
  QUOTA_MESSAGES_PER_SESSION: "2",
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: "0",
};

function expectQuotaExceeded(res: { status: number; body: any }, quota: string, limit: number, used: number) {
  expect(res.status, JSON.stringify(res.body)).to.equal(403);
  expect(res.body.error.code).to.equal("QUOTA_EXCEEDED");
  expect(res.body.error.details).to.deep.equal({ quota, limit, used });
}

const BOUNDARY = "QuotaBoundary";
const multipart = (bytes: Buffer) =>
  Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);

// Per-user and per-item quotas through the real gateway, in both run modes.
for (const mode of RUN_MODES) {
  describe(`quotas (${mode})`, function () {
    this.timeout(120_000);
    const fixture = useStack(mode, QUOTAS, { s3: true });

    async function newUser(): Promise<ApiClient> {
      const api = new ApiClient(fixture.stack.baseUrl);
      await api.registerUser();
      return api;
    }
    const usage = async (api: ApiClient) => (await api.request("GET", "/api/v1/users/me")).body.usage;
    /** Waits for the read model to count `used` of `quota` (the per-user counts are read models'). */
    const usageReaches = (api: ApiClient, quota: string, used: number) =>
      eventually(async () => ((await usage(api))[quota].used === used ? true : undefined), 20_000);
    const create = (api: ApiClient, content: string) => api.request("POST", "/api/v1/memories", { content });

    /**
     * Sends an upload over a socket of its own: with `declared` as Content-Length and only the
     * first bytes of the body (the answer must come before the rest), or chunked without a length.
     */
    function rawUpload(api: ApiClient, memoryId: string, body: Buffer, declared?: number): Promise<string> {
      const { socket, received: answer } = openRawSocket(
        fixture.stack.baseUrl,
        (text) => /\r\n\r\n[\s\S]*\}/.test(text),
        10_000,
      );
      const length =
        declared === undefined ? "Transfer-Encoding: chunked" : `Content-Length: ${String(declared)}`;
      socket.write(
        `POST /api/v1/memories/${memoryId}/attachments HTTP/1.1\r\nHost: x\r\n` +
          `Authorization: Bearer ${api.token}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
          `${length}\r\n\r\n`,
      );
      if (declared === undefined)
        socket.write(`${body.length.toString(16)}\r\n${body.toString("latin1")}\r\n0\r\n\r\n`, "latin1");
      else socket.write(body.subarray(0, 100));
      return answer.finally(() => socket.destroy());
    }

    async function upload(api: ApiClient, memoryId: string, bytes: Buffer): Promise<ApiResponse> {
      const form = new FormData();
      form.append("file", new Blob([bytes], { type: "text/plain" }), "notes.txt");
      const response = await checkedFetch(
        `${fixture.stack.baseUrl}/api/v1/memories/${memoryId}/attachments`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${api.token}` },
          body: form,
        },
      );
      return { status: response.status, headers: response.headers, body: await response.json() };
    }

    it("shows the user's usage and every limit in GET /users/me, as the document describes", async () => {
      const api = await newUser();
      const response = await checkedFetch(`${fixture.stack.baseUrl}/api/v1/users/me`, {
        headers: { authorization: `Bearer ${api.token}` },
      });
      expect(response.status).to.equal(200);
      expect(((await response.json()) as { usage: unknown }).usage).to.deep.equal({
        memories: { used: 0, limit: 3 },
        storedBytes: { used: 0, limit: 3000 },
        attachmentBytes: { used: 0, limit: 300000 },
        editsPerMemory: { limit: 4 },
        messagesPerSession: { limit: 2 },
      });
    });

    it("refuses a memory over the memories quota and changes nothing; deleting one makes room", async () => {
      const api = await newUser();
      const other = await newUser();
      const ids: string[] = [];
      for (const content of ["one", "two", "three"]) {
        const created = await create(api, content);
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        ids.push(created.body.id);
      }
      await usageReaches(api, "memories", 3);
      // Each counts its content and its metadata `{}`.
      expect((await usage(api)).storedBytes.used).to.equal(3 + 3 + 5 + 3 * 2);
      expectQuotaExceeded(await create(api, "four"), "memories", 3, 3);
      expect((await api.request("GET", "/api/v1/memories")).body.items).to.have.length(3);
      expect((await usage(other)).memories.used).to.equal(0);

      expect((await api.request("DELETE", `/api/v1/memories/${ids[0]}`)).status).to.equal(204);
      await usageReaches(api, "memories", 2);
      expect((await usage(api)).storedBytes.used).to.equal(3 + 5 + 2 * 2);
      expect((await create(api, "four")).status).to.equal(201);
      await usageReaches(api, "memories", 3);
      expect((await usage(other)).memories.used).to.equal(0);
    });

    it("refuses a memory, or an edit, whose bytes would go over the storedBytes quota", async () => {
      const api = await newUser();
      const big = await create(api, "a".repeat(2500));
      expect(big.status).to.equal(201);
      await usageReaches(api, "storedBytes", 2502);
      expectQuotaExceeded(await create(api, "b".repeat(600)), "storedBytes", 3000, 2502);
      const grow = await api.request(
        "PATCH",
        `/api/v1/memories/${big.body.id}`,
        { content: "a".repeat(3100) },
        { "if-match": "1" },
      );
      expectQuotaExceeded(grow, "storedBytes", 3000, 2502);
      const kept = await api.request("GET", `/api/v1/memories/${big.body.id}`);
      expect([kept.body.version, kept.body.content.length]).to.deep.equal([1, 2500]);
      const shrink = await api.request(
        "PATCH",
        `/api/v1/memories/${big.body.id}`,
        { content: "a".repeat(100) },
        { "if-match": "1" },
      );
      expect(shrink.status, JSON.stringify(shrink.body)).to.equal(200);
      await usageReaches(api, "storedBytes", 102);
    });

    it("refuses the command that would put more than editsPerMemory events in a memory, never its deletion", async () => {
      const api = await newUser();
      const { body: memory } = await create(api, "edited often");
      const on = (method: string, path: string, body?: unknown) =>
        api.request(method, `/api/v1/memories/${memory.id}${path}`, body);
      expect((await on("PUT", "/tags", { tags: ["a"] })).status).to.equal(200);
      expect((await on("POST", "/archive")).status).to.equal(200);
      expect((await on("POST", "/restore")).body.version).to.equal(4);
      expectQuotaExceeded(await on("PUT", "/tags", { tags: ["b"] }), "editsPerMemory", 4, 4);
      const kept = await on("GET", "");
      expect([kept.body.version, kept.body.tags]).to.deep.equal([4, ["a"]]);
      expect((await on("DELETE", "")).status).to.equal(204);
    });

    it("renames a tag everywhere but on a memory at its editsPerMemory quota, which keeps the old one", async () => {
      const api = await newUser();
      const full = (await api.request("POST", "/api/v1/memories", { content: "full", tags: ["old"] })).body;
      const on = (path: string, body?: unknown) =>
        api.request(body ? "PUT" : "POST", `/api/v1/memories/${full.id}${path}`, body);
      expect((await on("/archive")).status).to.equal(200);
      expect((await on("/restore")).status).to.equal(200);
      expect((await on("/tags", { tags: ["old", "x"] })).body.version).to.equal(4);
      const roomy = (await api.request("POST", "/api/v1/memories", { content: "roomy", tags: ["old"] })).body;
      await eventually(async () => {
        const { body } = await api.request("GET", "/api/v1/tags");
        return body.find((tag: { name: string }) => tag.name === "old")?.count === 2 ? true : undefined;
      }, 20_000);
      const renamed = await api.request("PATCH", "/api/v1/tags/old", { name: "new" });
      expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
      expect(renamed.body.operation).to.include({ status: "completed", total: 2 });
      const tagsOf = async (id: string) => (await api.request("GET", `/api/v1/memories/${id}`)).body.tags;
      expect(await tagsOf(full.id)).to.deep.equal(["old", "x"]);
      expect(await tagsOf(roomy.id)).to.deep.equal(["new"]);
    });

    it("refuses a message over the messagesPerSession quota", async () => {
      const api = await newUser();
      const { body: session } = await api.request("POST", "/api/v1/sessions", { title: "short" });
      const say = (content: string) =>
        api.request("POST", `/api/v1/sessions/${session.id}/messages`, { role: "user", content });
      expect((await say("first")).status).to.equal(200);
      expect((await say("second")).status).to.equal(200);
      expectQuotaExceeded(await say("third"), "messagesPerSession", 2, 2);
      const read = await api.request("GET", `/api/v1/sessions/${session.id}`);
      expect(read.body.messages.map((m: { content: string }) => m.content)).to.deep.equal([
        "first",
        "second",
      ]);
    });

    it("refuses a file over the attachmentBytes quota before its body when declared, after it when chunked", async () => {
      const api = await newUser();
      const other = await newUser();
      const { body: memory } = await create(api, "with files");
      const first = await upload(api, memory.id, Buffer.alloc(200_000, "a"));
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      expect((await usage(api)).attachmentBytes.used).to.equal(200_000);

      // Declared far over what is left: answered before a byte of the file is sent.
      const declared = await rawUpload(api, memory.id, multipart(Buffer.alloc(400_000, "b")), 400_300);
      expect(declared).to.match(/^HTTP\/1\.1 403 /);
      expect(declared).to.include('"QUOTA_EXCEEDED"');
      // Chunked, no length to judge by: refused once it has arrived, at its real size.
      const chunked = await rawUpload(api, memory.id, multipart(Buffer.alloc(150_000, "c")));
      expect(chunked).to.match(/^HTTP\/1\.1 403 /);
      expect(chunked).to.include('"used":200000');
      expect((await usage(api)).attachmentBytes.used).to.equal(200_000);
      const attached = await eventually(async () => {
        const read = await api.request("GET", `/api/v1/memories/${memory.id}`);
        return read.body.attachments?.length > 0 ? read.body.attachments : undefined;
      });
      expect(attached).to.have.length(1);
      expect((await usage(other)).attachmentBytes.used).to.equal(0);

      expect((await api.request("DELETE", `/api/v1/attachments/${first.body.id}`)).status).to.equal(204);
      await usageReaches(api, "attachmentBytes", 0);
      const room = await rawUpload(api, memory.id, multipart(Buffer.alloc(150_000, "c")));
      expect(room).to.match(/^HTTP\/1\.1 201 /);
      expect((await usage(api)).attachmentBytes.used).to.equal(150_000);
    });

    it("forgets an erased user's usage", async function () {
      // The embedded mode's database belongs to the running process: only a server's can be read.
      const database = fixture.database;
      if (!database) return this.skip();
      const api = new ApiClient(fixture.stack.baseUrl);
      const { id, password } = await api.registerUser();
      const { body: memory } = await create(api, "soon gone");
      expect((await upload(api, memory.id, Buffer.alloc(1000, "a"))).status).to.equal(201);
      await usageReaches(api, "memories", 1);
      const rowsOf = async () => {
        const usage = await database.pool.query("SELECT 1 FROM memories_usage WHERE owner_id = $1", [id]);
        const files = await database.pool.query("SELECT 1 FROM attachment_index WHERE owner_id = $1", [id]);
        return usage.rows.length + files.rows.length;
      };
      expect(await rowsOf()).to.equal(2);
      expect((await api.request("DELETE", "/api/v1/users/me", { password })).status).to.equal(202);
      await eventually(async () => ((await rowsOf()) === 0 ? true : undefined), 30_000);
    });

    it("answers GET /users/me while a counting service is down, its counts null; writes go on", async function () {
      if (mode !== "distributed") return this.skip();
      const api = await newUser();
      await fixture.stack.kill("memory-views", "SIGKILL");
      try {
        const partial = await eventually(async () => {
          const counted = await usage(api);
          return counted.memories.used === null ? counted : undefined;
        }, 30_000);
        expect(partial.memories).to.deep.equal({ used: null, limit: 3 });
        expect(partial.storedBytes).to.deep.equal({ used: null, limit: 3000 });
        expect(partial.attachmentBytes).to.deep.equal({ used: 0, limit: 300000 });
        // A write never waits for the read side: without a count, the per-user quotas are not checked.
        expect((await create(api, "while the views are down")).status).to.equal(201);
      } finally {
        fixture.stack.start("memory-views");
      }
      await usageReaches(api, "memories", 1);
    });
  });
}
