import { createCipheriv, randomBytes } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import {
  decryptFields,
  decryptValue,
  encryptFields,
  encryptValue,
  isEncrypted,
  keyedDigest,
  type EventBinding,
} from "../src/cipher.ts";

/** A value as the cipher wrote it before values were bound to their event (`enc:v1:`, no AAD). */
function unboundValue(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return "enc:v1:" + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

describe("cipher", () => {
  const key = randomBytes(32);
  const event: EventBinding = { id: "e1", streamId: "memory-m1", type: "MemoryCreated" };

  it("round-trips any JSON value", () => {
    for (const value of ["Dear diary", "", 42, true, null, { a: [1, "x"] }, ["é", "🧠"]]) {
      const text = encryptValue(key, value, "context");
      expect(text).to.match(/^enc:v2:[A-Za-z0-9+/]+=*$/);
      expect(isEncrypted(text)).to.equal(true);
      expect(decryptValue(key, text, "context")).to.deep.equal(value);
    }
  });

  it("uses a fresh IV each time", () => {
    expect(encryptValue(key, "same", "c")).not.to.equal(encryptValue(key, "same", "c"));
    // Across several refills of the pool the IVs are cut from: never one twice (12 bytes each).
    const ivs = Array.from({ length: 2_000 }, () =>
      Buffer.from(encryptValue(key, "same", "c").slice("enc:v2:".length), "base64")
        .subarray(0, 12)
        .toString("hex"),
    );
    expect(new Set(ivs).size).to.equal(ivs.length);
  });

  it("detects tampering", () => {
    const text = encryptValue(key, "secret plan", "c");
    const bytes = Buffer.from(text.slice("enc:v2:".length), "base64");
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    expect(() => decryptValue(key, "enc:v2:" + bytes.toString("base64"), "c")).to.throw(
      /cannot be decrypted/,
    );
    expect(() => decryptValue(key, "enc:v2:AAAA", "c")).to.throw(/truncated/);
  });

  it("fails with the wrong key", () => {
    const text = encryptValue(key, "secret plan", "c");
    expect(() => decryptValue(randomBytes(32), text, "c")).to.throw(/cannot be decrypted/);
  });

  it("fails in any other context than the one it was written for", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (written, read) => {
        fc.pre(written !== read);
        const text = encryptValue(key, "secret plan", written);
        expect(() => decryptValue(key, text, read)).to.throw(/cannot be decrypted/);
      }),
      { numRuns: 50 },
    );
  });

  it("still reads values written before they were bound, whatever the context", () => {
    expect(decryptValue(key, unboundValue(key, "old plan"), "any")).to.equal("old plan");
    expect(decryptFields({ content: unboundValue(key, "old") }, ["content"], key, event)).to.deep.equal({
      content: "old",
    });
  });

  it("rejects keys that are not 32 bytes", () => {
    expect(() => encryptValue(randomBytes(16), "x", "c")).to.throw(/32 bytes/);
  });

  it("isEncrypted is false for plain values", () => {
    expect(isEncrypted("hello")).to.equal(false);
    expect(isEncrypted(undefined)).to.equal(false);
    expect(isEncrypted({ enc: "v1" })).to.equal(false);
  });

  it("encrypts only the listed fields that are present, and restores them", () => {
    const data = {
      memoryId: "m1",
      title: "Trip",
      content: "Lisbon in May",
      tags: ["travel"],
      sourceUrl: null,
    };
    const fields = ["title", "content", "sourceUrl", "fileName"];
    const sealed = encryptFields(data, fields, key, event);
    expect(sealed.memoryId).to.equal("m1");
    expect(sealed.tags).to.deep.equal(["travel"]);
    expect(isEncrypted(sealed.title)).to.equal(true);
    expect(isEncrypted(sealed.content)).to.equal(true);
    expect(sealed.sourceUrl).to.equal(null);
    expect(sealed).not.to.have.property("fileName");
    expect(data.title).to.equal("Trip"); // the input is not mutated
    expect(decryptFields(sealed, fields, key, event)).to.deep.equal(data);
  });

  it("binds each field to its event, stream, type and name: a value moved anywhere else fails", () => {
    const sealed = encryptFields({ title: "Trip", content: "Lisbon" }, ["title", "content"], key, event);
    const elsewhere: EventBinding[] = [
      { ...event, id: "e2" },
      { ...event, streamId: "memory-m2" },
      { ...event, type: "MemoryUpdated" },
    ];
    for (const other of elsewhere) {
      expect(() => decryptFields(sealed, ["title"], key, other)).to.throw(/cannot be decrypted/);
    }
    // The title's ciphertext swapped into the content field of the very same event.
    const swapped = { title: sealed.content, content: sealed.title };
    expect(() => decryptFields(swapped, ["title", "content"], key, event)).to.throw(/cannot be decrypted/);
  });

  it("leaves undefined fields undefined", () => {
    const sealed = encryptFields(
      { title: undefined as string | undefined, content: "x" },
      ["title", "content"],
      key,
      event,
    );
    expect(sealed.title).to.equal(undefined);
    expect(decryptFields(sealed, ["title", "content"], key, event)).to.deep.equal({
      title: undefined,
      content: "x",
    });
  });

  it("encrypts user text that merely looks encrypted", () => {
    for (const content of ["enc:v1:not really", "enc:v2:not really"]) {
      const sealed = encryptFields({ content }, ["content"], key, event);
      expect(decryptFields(sealed, ["content"], key, event).content).to.equal(content);
    }
  });

  it("makes keyed digests that only the key reproduces, one per purpose", () => {
    const digest = keyedDigest(key, "tag stream id", "owner\ntravel");
    expect(digest).to.match(/^[0-9a-f]{64}$/);
    expect(keyedDigest(key, "tag stream id", "owner\ntravel")).to.equal(digest);
    expect(keyedDigest(randomBytes(32), "tag stream id", "owner\ntravel")).not.to.equal(digest);
    expect(keyedDigest(key, "another purpose", "owner\ntravel")).not.to.equal(digest);
    expect(keyedDigest(key, "tag stream id", "owner\ntravel ")).not.to.equal(digest);
  });
});
