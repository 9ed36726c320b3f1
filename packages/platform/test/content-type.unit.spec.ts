import { expect } from "chai";
import { sniffContentType } from "../src/object-storage/content-type.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

describe("content type sniffing", () => {
  it("recognises common formats by their magic numbers", () => {
    expect(sniffContentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).to.equal(
      "image/png",
    );
    expect(sniffContentType(bytes(0xff, 0xd8, 0xff, 0xe0))).to.equal("image/jpeg");
    expect(sniffContentType(text("GIF89a..."))).to.equal("image/gif");
    expect(sniffContentType(text("%PDF-1.7\n"))).to.equal("application/pdf");
    expect(sniffContentType(bytes(0x50, 0x4b, 0x03, 0x04, 1, 2))).to.equal("application/zip");
    expect(sniffContentType(bytes(0x1f, 0x8b, 8, 0))).to.equal("application/gzip");
    expect(sniffContentType(text("RIFF\u0000\u0000\u0000\u0000WEBPVP8 "))).to.equal("image/webp");
  });

  it("calls valid UTF-8 without control characters text, even cut inside a character", () => {
    expect(sniffContentType(text("Notes from the standup:\n- ship Friday\t✓"))).to.equal(
      "text/plain; charset=utf-8",
    );
    const cut = text("café").subarray(0, 4); // "caf" plus the first byte of "é"
    expect(sniffContentType(cut)).to.equal("text/plain; charset=utf-8");
  });

  it("falls back to application/octet-stream for anything else", () => {
    expect(sniffContentType(bytes(0x00, 0x01, 0x02, 0x03))).to.equal("application/octet-stream");
    expect(sniffContentType(bytes(0xc3, 0x28))).to.equal("application/octet-stream"); // invalid UTF-8
    expect(sniffContentType(bytes())).to.equal("application/octet-stream");
  });
});
