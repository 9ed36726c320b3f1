import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { decryptFields, decryptValue, encryptFields, encryptValue, isEncrypted } from "../src/cipher.ts";

describe("cipher", () => {
  const key = randomBytes(32);

  it("round-trips any JSON value", () => {
    for (const value of ["Dear diary", "", 42, true, null, { a: [1, "x"] }, ["é", "🧠"]]) {
      const text = encryptValue(key, value);
      expect(text).to.match(/^enc:v1:[A-Za-z0-9+/]+=*$/);
      expect(isEncrypted(text)).to.equal(true);
      expect(decryptValue(key, text)).to.deep.equal(value);
    }
  });

  it("uses a fresh IV each time", () => {
    expect(encryptValue(key, "same")).not.to.equal(encryptValue(key, "same"));
  });

  it("detects tampering", () => {
    const text = encryptValue(key, "secret plan");
    const bytes = Buffer.from(text.slice("enc:v1:".length), "base64");
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    expect(() => decryptValue(key, "enc:v1:" + bytes.toString("base64"))).to.throw(/cannot be decrypted/);
    expect(() => decryptValue(key, "enc:v1:AAAA")).to.throw(/truncated/);
  });

  it("fails with the wrong key", () => {
    const text = encryptValue(key, "secret plan");
    expect(() => decryptValue(randomBytes(32), text)).to.throw(/cannot be decrypted/);
  });

  it("rejects keys that are not 32 bytes", () => {
    expect(() => encryptValue(randomBytes(16), "x")).to.throw(/32 bytes/);
  });

  it("isEncrypted is false for plain values", () => {
    expect(isEncrypted("hello")).to.equal(false);
    expect(isEncrypted(undefined)).to.equal(false);
    expect(isEncrypted({ enc: "v1" })).to.equal(false);
  });

  it("encrypts only the listed fields that are present, and restores them", () => {
    const event = {
      memoryId: "m1",
      title: "Trip",
      content: "Lisbon in May",
      tags: ["travel"],
      sourceUrl: null,
    };
    const sealed = encryptFields(event, ["title", "content", "sourceUrl", "fileName"], key);
    expect(sealed.memoryId).to.equal("m1");
    expect(sealed.tags).to.deep.equal(["travel"]);
    expect(isEncrypted(sealed.title)).to.equal(true);
    expect(isEncrypted(sealed.content)).to.equal(true);
    expect(sealed.sourceUrl).to.equal(null);
    expect(sealed).not.to.have.property("fileName");
    expect(event.title).to.equal("Trip"); // the input is not mutated
    expect(decryptFields(sealed, ["title", "content", "sourceUrl", "fileName"], key)).to.deep.equal(event);
  });

  it("leaves undefined fields undefined", () => {
    const sealed = encryptFields(
      { title: undefined as string | undefined, content: "x" },
      ["title", "content"],
      key,
    );
    expect(sealed.title).to.equal(undefined);
    expect(decryptFields(sealed, ["title", "content"], key)).to.deep.equal({
      title: undefined,
      content: "x",
    });
  });

  it("encrypts user text that merely looks encrypted", () => {
    const sealed = encryptFields({ content: "enc:v1:not really" }, ["content"], key);
    expect(decryptFields(sealed, ["content"], key).content).to.equal("enc:v1:not really");
  });
});
