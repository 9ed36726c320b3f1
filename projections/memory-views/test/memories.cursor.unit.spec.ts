import { expect } from "chai";
import { ValidationError } from "@second-brain/contracts";
import { decodeCursor, encodeCursor } from "../src/read-model/memories.cursor.ts";

describe("list cursor", () => {
  const cursor = { createdAt: "2026-11-26T10:00:00.123Z", id: "11111111-1111-4111-8111-111111111111" };

  it("round-trips and is URL safe", () => {
    const text = encodeCursor(cursor);
    expect(text).to.match(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).to.deep.equal(cursor);
  });

  for (const bad of [
    "",
    "not-base64!",
    Buffer.from("{}").toString("base64url"),
    Buffer.from('["x","y"]').toString("base64url"),
  ]) {
    it(`refuses ${JSON.stringify(bad)} with a 400`, () => {
      expect(() => decodeCursor(bad)).to.throw(ValidationError);
    });
  }
});
