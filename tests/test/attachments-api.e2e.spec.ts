import { createHash, randomBytes } from "node:crypto";
import { existsSync, type Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { expect } from "chai";
import { ApiClient, eventually } from "../src/api-client.ts";
import { openRawSocket, rawRequest } from "../src/raw-http.ts";
import { useStack } from "../src/stack-fixture.ts";
import { checkedFetch } from "../src/openapi-responses.ts";

const MAX_FILE_BYTES = 256 * 1024;
// How every PNG begins: the signature, the IHDR chunk of a 1x1 image, and the header of an IDAT
// chunk that the 1000 bytes after it fill.
const PNG_HEAD = Buffer.from([
  ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  ...[0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde],
  ...[0, 0, 0x03, 0xe8, 0x49, 0x44, 0x41, 0x54],
]);

// The attachments part of the REST contract (API.md) over HTTP: embedded (objects in a folder)
// and distributed (objects in an S3-protocol server, the gateway streaming each upload straight into it).
for (const mode of ["embedded", "distributed"] as const) {
  describe(`attachments API (${mode})`, function () {
    this.timeout(120_000);
    const fixture = useStack(mode, { MAX_FILE_BYTES: String(MAX_FILE_BYTES) }, { s3: true });
    let api: ApiClient;
    before(() => (api = fixture.api));

    /**
     * The files under the embedded mode's objects folder (none before the first upload). A folder
     * can vanish under the scan (an erasure removing an owner's files): then it is scanned again.
     */
    async function localFiles(): Promise<Dirent[]> {
      const root = path.join(fixture.stack.dataDir, "objects");
      for (let attempt = 1; ; attempt++) {
        try {
          const entries = await readdir(root, { recursive: true, withFileTypes: true });
          return entries.filter((entry) => entry.isFile());
        } catch (error) {
          if ((error as { code?: string }).code !== "ENOENT" || attempt === 5) throw error;
          if (!existsSync(root)) return [];
        }
      }
    }

    /** Objects stored, wherever this mode keeps them. */
    async function objectCount(): Promise<number> {
      if (fixture.s3) return fixture.s3.objectCount();
      return (await localFiles()).filter((file) => !file.parentPath.includes(".incoming")).length;
    }

    /** Every object and every partly written one (a staged upload under way), wherever this mode keeps them. */
    async function filesInStorage(): Promise<number> {
      if (fixture.s3) return fixture.s3.objectCount();
      return (await localFiles()).length;
    }

    async function createMemory(client = api): Promise<string> {
      const res = await client.request("POST", "/api/v1/memories", { content: "with files" });
      expect(res.status).to.equal(201);
      return res.body.id;
    }

    async function upload(memoryId: string, bytes: Buffer, filename: string, field = "file", client = api) {
      const form = new FormData();
      form.append(field, new Blob([bytes], { type: "text/plain" }), filename);
      const response = await checkedFetch(
        `${fixture.stack.baseUrl}/api/v1/memories/${memoryId}/attachments`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${client.token}` },
          body: form,
        },
      );
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    }

    async function download(id: string, client = api) {
      const response = await checkedFetch(`${fixture.stack.baseUrl}/api/v1/attachments/${id}`, {
        headers: { authorization: `Bearer ${client.token}` },
      });
      return { response, bytes: Buffer.from(await response.arrayBuffer()) };
    }

    /**
     * Starts an upload to `memoryId` as a client still sending would: the request's head and the
     * start of its body only. Resolves with the answer's head (or "no answer within 5 s: …") and the
     * socket, still open, so the test can look around before it closes it.
     */
    async function answerWhileSending(memoryId: string, contentLength: number, bodyStart: string | Buffer) {
      const { socket, received } = openRawSocket(
        fixture.stack.baseUrl,
        (text) => text.includes("\r\n\r\n"),
        5000,
      );
      socket.write(
        `POST /api/v1/memories/${memoryId}/attachments HTTP/1.1\r\nHost: x\r\n` +
          `Authorization: Bearer ${api.token}\r\nContent-Type: multipart/form-data; boundary=XB\r\n` +
          `Content-Length: ${contentLength}\r\n\r\n`,
      );
      socket.write(bodyStart);
      return { answered: await received, socket };
    }

    it("attaches a file, downloads it byte-identical, and it is gone after the memory is deleted", async () => {
      const memoryId = await createMemory();
      const bytes = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(200_000)]);
      const created = await upload(memoryId, bytes, "Résumé final (2).pdf");
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.include({
        filename: "Résumé final (2).pdf",
        contentType: "application/pdf",
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      });
      expect(created.headers.get("location")).to.equal(`/api/v1/attachments/${created.body.id}`);

      const { response, bytes: back } = await download(created.body.id);
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/^application\/pdf/);
      expect(response.headers.get("content-length")).to.equal(String(bytes.length));
      expect(response.headers.get("content-disposition")).to.equal(
        `attachment; filename="R_sum_ final (2).pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20final%20%282%29.pdf`,
      );
      expect(back.equals(bytes)).to.equal(true);

      // The memory lists its attachment (the read model learns of it from the log).
      const listed = await eventually(async () => {
        const memory = await api.request("GET", `/api/v1/memories/${memoryId}`);
        return memory.body.attachments?.length === 1 ? memory.body.attachments : undefined;
      });
      if (fixture.database) {
        // The file's hash would confirm a guess of its bytes: the log holds it encrypted only.
        const { rows } = await fixture.database.pool.query(
          "SELECT 1 FROM event_store.events WHERE strpos(data::text, $1) > 0",
          [created.body.sha256],
        );
        expect(rows).to.deep.equal([]);
      }
      expect(listed).to.deep.equal([
        {
          id: created.body.id,
          filename: "Résumé final (2).pdf",
          contentType: "application/pdf",
          size: bytes.length,
          sha256: created.body.sha256,
        },
      ]);

      const before = await objectCount();
      expect((await api.request("DELETE", `/api/v1/memories/${memoryId}`)).status).to.equal(204);
      expect((await download(created.body.id)).response.status).to.equal(404);
      await eventually(async () => ((await objectCount()) === before - 1 ? true : undefined));
    });

    it("answers every write to a memory with its attachments, exactly as GET lists them", async () => {
      const memoryId = await createMemory();
      const target = await createMemory();
      for (const name of ["first.txt", "second.txt"]) {
        expect((await upload(memoryId, Buffer.from(`the ${name}`), name)).status).to.equal(201);
      }
      const get = async () => (await api.request("GET", `/api/v1/memories/${memoryId}`)).body;
      const listed = await eventually(async () => {
        const memory = await get();
        return memory.attachments?.length === 2 ? memory.attachments : undefined;
      });
      expect(listed.map((attachment: { filename: string }) => attachment.filename)).to.deep.equal([
        "first.txt",
        "second.txt",
      ]);

      const version = (await get()).version;
      const writes = [
        () =>
          api.request(
            "PATCH",
            `/api/v1/memories/${memoryId}`,
            { title: "Files" },
            { "if-match": String(version) },
          ),
        () => api.request("POST", `/api/v1/memories/${memoryId}/archive`),
        () => api.request("POST", `/api/v1/memories/${memoryId}/restore`),
        () => api.request("PUT", `/api/v1/memories/${memoryId}/tags`, { tags: ["files"] }),
        () =>
          api.request("POST", `/api/v1/memories/${memoryId}/links`, { targetId: target, type: "related" }),
      ];
      for (const write of writes) {
        const answer = await write();
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        // GET catches up with the write a moment later: until the read model has it, GET folds the
        // memory's own stream, which does not list attachments (projections/memory-views/src/application/read-memory.ts).
        const shown = await eventually(async () => {
          const memory = await get();
          return isDeepStrictEqual(memory, answer.body) ? memory : undefined;
        }).catch(() => get());
        expect(answer.body).to.deep.equal(shown);
      }
    });

    it("stores the same bytes of one owner once, and deletes the object only with its last attachment", async () => {
      const memoryId = await createMemory();
      const bytes = randomBytes(10_000);
      const before = await objectCount();
      const first = await upload(memoryId, bytes, "a.bin");
      const second = await upload(memoryId, bytes, "b.bin");
      expect([first.status, second.status]).to.deep.equal([201, 201]);
      expect(first.body.sha256).to.equal(second.body.sha256);
      expect(await objectCount()).to.equal(before + 1);

      expect((await api.request("DELETE", `/api/v1/attachments/${first.body.id}`)).status).to.equal(204);
      expect((await download(first.body.id)).response.status).to.equal(404);
      const { bytes: still } = await download(second.body.id);
      expect(still.equals(bytes)).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await objectCount()).to.equal(before + 1);

      expect((await api.request("DELETE", `/api/v1/attachments/${second.body.id}`)).status).to.equal(204);
      await eventually(async () => ((await objectCount()) === before ? true : undefined));
    });

    it("sniffs the type from the bytes: a PNG named notes.txt is a PNG", async () => {
      const memoryId = await createMemory();
      const created = await upload(memoryId, Buffer.concat([PNG_HEAD, randomBytes(1000)]), "notes.txt");
      expect(created.status).to.equal(201);
      expect(created.body.contentType).to.equal("image/png");
      const text = await upload(memoryId, Buffer.from("plain words, ünïcödé\n"), "data.png");
      expect(text.body.contentType).to.equal("text/plain; charset=utf-8");
    });

    it("refuses a file over the limit with 413 and stores nothing", async () => {
      const memoryId = await createMemory();
      const before = await objectCount();
      const tooBig = await upload(memoryId, randomBytes(MAX_FILE_BYTES + 1), "big.bin");
      expect(tooBig.status).to.equal(413);
      expect(tooBig.body.error.code).to.equal("PAYLOAD_TOO_LARGE");
      const exactly = await upload(memoryId, randomBytes(MAX_FILE_BYTES), "fits.bin");
      expect(exactly.status).to.equal(201);
      expect(await objectCount()).to.equal(before + 1);
      const memory = await api.request("GET", `/api/v1/memories/${memoryId}`);
      expect(memory.status).to.equal(200);
    });

    it("answers 400 without a `file` field or without multipart", async () => {
      const memoryId = await createMemory();
      const wrongField = await upload(memoryId, Buffer.from("x"), "x.txt", "document");
      expect(wrongField.status).to.equal(400);
      expect(wrongField.body.error.code).to.equal("VALIDATION_FAILED");
      const json = await api.request("POST", `/api/v1/memories/${memoryId}/attachments`, { file: "x" });
      expect(json.status).to.equal(400);
      expect(json.body.error.code).to.equal("VALIDATION_FAILED");
    });

    it("refuses a bad memory id before taking the file: the 400 comes while the body is still arriving", async () => {
      // The client announces 100 kB and sends only the start: a gateway that stored the file before
      // checking the path would wait for the rest and never answer.
      const { answered: head, socket } = await answerWhileSending(
        "not-a-uuid",
        100_000,
        `--XB\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello`,
      );
      socket.destroy();
      expect(head.split("\r\n")[0]).to.equal("HTTP/1.1 400 Bad Request");
    });

    it("answers a malformed or cut-off multipart body with 400, stores nothing and logs no failure", async () => {
      const memoryId = await createMemory();
      const kept = await upload(memoryId, Buffer.from("kept"), "kept.txt");
      expect(kept.status).to.equal(201);
      const before = await objectCount();
      const part = (boundary: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n`;
      const bodies: [string, string][] = [
        ["multipart/form-data; boundary=XB", `${part("OTHER")}--OTHER--\r\n`], // not the declared boundary
        ["multipart/form-data; boundary=XB", part("XB")], // no closing boundary
        ["multipart/form-data; boundary=XB", "not multipart at all"],
        ["multipart/form-data; boundary=XB", ""],
        ["multipart/form-data; boundary=", `${part("")}----\r\n`],
        [
          `multipart/form-data; boundary="${"b".repeat(300)}"`,
          `${part("b".repeat(300))}--${"b".repeat(300)}--\r\n`,
        ],
      ];
      for (const [contentType, body] of bodies) {
        const response = await rawRequest(fixture.stack.baseUrl, {
          method: "POST",
          target: `/api/v1/memories/${memoryId}/attachments`,
          headers: { Authorization: `Bearer ${api.token}`, "Content-Type": contentType },
          body: Buffer.from(body),
        });
        const shown = `${contentType} ${JSON.stringify(body.slice(0, 60))} → ${response.status} ${response.text}`;
        expect(response.status, shown).to.equal(400);
        expect((response.json as { error: { code: string } }).error.code, shown).to.equal(
          "VALIDATION_FAILED",
        );
      }
      // A client that goes away mid-file: its own doing, not a server failure in the log.
      const socket = connect(Number(new URL(fixture.stack.baseUrl).port), "127.0.0.1");
      socket.on("error", () => undefined);
      socket.write(
        `POST /api/v1/memories/${memoryId}/attachments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.token}\r\n` +
          `Content-Type: multipart/form-data; boundary=XB\r\nContent-Length: 100000\r\n\r\n${part("XB")}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(
        fixture.stack
          .recentOutput()
          .split("\n")
          .filter((line) => /"status":5\d\d/.test(line)),
      ).to.deep.equal([]);
      expect(await objectCount()).to.equal(before);
      const attachments = (await api.request("GET", `/api/v1/memories/${memoryId}`)).body.attachments;
      expect(attachments.map((attachment: { id: string }) => attachment.id)).to.deep.equal([kept.body.id]);
    });

    it("removes an erased user's files and forgets their attachments, and nobody else's", async () => {
      const leaving = new ApiClient(fixture.stack.baseUrl);
      const user = await leaving.registerUser();
      const memoryId = await createMemory(leaving);
      const before = await objectCount();
      for (const name of ["one.txt", "two.txt"]) {
        const bytes = Buffer.from(`${name} ${randomBytes(8).toString("hex")}`);
        expect((await upload(memoryId, bytes, name, "file", leaving)).status).to.equal(201);
      }
      expect(await objectCount()).to.equal(before + 2);
      const mine = await upload(await createMemory(), Buffer.from("stays"), "stays.txt");
      expect(mine.status).to.equal(201);

      const erased = await leaving.request("DELETE", "/api/v1/users/me", { password: user.password });
      expect(erased.status).to.equal(202);
      await eventually(async () => ((await objectCount()) === before + 1 ? true : undefined));
      expect((await download(mine.body.id)).bytes.toString()).to.equal("stays");
      if (fixture.database) {
        await eventually(async () => {
          const { rows } = await fixture.database!.pool.query(
            "SELECT owner_id FROM attachment_index WHERE owner_id = $1",
            [user.id],
          );
          return rows.length === 0 ? true : undefined;
        });
      }
    });

    it("refuses another user's or no memory (404) before storing a byte: the answer comes while the body is still arriving", async () => {
      const stranger = new ApiClient(fixture.stack.baseUrl);
      await stranger.registerUser();
      const theirs = await createMemory(stranger);
      const before = await filesInStorage();
      for (const memoryId of [theirs, crypto.randomUUID()]) {
        // The client announces a file near the limit and sends its first 64 KiB only: a gateway
        // that stored the file before checking the memory would wait for the rest and not answer.
        const head =
          `--XB\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n`;
        const { answered, socket } = await answerWhileSending(
          memoryId,
          MAX_FILE_BYTES,
          Buffer.concat([Buffer.from(head), randomBytes(64 * 1024)]),
        );
        // Asked while the connection is still open and the body still owed: nothing is being stored.
        const during = await filesInStorage();
        socket.destroy();
        expect(answered.split("\r\n")[0], memoryId).to.equal("HTTP/1.1 404 Not Found");
        expect(answered).to.include('"code":"NOT_FOUND"');
        expect(during, "files stored or staged while the body arrived").to.equal(before);
      }
      // A whole file for another user's memory: refused the same way, nothing kept.
      expect((await upload(theirs, randomBytes(100_000), "whole.bin")).status).to.equal(404);
      expect(await filesInStorage()).to.equal(before);
      expect((await stranger.request("GET", `/api/v1/memories/${theirs}`)).body.attachments).to.deep.equal(
        [],
      );
    });

    it("keeps attachments to their owner: another user's memory or attachment is 404", async () => {
      const memoryId = await createMemory();
      const mine = await upload(memoryId, Buffer.from("secret"), "secret.txt");
      expect(mine.status).to.equal(201);
      const other = new ApiClient(fixture.stack.baseUrl);
      await other.registerUser();
      const before = await objectCount();
      const intoMine = await upload(memoryId, Buffer.from("intruder"), "x.txt", "file", other);
      expect(intoMine.status).to.equal(404);
      expect((await download(mine.body.id, other)).response.status).to.equal(404);
      expect((await other.request("DELETE", `/api/v1/attachments/${mine.body.id}`)).status).to.equal(404);
      expect((await upload(crypto.randomUUID(), Buffer.from("x"), "x.txt")).status).to.equal(404);
      expect(await objectCount()).to.equal(before);
      expect((await download(mine.body.id)).response.status).to.equal(200);
    });
  });
}
