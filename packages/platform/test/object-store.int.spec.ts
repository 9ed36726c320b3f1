import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { PayloadTooLargeError } from "@second-brain/contracts";
import { ABANDONED_PUT_AGE_MS, openFolderObjectStore, stageUpload, type ObjectStore } from "../src/index.ts";
import { openS3ObjectStore } from "../src/object-storage/s3-object-store.ts";
import { startS3TestServer, type S3TestServer } from "./support/s3-test-server.ts";

/** One contract, every adapter: what the attachment service relies on. */
function objectStoreContract(name: string, open: () => Promise<ObjectStore>) {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    before(async () => {
      store = await open();
    });

    const key = () => `owner-${randomBytes(4).toString("hex")}/objects/${randomBytes(8).toString("hex")}`;

    it("stores a stream and gives the same bytes back", async () => {
      const bytes = randomBytes(300_000);
      const k = key();
      await store.put(k, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), undefined, "x/y");
      expect(await store.exists(k)).to.equal(true);
      expect(await readAll(await store.get(k))).to.deep.equal(bytes);
    });

    it("stores a stream longer than one upload part", async () => {
      const bytes = randomBytes(6 * 1024 * 1024 + 123);
      const k = key();
      await store.put(k, chunked(bytes, 64 * 1024), undefined, "application/octet-stream");
      expect((await readAll(await store.get(k))).equals(bytes)).to.equal(true);
    });

    it("answers undefined and false for a missing object", async () => {
      const k = key();
      expect(await store.get(k)).to.equal(undefined);
      expect(await store.exists(k)).to.equal(false);
    });

    it("deletes, and deleting a missing object is not an error", async () => {
      const k = key();
      await store.put(k, Readable.from([Buffer.from("bye")]), 3, "text/plain");
      await store.delete(k);
      expect(await store.exists(k)).to.equal(false);
      await store.delete(k);
    });

    it("a body that fails midway rejects the put and leaves no object", async () => {
      const k = key();
      const failing = new Readable({ read() {} });
      failing.push(randomBytes(100_000));
      setTimeout(() => failing.destroy(new Error("client went away")), 20);
      let caught: unknown;
      await store.put(k, failing, undefined, "application/octet-stream").catch((error) => (caught = error));
      expect((caught as Error)?.message).to.equal("client went away");
      expect(await store.exists(k)).to.equal(false);
    });

    it("moves an object to another key, replacing what was there", async () => {
      const bytes = randomBytes(200_000);
      const [from, to] = [key(), key()];
      await store.put(from, Readable.from([bytes]), undefined, "application/octet-stream");
      await store.put(to, Readable.from([Buffer.from("old")]), 3, "text/plain");
      await store.move(from, to);
      expect(await store.exists(from)).to.equal(false);
      expect((await readAll(await store.get(to))).equals(bytes)).to.equal(true);
    });

    it("moving a missing object fails", async () => {
      let caught: unknown;
      await store.move(key(), key()).catch((error) => (caught = error));
      expect(caught).to.be.instanceOf(Error);
    });

    it("stages an upload: size, sha256 and the sniffed type, the bytes stored whole", async () => {
      const bytes = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(6 * 1024 * 1024)]);
      const k = key();
      const staged = await stageUpload(store, k, chunked(bytes, 64 * 1024), { maxBytes: bytes.length });
      expect(staged).to.deep.equal({
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        contentType: "application/pdf",
      });
      expect((await readAll(await store.get(k))).equals(bytes)).to.equal(true);
    });

    it("stages an empty upload", async () => {
      const k = key();
      const staged = await stageUpload(store, k, Readable.from([]), { maxBytes: 10 });
      expect(staged.size).to.equal(0);
      expect(staged.contentType).to.equal("application/octet-stream");
      expect(await store.exists(k)).to.equal(true);
    });

    it("refuses an upload over the limit with 413 and leaves nothing behind", async () => {
      const k = key();
      let caught: unknown;
      await stageUpload(store, k, chunked(randomBytes(300_000), 16 * 1024), { maxBytes: 100_000 }).catch(
        (error) => (caught = error),
      );
      expect(caught).to.be.instanceOf(PayloadTooLargeError);
      expect(await store.exists(k)).to.equal(false);
    });

    it("refuses keys that could escape the store", async () => {
      for (const bad of ["../etc/passwd", "a/../../b", "/abs", "a//b", ""]) {
        let caught: unknown;
        await store.exists(bad).catch((error) => (caught = error));
        expect(caught, bad).to.be.instanceOf(Error);
      }
    });
  });
}

function chunked(bytes: Buffer, size: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.length) return void this.push(null);
      this.push(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  expect(stream).to.not.equal(undefined);
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("object storage adapters", () => {
  let folder: string;
  let s3: S3TestServer;
  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "sb-objects-"));
    s3 = await startS3TestServer();
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
    await s3?.stop();
  });

  objectStoreContract("folder", () => openFolderObjectStore(folder));
  objectStoreContract("s3 (s3rver on loopback)", () =>
    openS3ObjectStore({
      endpoint: s3.endpoint,
      bucket: `sb-test-${randomBytes(4).toString("hex")}`,
      accessKey: "S3RVER",
      secretKey: "S3RVER",
      region: "us-east-1",
    }),
  );

  describe("folder store housekeeping", () => {
    it("leaves no temporary files behind, even after a failed put", async () => {
      expect(await readdir(path.join(folder, ".incoming"))).to.deep.equal([]);
    });

    it("removes the temporary file of a put cut off by a killed process when it opens again", async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), "sb-objects-"));
      try {
        const incoming = path.join(root, ".incoming");
        await mkdir(incoming);
        // What a gateway killed while an upload streamed leaves behind, and a put in progress.
        await writeFile(path.join(incoming, "cut-off"), randomBytes(1000));
        const longAgo = new Date(Date.now() - ABANDONED_PUT_AGE_MS - 60_000);
        await utimes(path.join(incoming, "cut-off"), longAgo, longAgo);
        await writeFile(path.join(incoming, "in-progress"), randomBytes(1000));
        await openFolderObjectStore(root);
        expect(await readdir(incoming)).to.deep.equal(["in-progress"]);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  });
});
